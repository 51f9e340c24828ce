import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import { parseSenderReport, serializeSenderReport, type SenderReport } from '../../../../src/media/rtcp/sender-report.js';
import type { ReportBlock } from '../../../../src/media/rtcp/receiver-report.js';

const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

// V=2 RC=1 PT=200 length=12 | SSRC | NTP 0xe1234567.80000000 | RTP ts 8000 | 100 packets | 16000 octets
// | block: SSRC 0x55667788, fraction 64/256, 5 lost, ext seq 0x00010010, jitter 32, LSR 0xb7052000, DLSR 5.25 s
const KNOWN_SR = bytes(`
  81c8000c 11223344 e1234567 80000000 00001f40 00000064 00003e80
  55667788 40000005 00010010 00000020 b7052000 00054000`);

const BLOCK: ReportBlock = {
  ssrc: 0x55667788, fractionLost: 64, cumulativeLost: 5, extendedHighestSeq: 0x00010010, jitter: 32,
  lastSr: 0xb7052000, delaySinceLastSr: 0x00054000,
};

describe('RTCP sender report (RFC 3550 §6.4.1)', () => {
  it('parses known bytes into the sender info and report block', () => {
    assert.deepEqual(parseSenderReport(KNOWN_SR), {
      type: 'sr', ssrc: 0x11223344, ntpSeconds: 0xe1234567, ntpFraction: 0x80000000, rtpTimestamp: 8000,
      packetCount: 100, octetCount: 16000, reports: [BLOCK], extension: Buffer.alloc(0),
    });
  });

  it('serializes to exactly the known bytes', () => {
    const sr = parseSenderReport(KNOWN_SR)!;
    assert.deepEqual(serializeSenderReport(sr), KNOWN_SR);
  });

  it('round-trips an SR without report blocks (28 octets, length 6)', () => {
    const sr: SenderReport = {
      type: 'sr', ssrc: 0xffffffff, ntpSeconds: 0, ntpFraction: 1, rtpTimestamp: 0xffffffff, packetCount: 0, octetCount: 0,
      reports: [], extension: Buffer.alloc(0),
    };
    const wire = serializeSenderReport(sr);
    assert.equal(wire.length, 28);
    assert.deepEqual(wire.subarray(0, 4), bytes('80c80006'));
    assert.deepEqual(parseSenderReport(wire), sr);
  });

  it('round-trips two blocks, a negative cumulative loss (signed 24 bits) and a profile extension', () => {
    const sr: SenderReport = {
      type: 'sr', ssrc: 1, ntpSeconds: 2, ntpFraction: 3, rtpTimestamp: 4, packetCount: 5, octetCount: 6,
      reports: [BLOCK, { ...BLOCK, ssrc: 9, cumulativeLost: -1, fractionLost: 0 }], extension: bytes('cafebabe'),
    };
    const wire = serializeSenderReport(sr);
    assert.deepEqual(wire.subarray(4 + 24 + 24 + 4, 4 + 24 + 24 + 8), bytes('00ffffff'));
    assert.deepEqual(parseSenderReport(wire), sr);
  });

  it('clamps a cumulative loss beyond 24 bits when serializing', () => {
    const wire = serializeSenderReport({ ...parseSenderReport(KNOWN_SR)!, reports: [{ ...BLOCK, cumulativeLost: 1e9 }] });
    assert.equal(parseSenderReport(wire)?.reports[0]?.cumulativeLost, 0x7fffff);
  });

  it('rejects a truncated SR, a wrong packet type and a length field that disagrees with the datagram', () => {
    assert.equal(parseSenderReport(KNOWN_SR.subarray(0, 40)), undefined);
    const rr = Buffer.from(KNOWN_SR);
    rr[1] = 201;
    assert.equal(parseSenderReport(rr), undefined);
    const short = Buffer.from(KNOWN_SR);
    short[3] = 11; // says 48 octets, datagram has 52
    assert.equal(parseSenderReport(short), undefined);
    const manyBlocks = Buffer.from(KNOWN_SR);
    manyBlocks[0] = 0x82; // RC 2, only one block present
    assert.equal(parseSenderReport(manyBlocks), undefined);
  });

  it('refuses to serialize more than 31 report blocks', () => {
    const sr = { ...parseSenderReport(KNOWN_SR)!, reports: new Array<ReportBlock>(32).fill(BLOCK) };
    assert.throws(() => serializeSenderReport(sr), (e) => isSwitchboardError(e));
  });
});
