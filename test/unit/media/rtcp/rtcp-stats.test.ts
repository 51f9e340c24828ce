import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RtpReceiveStats } from '../../../../src/media/rtp/rtp-receive-stats.js';
import { msToNtpShort, ntpFromUnixMs, ntpMiddle32, ntpMiddle32FromUnixMs, ntpShortToMs } from '../../../../src/media/rtcp/ntp-timestamp.js';
import {
  buildReportBlock, buildSenderReport, nextReportDelayMs, noteSenderReport, reportBlockFor, roundTripTimeMs, rtpTimestampAt,
} from '../../../../src/media/rtcp/rtcp-stats.js';
import type { ReportBlock } from '../../../../src/media/rtcp/receiver-report.js';

const block = (lastSr: number, delaySinceLastSr: number): ReportBlock =>
  ({ ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSeq: 0, jitter: 0, lastSr, delaySinceLastSr });

describe('NTP timestamps (RFC 3550 §4)', () => {
  it('converts the Unix epoch to NTP seconds 2208988800', () => {
    assert.deepEqual(ntpFromUnixMs(0), { seconds: 2208988800, fraction: 0 });
  });

  it('puts milliseconds in the 32-bit fraction', () => {
    assert.deepEqual(ntpFromUnixMs(1500), { seconds: 2208988801, fraction: 0x80000000 });
    assert.deepEqual(ntpFromUnixMs(250), { seconds: 2208988800, fraction: 0x40000000 });
  });

  it('takes the middle 32 bits as low 16 of the seconds and high 16 of the fraction', () => {
    assert.equal(ntpMiddle32(0xe1234567, 0x89abcdef), 0x456789ab);
    assert.equal(ntpMiddle32FromUnixMs(1500), ((2208988801 & 0xffff) * 65536 + 0x8000) >>> 0);
  });

  it('converts milliseconds to and from 1/65536 s units', () => {
    assert.equal(msToNtpShort(5250), 0x00054000);
    assert.equal(ntpShortToMs(0x00062000), 6125);
  });
});

describe('round-trip time from LSR and DLSR (RFC 3550 §6.4.1)', () => {
  it('computes the RFC example: A 0xb710:8000 − LSR 0xb705:2000 − DLSR 0x0005:4000 = 6.125 s', () => {
    assert.equal(roundTripTimeMs(block(0xb7052000, 0x00054000), 0xb7108000), 6125);
  });

  it('computes across the wrap of the 32-bit middle word', () => {
    assert.equal(roundTripTimeMs(block(0xffff8000, 0x00004000), 0x00004000), 500);
  });

  it('has no RTT while the peer has not received an SR from us (LSR 0)', () => {
    assert.equal(roundTripTimeMs(block(0, 0), 0xb7108000), undefined);
  });

  it('gives 0 rather than a negative RTT when the peer rounded DLSR up', () => {
    assert.equal(roundTripTimeMs(block(0x00010000, 0x00000010), 0x00010008), 0);
  });

  it('finds the block about our SSRC in a report', () => {
    const rr = { type: 'rr' as const, ssrc: 9, extension: Buffer.alloc(0), reports: [{ ...block(1, 2), ssrc: 7 }, { ...block(3, 4), ssrc: 8 }] };
    assert.equal(reportBlockFor(rr, 8)?.lastSr, 3);
    assert.equal(reportBlockFor(rr, 99), undefined);
  });
});

describe('our report block (RFC 3550 §6.4.1, A.3)', () => {
  it('fills loss, highest sequence, jitter, LSR and DLSR from the receive stats and the last SR', () => {
    const stats = new RtpReceiveStats({ clockRate: 8000 });
    for (const seq of [65534, 65535, 0, 1, 3]) stats.update(0xabc, seq, seq * 160, seq * 20);
    const sr = buildSenderReport({ ssrc: 0xabc, nowUnixMs: 1500, rtpTimestamp: 0, packetCount: 0, octetCount: 0, reports: [] });
    const last = noteSenderReport(sr, 10_000);
    const b = buildReportBlock(stats, last, 10_500);
    assert.deepEqual(b, {
      ssrc: 0xabc, fractionLost: Math.floor(256 / 5), cumulativeLost: 1, extendedHighestSeq: 65536 + 3,
      jitter: stats.jitter, lastSr: ntpMiddle32FromUnixMs(1500), delaySinceLastSr: 32768,
    });
    // The interval was taken: the next block reports no new loss.
    assert.equal(buildReportBlock(stats, last, 11_000)?.fractionLost, 0);
  });

  it('sends LSR and DLSR 0 before any SR arrived, and no block before any packet', () => {
    const stats = new RtpReceiveStats({ clockRate: 8000 });
    assert.equal(buildReportBlock(stats, undefined, 0), undefined);
    stats.update(1, 1, 0, 0);
    const b = buildReportBlock(stats, undefined, 0);
    assert.equal(b?.lastSr, 0);
    assert.equal(b?.delaySinceLastSr, 0);
  });
});

describe('sender report helpers', () => {
  it('extrapolates the RTP timestamp of the report instant from the last packet sent', () => {
    assert.equal(rtpTimestampAt(1030, 16000, 1000, 8000), 16240);
    assert.equal(rtpTimestampAt(1020, 0xffffff60, 1000, 8000), 0);
  });

  it('builds an SR whose NTP timestamp is the given wallclock', () => {
    const sr = buildSenderReport({ ssrc: 1, nowUnixMs: 1500, rtpTimestamp: 2 ** 32 + 5, packetCount: 3, octetCount: 4, reports: [] });
    assert.equal(sr.ntpSeconds, 2208988801);
    assert.equal(sr.ntpFraction, 0x80000000);
    assert.equal(sr.rtpTimestamp, 5);
  });
});

describe('report interval (RFC 3550 §6.3.1, simplified)', () => {
  it('draws uniformly from 0.5..1.5 × 5 s by default', () => {
    assert.equal(nextReportDelayMs({ random: () => 0 }), 2500);
    assert.equal(nextReportDelayMs({ random: () => 0.5 }), 5000);
    assert.equal(nextReportDelayMs({ random: () => 0.75 }), 6250);
  });

  it('scales with the rtcpIntervalMs option and stays within bounds with the real random source', () => {
    assert.equal(nextReportDelayMs({ rtcpIntervalMs: 1000, random: () => 0.25 }), 750);
    for (let i = 0; i < 100; i++) {
      const d = nextReportDelayMs();
      assert.ok(d >= 2500 && d < 7500, String(d));
    }
  });
});
