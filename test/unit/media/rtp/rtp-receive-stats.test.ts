import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtpReceiveStats, RtpSeqResult } from '../../../../src/media/rtp/rtp-receive-stats.js';

const SSRC = 0x1234;

/** Feeds seqs at 20 ms / 160 ticks per sequence step and returns the results. */
function feed(stats: RtpReceiveStats, seqs: number[], ssrc = SSRC): RtpSeqResult[] {
  return seqs.map((seq) => stats.update(ssrc, seq & 0xffff, (seq * 160) >>> 0, seq * 20));
}

describe('RTP receive statistics (RFC 3550 A.1 sequence validation)', () => {
  it('keeps a new source on probation until MIN_SEQUENTIAL (2) packets arrived in sequence', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    assert.deepEqual(feed(s, [100, 101, 102]), [RtpSeqResult.PROBATION, RtpSeqResult.ACCEPTED, RtpSeqResult.ACCEPTED]);
    assert.equal(s.validated, true);
    // init_seq happens on the validating packet: it is the base and the first one received.
    assert.equal(s.received, 2);
    assert.equal(s.expected, 2);
    assert.equal(s.extendedMaxSeq, 102);
  });

  it('restarts probation when the packets during probation are not sequential', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    assert.deepEqual(feed(s, [100, 105, 106]), [RtpSeqResult.PROBATION, RtpSeqResult.PROBATION, RtpSeqResult.ACCEPTED]);
    assert.equal(s.expected, 1);
  });

  it('validates on the first packet when minSequential is 1', () => {
    const s = new RtpReceiveStats({ clockRate: 8000, minSequential: 1 });
    assert.deepEqual(feed(s, [7, 8]), [RtpSeqResult.ACCEPTED, RtpSeqResult.ACCEPTED]);
    assert.equal(s.expected, 2);
  });

  it('counts a 16-bit wrap as another cycle in the extended highest sequence number', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    feed(s, [65533, 65534, 65535, 65536, 65537]);
    assert.equal(s.extendedMaxSeq, 65536 + 1);
    assert.equal(s.expected, 4);
    assert.equal(s.cumulativeLost, 0);
  });

  it('takes a forward gap below MAX_DROPOUT as loss', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    assert.deepEqual(feed(s, [1, 2, 3, 10]).at(-1), RtpSeqResult.ACCEPTED);
    assert.equal(s.expected, 9);
    assert.equal(s.received, 3);
    assert.equal(s.cumulativeLost, 6);
  });

  it('accepts a reordered packet within MAX_MISORDER without moving the highest sequence number', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    feed(s, [1, 2, 4, 3]);
    assert.equal(s.extendedMaxSeq, 4);
    assert.equal(s.cumulativeLost, 0);
  });

  it('drops a jump beyond MAX_DROPOUT until the next packet confirms it, then restarts the sequence', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    feed(s, [1, 2, 3]);
    assert.equal(s.update(SSRC, 5000, 0, 100), RtpSeqResult.BAD_SEQUENCE);
    assert.equal(s.update(SSRC, 5001, 160, 120), RtpSeqResult.RESTARTED);
    assert.equal(s.extendedMaxSeq, 5001);
    assert.equal(s.expected, 1);
    assert.equal(s.received, 1);
    assert.equal(s.update(SSRC, 5002, 320, 140), RtpSeqResult.ACCEPTED);
  });

  it('does not restart on a single stray packet far away', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    feed(s, [1, 2, 3]);
    assert.equal(s.update(SSRC, 40000, 0, 100), RtpSeqResult.BAD_SEQUENCE);
    assert.equal(s.update(SSRC, 4, 640, 120), RtpSeqResult.ACCEPTED);
    assert.equal(s.extendedMaxSeq, 4);
  });

  it('treats a packet MAX_MISORDER (100) or more behind as a bad sequence number', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    feed(s, [1000, 1001, 1002]);
    assert.equal(s.update(SSRC, 1002 - 99, 0, 100), RtpSeqResult.ACCEPTED);
    assert.equal(s.update(SSRC, 1002 - 100, 0, 100), RtpSeqResult.BAD_SEQUENCE);
  });

  it('reports a new SSRC after validation as SSRC_CHANGED and restarts the bookkeeping', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    feed(s, [1, 2, 3, 4]);
    assert.equal(s.update(0x9999, 500, 0, 200), RtpSeqResult.SSRC_CHANGED);
    assert.equal(s.ssrc, 0x9999);
    assert.equal(s.validated, false);
    assert.equal(s.ssrcChanges, 1);
    assert.equal(s.update(0x9999, 501, 160, 220), RtpSeqResult.ACCEPTED);
    assert.equal(s.expected, 1);
  });

  it('switches silently to another SSRC heard while the first was still on probation', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    assert.equal(s.update(1, 10, 0, 0), RtpSeqResult.PROBATION);
    assert.equal(s.update(2, 500, 0, 20), RtpSeqResult.PROBATION);
    assert.equal(s.ssrcChanges, 0);
  });
});

describe('RTP receive statistics (RFC 3550 A.3 loss)', () => {
  it('computes the fraction lost per interval as lost × 256 / expected', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    feed(s, [0, 1, 2, 3, 5, 6, 9, 10]); // base 1, expected 1..10 = 10, received 7 → 3 lost
    assert.equal(s.cumulativeLost, 3);
    assert.equal(s.takeFractionLost(), Math.floor((3 * 256) / 10)); // 76
    feed(s, [11, 12, 13, 15]); // interval: expected 5, received 4
    assert.equal(s.takeFractionLost(), Math.floor(256 / 5)); // 51
    assert.equal(s.cumulativeLost, 4);
    assert.equal(s.takeFractionLost(), 0); // nothing expected since
  });

  it('reports a fraction of 0 and a negative cumulative loss when duplicates outnumber losses', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    feed(s, [0, 1, 2, 2, 2, 3]);
    assert.equal(s.cumulativeLost, -2);
    assert.equal(s.takeFractionLost(), 0);
  });
});

describe('RTP receive statistics (RFC 3550 A.8 interarrival jitter)', () => {
  it('is zero for packets arriving exactly on their timestamps', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    feed(s, Array.from({ length: 50 }, (_, i) => i));
    assert.equal(s.jitter, 0);
  });

  it('follows J += (|D| − J) / 16 with arrival converted to timestamp units', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    s.update(SSRC, 0, 0, 1000);
    s.update(SSRC, 1, 160, 1025); // D = 200 − 160 = 40 → J = 2.5
    s.update(SSRC, 2, 320, 1040); // D = 120 − 160 = −40 → J = 2.5 + 37.5/16 = 4.84375
    assert.equal(s.jitter, 4);
    assert.equal(s.jitterMs, 4.84375 / 8);
  });

  it('counts telephone-event packets (timing = false) for loss but not for the jitter', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    s.update(SSRC, 0, 0, 0);
    s.update(SSRC, 1, 160, 20);
    for (let seq = 2; seq < 7; seq++) s.update(SSRC, seq, 320, seq * 20, false); // one event, same timestamp
    s.update(SSRC, 7, 1120, 140);
    assert.equal(s.jitter, 0);
    assert.equal(s.cumulativeLost, 0);
    assert.equal(s.extendedMaxSeq, 7);
  });

  it('takes the timestamp difference across the 32-bit wrap', () => {
    const s = new RtpReceiveStats({ clockRate: 8000 });
    s.update(SSRC, 0, 0xffffff60, 0);
    s.update(SSRC, 1, 0x00000000, 20);
    s.update(SSRC, 2, 0x000000a0, 40);
    assert.equal(s.jitter, 0);
  });
});
