import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCompound, serializeCompound, type RtcpPacket } from '../../../../src/media/rtcp/compound.js';
import type { ReceiverReport } from '../../../../src/media/rtcp/receiver-report.js';
import type { SenderReport } from '../../../../src/media/rtcp/sender-report.js';
import type { SourceDescription } from '../../../../src/media/rtcp/sdes.js';

const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

const SR: SenderReport = {
  type: 'sr', ssrc: 0xaabbccdd, ntpSeconds: 0xe1234567, ntpFraction: 0x12345678, rtpTimestamp: 160, packetCount: 1, octetCount: 160,
  reports: [{ ssrc: 5, fractionLost: 1, cumulativeLost: 2, extendedHighestSeq: 3, jitter: 4, lastSr: 5, delaySinceLastSr: 6 }], extension: Buffer.alloc(0),
};
const RR: ReceiverReport = { type: 'rr', ssrc: 0xaabbccdd, reports: [], extension: Buffer.alloc(0) };
const SDES: SourceDescription = { type: 'sdes', chunks: [{ ssrc: 0xaabbccdd, items: [{ type: 1, value: 'switchboard@example' }] }] };

describe('compound RTCP (RFC 3550 §6.1)', () => {
  it('round-trips SR + SDES + BYE in order', () => {
    const rest: RtcpPacket[] = [SDES, { type: 'bye', ssrcs: [0xaabbccdd], reason: 'done' }];
    const wire = serializeCompound(SR, rest);
    assert.equal(wire[1], 200);
    assert.deepEqual(parseCompound(wire), [SR, ...rest]);
  });

  it('round-trips RR + SDES + a packet type it does not interpret (APP)', () => {
    const app: RtcpPacket = { type: 'other', packetType: 204, count: 3, body: bytes('00000001 6e616d65 01020304') };
    const wire = serializeCompound(RR, [SDES, app]);
    assert.deepEqual(parseCompound(wire), [RR, SDES, app]);
  });

  it('accepts padding on the last packet and excludes it from the body', () => {
    // RR (8 octets) + BYE padded with 4 octets (P bit, count 4).
    const wire = bytes('80c90001 aabbccdd  a1cb0002 aabbccdd 00000004');
    assert.deepEqual(parseCompound(wire), [RR, { type: 'bye', ssrcs: [0xaabbccdd] }]);
  });

  it('rejects padding on a packet that is not the last', () => {
    const wire = bytes('a0c90002 aabbccdd 00000004  81cb0001 aabbccdd');
    assert.equal(parseCompound(wire), undefined);
  });

  it('rejects lengths that do not tile the datagram, and garbage', () => {
    assert.equal(parseCompound(bytes('80c90001 aabbccdd 00')), undefined);
    assert.equal(parseCompound(bytes('80c90002 aabbccdd')), undefined);
    assert.equal(parseCompound(bytes('00c90001 aabbccdd')), undefined);
    assert.equal(parseCompound(Buffer.alloc(0)), undefined);
  });

  it('rejects a compound packet when any part is malformed', () => {
    const good = serializeCompound(RR, [SDES]);
    const bad = Buffer.from(good);
    bad[8 + 4 + 4 + 1] = 200; // CNAME length now runs past the SDES packet
    assert.equal(parseCompound(bad), undefined);
  });
});
