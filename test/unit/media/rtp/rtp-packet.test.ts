import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import {
  createRtpHeaderView, isRtcpPacket, parseRtp, readRtpHeader, serializeRtp, writeRtpHeader, type RtpPacket,
} from '../../../../src/media/rtp/rtp-packet.js';

const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

function packet(over: Partial<RtpPacket> = {}): RtpPacket {
  return { marker: false, pt: 0, seq: 0x1234, ts: 0xdeadbeef, ssrc: 0x11223344, csrcs: [], payload: Buffer.from('abcd'), padding: 0, ...over };
}

describe('RTP packet (RFC 3550 §5.1)', () => {
  it('reads the fixed header fields of known bytes', () => {
    const buf = bytes('80e0 1234 deadbeef 11223344 01020304');
    const h = readRtpHeader(buf);
    assert.ok(h);
    assert.deepEqual(h, {
      headerLength: 12, payloadOffset: 12, payloadLength: 4, paddingLength: 0,
      pt: 96, seq: 0x1234, ts: 0xdeadbeef, ssrc: 0x11223344, marker: true, csrcCount: 0, hasExtension: false,
    });
  });

  it('fills the caller-owned view in place and returns it', () => {
    const view = createRtpHeaderView();
    const a = readRtpHeader(bytes('8000 0001 00000010 00000001 ff'), view);
    assert.equal(a, view);
    assert.equal(view.seq, 1);
    const b = readRtpHeader(bytes('8008 0002 00000020 00000001 ffff'), view);
    assert.equal(b, view);
    assert.equal(view.seq, 2);
    assert.equal(view.pt, 8);
    assert.equal(view.payloadLength, 2);
  });

  it('reads only the first `length` octets of a larger receive buffer', () => {
    const buf = Buffer.alloc(1500, 0xaa);
    bytes('8000 0005 00000000 00000009 0102').copy(buf);
    const h = readRtpHeader(buf, createRtpHeaderView(), 14);
    assert.ok(h);
    assert.equal(h.payloadLength, 2);
    assert.equal(readRtpHeader(buf, createRtpHeaderView(), 1501), undefined);
  });

  it('round-trips a plain packet with marker, payload type, sequence, timestamp and SSRC', () => {
    const p = packet({ marker: true, pt: 111, seq: 65535, ts: 0xffffffff, ssrc: 0xfedcba98 });
    const wire = serializeRtp(p);
    assert.deepEqual(wire, bytes('80ef ffff ffffffff fedcba98 61626364'));
    assert.deepEqual(parseRtp(wire), p);
  });

  it('round-trips a CSRC list and reports its length in the header length', () => {
    const p = packet({ csrcs: [1, 0x80000000, 0xffffffff] });
    const wire = serializeRtp(p);
    assert.equal(wire[0], 0x83);
    assert.equal(readRtpHeader(wire)?.headerLength, 24);
    assert.deepEqual(parseRtp(wire), p);
  });

  it('round-trips a header extension keeping the profile field and data (§5.3.1)', () => {
    const p = packet({ extension: { profile: 0xbede, data: bytes('10ff0000 22aabb00') } });
    const wire = serializeRtp(p);
    assert.deepEqual(wire.subarray(12, 24), bytes('bede0002 10ff0000 22aabb00'));
    assert.equal(wire[0], 0x90);
    assert.deepEqual(parseRtp(wire), p);
  });

  it('round-trips an empty header extension', () => {
    const p = packet({ extension: { profile: 0x1000, data: Buffer.alloc(0) } });
    assert.deepEqual(parseRtp(serializeRtp(p)), p);
  });

  it('round-trips padding: P bit set and the last octet counts the padding (§5.1)', () => {
    const p = packet({ padding: 4 });
    const wire = serializeRtp(p);
    assert.equal(wire[0], 0xa0);
    assert.deepEqual(wire.subarray(16), bytes('00000004'));
    const h = readRtpHeader(wire);
    assert.equal(h?.payloadLength, 4);
    assert.equal(h?.paddingLength, 4);
    assert.deepEqual(parseRtp(wire), p);
  });

  it('round-trips CSRCs, extension and padding together', () => {
    const p = packet({ marker: true, pt: 8, csrcs: [7, 8], extension: { profile: 1, data: bytes('01020304') }, padding: 3, payload: Buffer.alloc(160, 0xd5) });
    const wire = serializeRtp(p);
    assert.equal(wire.length, 12 + 8 + 8 + 160 + 3);
    assert.deepEqual(parseRtp(wire), p);
  });

  it('parses a copy: the packet stays valid after the receive buffer is reused', () => {
    const wire = serializeRtp(packet());
    const p = parseRtp(wire);
    wire.fill(0);
    assert.deepEqual(p?.payload, Buffer.from('abcd'));
  });

  describe('rejects invalid input with undefined, never an exception', () => {
    const cases: [string, Buffer][] = [
      ['version 1', bytes('4000 0001 00000000 00000001')],
      ['version 0 (e.g. STUN)', bytes('0001 0000 2112a442 00000000')],
      ['shorter than the fixed header', bytes('8000 0001 00000000 000000')],
      ['empty', Buffer.alloc(0)],
      ['a CSRC count running past the end', bytes('8f00 0001 00000000 00000001 00000002')],
      ['an extension header cut short', bytes('9000 0001 00000000 00000001 bede')],
      ['an extension length running past the end', bytes('9000 0001 00000000 00000001 bede0002 00000000')],
      ['a padding count of zero', bytes('a000 0001 00000000 00000001 616200')],
      ['a padding count larger than the payload', bytes('a000 0001 00000000 00000001 616205')],
      ['padding with no payload octets at all', bytes('a000 0001 00000000 000000ff')],
    ];
    for (const [name, buf] of cases) {
      it(name, () => {
        assert.equal(readRtpHeader(buf), undefined);
        assert.equal(parseRtp(buf), undefined);
      });
    }
  });

  it('accepts padding that takes the whole payload', () => {
    const h = readRtpHeader(bytes('a000 0001 00000000 00000001 000003'));
    assert.equal(h?.payloadLength, 0);
    assert.equal(h?.paddingLength, 3);
  });

  it('refuses to serialize more than 15 CSRCs or extension data that is not whole words', () => {
    assert.throws(() => serializeRtp(packet({ csrcs: new Array<number>(16).fill(1) })), (e) => isSwitchboardError(e));
    assert.throws(() => serializeRtp(packet({ extension: { profile: 1, data: Buffer.alloc(3) } })), (e) => isSwitchboardError(e));
    assert.throws(() => serializeRtp(packet({ padding: 256 })), (e) => isSwitchboardError(e));
  });
});

