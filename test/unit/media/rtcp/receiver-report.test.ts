import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseReceiverReport, serializeReceiverReport, type ReceiverReport } from '../../../../src/media/rtcp/receiver-report.js';

const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

describe('RTCP receiver report (RFC 3550 §6.4.2)', () => {
  it('round-trips an empty RR (RC 0) as 8 known octets', () => {
    const rr: ReceiverReport = { type: 'rr', ssrc: 0x01020304, reports: [], extension: Buffer.alloc(0) };
    const wire = serializeReceiverReport(rr);
    assert.deepEqual(wire, bytes('80c90001 01020304'));
    assert.deepEqual(parseReceiverReport(wire), rr);
  });

  it('round-trips report blocks with every field at its extremes', () => {
    const rr: ReceiverReport = {
      type: 'rr', ssrc: 7, extension: Buffer.alloc(0), reports: [
        { ssrc: 0xffffffff, fractionLost: 255, cumulativeLost: 0x7fffff, extendedHighestSeq: 0xffffffff, jitter: 0xffffffff, lastSr: 0xffffffff, delaySinceLastSr: 0xffffffff },
        { ssrc: 0, fractionLost: 0, cumulativeLost: -0x800000, extendedHighestSeq: 0, jitter: 0, lastSr: 0, delaySinceLastSr: 0 },
      ],
    };
    const wire = serializeReceiverReport(rr);
    assert.deepEqual(wire.subarray(0, 4), bytes('82c9000d'));
    assert.deepEqual(wire.subarray(36, 40), bytes('00800000'));
    assert.deepEqual(parseReceiverReport(wire), rr);
  });

  it('rejects an RR whose blocks do not fit its length', () => {
    assert.equal(parseReceiverReport(bytes('81c90001 01020304')), undefined);
    assert.equal(parseReceiverReport(bytes('80c9')), undefined);
  });
});
