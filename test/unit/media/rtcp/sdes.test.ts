import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import { SdesItemType, cnameOf, parseSdes, serializeSdes, type SourceDescription } from '../../../../src/media/rtcp/sdes.js';

const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

describe('RTCP SDES (RFC 3550 §6.5)', () => {
  it('serializes one CNAME chunk to known bytes: item, null octet, word alignment', () => {
    const sdes: SourceDescription = { type: 'sdes', chunks: [{ ssrc: 0x11223344, items: [{ type: SdesItemType.CNAME, value: 'abcde' }] }] };
    const wire = serializeSdes(sdes);
    assert.deepEqual(wire, bytes('81ca0003 11223344 01056162 63646500'));
    assert.deepEqual(parseSdes(wire), sdes);
    assert.equal(cnameOf(sdes.chunks[0]!), 'abcde');
  });

  it('adds a whole null word when the items end on a word boundary', () => {
    const sdes: SourceDescription = { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: SdesItemType.CNAME, value: 'sixsix' }] }] };
    const wire = serializeSdes(sdes);
    assert.deepEqual(wire, bytes('81ca0004 00000001 0106 7369787369 78 00000000'));
    assert.deepEqual(parseSdes(wire), sdes);
  });

  it('round-trips several chunks with several items, UTF-8 text and an empty item', () => {
    const sdes: SourceDescription = {
      type: 'sdes', chunks: [
        { ssrc: 1, items: [{ type: SdesItemType.CNAME, value: 'sb@10.0.0.1' }, { type: SdesItemType.TOOL, value: 'Switchboard — ü' }, { type: SdesItemType.NOTE, value: '' }] },
        { ssrc: 2, items: [] },
        { ssrc: 3, items: [{ type: SdesItemType.CNAME, value: 'x'.repeat(255) }] },
      ],
    };
    assert.deepEqual(parseSdes(serializeSdes(sdes)), sdes);
  });

  it('rejects a chunk without its null terminator and an item running past the packet', () => {
    assert.equal(parseSdes(bytes('81ca0002 00000001 01026162')), undefined);
    assert.equal(parseSdes(bytes('81ca0002 00000001 01096162')), undefined);
    assert.equal(parseSdes(bytes('82ca0003 11223344 01056162 63646500')), undefined); // SC 2, one chunk
  });

  it('refuses to serialize an item over 255 octets', () => {
    assert.throws(() => serializeSdes({ chunks: [{ ssrc: 1, items: [{ type: 1, value: 'x'.repeat(256) }] }] }), (e) => isSwitchboardError(e));
  });
});