describe('writeRtpHeader (send path)', () => {
  it('writes the 12-octet fixed header at an offset and returns its length', () => {
    const out = Buffer.alloc(20, 0xee);
    const n = writeRtpHeader(out, 4, { pt: 0, seq: 0x0102, ts: 0x03040506, ssrc: 0x0708090a, marker: true });
    assert.equal(n, 12);
    assert.deepEqual(out, bytes('eeeeeeee 8080 0102 03040506 0708090a eeeeeeee'));
  });

  it('takes the sequence number modulo 2^16 and the timestamp and SSRC modulo 2^32', () => {
    const out = Buffer.alloc(12);
    writeRtpHeader(out, 0, { pt: 8, seq: 65536 + 3, ts: 2 ** 32 + 160, ssrc: -1, marker: false });
    const h = readRtpHeader(out);
    assert.equal(h?.seq, 3);
    assert.equal(h?.ts, 160);
    assert.equal(h?.ssrc, 0xffffffff);
    assert.equal(h?.pt, 8);
    assert.equal(h?.marker, false);
  });
});

describe('RTP/RTCP demultiplexing (RFC 5761 §4)', () => {
  it('classifies second octets 192..223 (RTCP packet types) as RTCP', () => {
    for (const b1 of [192, 200, 201, 202, 203, 205, 206, 207, 223]) assert.equal(isRtcpPacket(Buffer.from([0x80, b1])), true, String(b1));
  });

  it('classifies RTP payload types outside 64..95 as RTP, with or without the marker bit', () => {
    for (const b1 of [0, 8, 9, 96, 101, 127, 0x80 | 0, 0x80 | 8, 0x80 | 96, 0x80 | 101, 191, 224]) {
      assert.equal(isRtcpPacket(Buffer.from([0x80, b1])), false, String(b1));
    }
  });

  it('does not classify a one-octet datagram as RTCP', () => {
    assert.equal(isRtcpPacket(Buffer.from([0x80])), false);
  });
});
