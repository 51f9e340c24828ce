import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import { DtmfReceiver, dtmfDigitOf, dtmfEventCode, dtmfPackets, type DtmfEvent } from '../../../../src/media/dtmf/rfc4733.js';

/** An event payload: code, E bit, volume 10, duration in timestamp units. */
function ev(code: number, duration: number, end = false): Buffer {
  return Buffer.from([code, (end ? 0x80 : 0) | 10, duration >> 8, duration & 0xff]);
}

/** Feeds [payload, ts, marker, arrivalMs] tuples and collects everything reported. */
function run(rx: DtmfReceiver, packets: [Buffer, number, boolean, number][]): DtmfEvent[] {
  return packets.flatMap(([p, ts, m, at]) => [...rx.push(p, ts, m, at)]);
}

describe('RFC 4733 receive', () => {
  it('reports one key press per event, on the first end packet, ignoring the two redundant copies', () => {
    const rx = new DtmfReceiver();
    const out: DtmfEvent[][] = [];
    const packets: [Buffer, number, boolean, number][] = [
      [ev(5, 160), 8000, true, 0], [ev(5, 320), 8000, false, 20], [ev(5, 480), 8000, false, 40],
      [ev(5, 640), 8000, false, 60], [ev(5, 800, true), 8000, false, 80], [ev(5, 800, true), 8000, false, 100], [ev(5, 800, true), 8000, false, 120],
    ];
    for (const [p, ts, m, at] of packets) out.push([...rx.push(p, ts, m, at)]);
    assert.deepEqual(out, [[], [], [], [], [{ digit: '5', durationMs: 100 }], [], []]);
  });

  it('round-trips every digit produced by the sender', () => {
    const rx = new DtmfReceiver();
    const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'];
    const got: DtmfEvent[] = [];
    let ts = 0;
    let t = 0;
    for (const digit of digits) {
      for (const p of dtmfPackets({ digit, durationMs: 120, startTs: ts })) got.push(...rx.push(p.payload, p.ts, p.marker, t + p.offsetMs));
      ts += 8000; // the next press a second later
      t += 1000;
    }
    assert.deepEqual(got, digits.map((digit) => ({ digit, durationMs: 120 })));
  });

  it('takes an event that starts without the marker bit (its first packet was lost)', () => {
    const rx = new DtmfReceiver();
    const got = run(rx, [[ev(9, 320), 100, false, 20], [ev(9, 480), 100, false, 40], [ev(9, 640, true), 100, false, 60]]);
    assert.deepEqual(got, [{ digit: '9', durationMs: 80 }]);
  });

  it('ends an event whose end packets were lost when a new event (new timestamp) starts', () => {
    const rx = new DtmfReceiver();
    const first = run(rx, [[ev(1, 160), 1000, true, 0], [ev(1, 320), 1000, false, 20], [ev(1, 480), 1000, false, 40]]);
    assert.deepEqual(first, []);
    const second = run(rx, [[ev(2, 160), 4000, true, 400]]);
    assert.deepEqual(second, [{ digit: '1', durationMs: 60 }]);
    assert.deepEqual(run(rx, [[ev(2, 400, true), 4000, false, 440]]), [{ digit: '2', durationMs: 50 }]);
  });

  it('reports a new event that consists only of end packets together with the one it closes', () => {
    const rx = new DtmfReceiver();
    run(rx, [[ev(1, 160), 1000, true, 0]]);
    assert.deepEqual(run(rx, [[ev(3, 400, true), 4000, false, 300]]), [{ digit: '1', durationMs: 20 }, { digit: '3', durationMs: 50 }]);
  });

  it('ends an event whose end packets were all lost endTimeoutMs after its last packet (poll)', () => {
    const rx = new DtmfReceiver({ endTimeoutMs: 2000 });
    run(rx, [[ev(7, 160), 0, true, 1000], [ev(7, 320), 0, false, 1020]]);
    assert.equal(rx.poll(3019), undefined);
    assert.deepEqual(rx.poll(3020), { digit: '7', durationMs: 40 });
    assert.equal(rx.poll(9000), undefined);
    // A late end packet of that event afterwards is not a second press.
    assert.deepEqual(run(rx, [[ev(7, 800, true), 0, false, 9001]]), []);
  });

  it('applies the end timeout on the next push too, when nobody polls', () => {
    const rx = new DtmfReceiver({ endTimeoutMs: 500 });
    run(rx, [[ev(4, 160), 0, true, 0]]);
    assert.deepEqual(run(rx, [[ev(4, 160), 0, false, 600]]), [{ digit: '4', durationMs: 20 }]);
  });

  it('ignores reordered and late packets of an event already reported', () => {
    const rx = new DtmfReceiver();
    const got = run(rx, [
      [ev(6, 160), 800, true, 0], [ev(6, 480, true), 800, false, 40], [ev(6, 320), 800, false, 45],
      [ev(8, 160), 5000, true, 500], [ev(6, 480, true), 800, false, 505], [ev(8, 320, true), 5000, false, 520],
    ]);
    assert.deepEqual(got, [{ digit: '6', durationMs: 60 }, { digit: '8', durationMs: 40 }]);
  });

  it('keeps the longest duration seen when packets of the open event are reordered', () => {
    const rx = new DtmfReceiver();
    const got = run(rx, [[ev(0, 160), 0, true, 0], [ev(0, 480), 0, false, 40], [ev(0, 320), 0, false, 41], [ev(0, 640, true), 0, false, 60]]);
    assert.deepEqual(got, [{ digit: '0', durationMs: 80 }]);
  });

  it('ignores flash (event 16) by default and reports it as "flash" when asked', () => {
    const packets: [Buffer, number, boolean, number][] = [[ev(16, 160), 0, true, 0], [ev(16, 1600, true), 0, false, 200]];
    assert.deepEqual(run(new DtmfReceiver(), packets), []);
    assert.deepEqual(run(new DtmfReceiver({ reportFlash: true }), packets), [{ digit: 'flash', durationMs: 200 }]);
  });

  it('ignores event codes above 16 and payloads shorter than 4 octets', () => {
    const rx = new DtmfReceiver();
    assert.deepEqual(run(rx, [[ev(32, 160, true), 0, true, 0], [Buffer.from([1, 0x80, 0]), 160, true, 20]]), []);
  });

  it('joins a long event sent as 0xFFFF segments (§2.5.1.3) into one report', () => {
    const rx = new DtmfReceiver();
    const got = run(rx, [
      [ev(11, 0xfff0), 1000, true, 8000], [ev(11, 0xffff), 1000, false, 8190],
      [ev(11, 800), 1000 + 0xffff, false, 8290], [ev(11, 1600, true), 1000 + 0xffff, false, 8390],
    ]);
    assert.deepEqual(got, [{ digit: '#', durationMs: Math.round(((0xffff + 1600) * 1000) / 8000) }]);
  });

  it('uses the clock rate of the telephone-event payload type for durations', () => {
    const rx = new DtmfReceiver({ clockRate: 16000 });
    assert.deepEqual(run(rx, [[ev(1, 1600, true), 0, true, 0]]), [{ digit: '1', durationMs: 100 }]);
  });

  it('forgets the last event on reset (new SSRC, timestamps restart lower)', () => {
    const rx = new DtmfReceiver();
    run(rx, [[ev(1, 160, true), 50000, true, 0]]);
    assert.deepEqual(run(rx, [[ev(2, 160, true), 100, true, 100]]), []); // older timestamp: taken as stale
    rx.reset();
    assert.deepEqual(run(rx, [[ev(2, 160, true), 100, true, 100]]), [{ digit: '2', durationMs: 20 }]);
  });
});

