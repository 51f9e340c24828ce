import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseBye, serializeBye, type Goodbye } from '../../../../src/media/rtcp/bye.js';

const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');

describe('RTCP BYE (RFC 3550 §6.6)', () => {
  it('round-trips a BYE without reason as known bytes', () => {
    const bye: Goodbye = { type: 'bye', ssrcs: [0x11223344] };
    const wire = serializeBye(bye);
    assert.deepEqual(wire, bytes('81cb0001 11223344'));
    assert.deepEqual(parseBye(wire), bye);
  });

  it('round-trips a reason for leaving, zero-padded to a word', () => {
    const bye: Goodbye = { type: 'bye', ssrcs: [0x11223344], reason: 'bye' };
    const wire = serializeBye(bye);
    assert.deepEqual(wire, bytes('81cb0002 11223344 03627965'));
    assert.deepEqual(parseBye(wire), bye);
    const long: Goodbye = { type: 'bye', ssrcs: [1, 2, 3], reason: 'call ended by the agent' };
    assert.deepEqual(parseBye(serializeBye(long)), long);
  });

  it('rejects a reason running past the packet and a source count larger than the packet', () => {
    assert.equal(parseBye(bytes('81cb0002 11223344 09627965')), undefined);
    assert.equal(parseBye(bytes('82cb0001 11223344')), undefined);
  });
});