describe('RFC 4733 send', () => {
  it('produces one packet per ptime with a growing duration, the marker first and three end packets (§2.5)', () => {
    const packets = [...dtmfPackets({ digit: '5', durationMs: 100, startTs: 12345 })];
    assert.deepEqual(packets.map((p) => [p.payload.toString('hex'), p.ts, p.marker, p.end, p.offsetMs]), [
      ['050a00a0', 12345, true, false, 0],
      ['050a0140', 12345, false, false, 20],
      ['050a01e0', 12345, false, false, 40],
      ['050a0280', 12345, false, false, 60],
      ['058a0320', 12345, false, true, 80],
      ['058a0320', 12345, false, true, 100],
      ['058a0320', 12345, false, true, 120],
    ]);
  });

  it('ends on the exact duration when it is not a multiple of ptime', () => {
    const durations = [...dtmfPackets({ digit: '#', durationMs: 90, startTs: 0 })].map((p) => p.payload.readUInt16BE(2));
    assert.deepEqual(durations, [160, 320, 480, 640, 720, 720, 720]);
  });

  it('maps * # A-D and lower-case a-d to event codes 10-15', () => {
    assert.deepEqual(['*', '#', 'A', 'B', 'C', 'D', 'a', 'd'].map(dtmfEventCode), [10, 11, 12, 13, 14, 15, 12, 15]);
    assert.equal(dtmfDigitOf(16), 'flash');
    assert.equal(dtmfEventCode('E'), undefined);
    assert.equal([...dtmfPackets({ digit: 'c', durationMs: 20, startTs: 0 })][0]?.payload[0], 14);
  });

  it('honours ptime, clock rate, volume and the number of end packets', () => {
    const packets = [...dtmfPackets({ digit: '1', durationMs: 100, startTs: 0, ptimeMs: 50, clockRate: 16000, volume: 63, endRepeats: 2 })];
    assert.deepEqual(packets.map((p) => [p.payload.toString('hex'), p.offsetMs]), [['013f0320', 0], ['01bf0640', 50], ['01bf0640', 100]]);
  });

  it('clamps a duration beyond 0xFFFF timestamp units', () => {
    const last = [...dtmfPackets({ digit: '1', durationMs: 10_000, startTs: 0 })].at(-1);
    assert.equal(last?.payload.readUInt16BE(2), 0xffff);
  });

  it('refuses something that is not a DTMF digit', () => {
    assert.throws(() => [...dtmfPackets({ digit: 'x', durationMs: 100, startTs: 0 })], (e) => isSwitchboardError(e));
  });
});
