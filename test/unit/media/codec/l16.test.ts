import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  HOST_IS_LITTLE_ENDIAN,
  copyFromLittleEndian,
  l16FromNetwork,
  l16ToNetwork,
  pcmFromLittleEndian,
  pcmToLittleEndian,
} from '../../../../src/media/codec/l16.js';

describe('L16 in network byte order (RFC 3551 §4.5.11)', () => {
  it('reads big-endian signed 16-bit samples', () => {
    const pcm = l16FromNetwork(Uint8Array.of(0x12, 0x34, 0xff, 0xfe, 0x80, 0x00, 0x7f, 0xff));
    assert.deepEqual([...pcm], [0x1234, -2, -32768, 32767]);
  });

  it('writes big-endian, most significant byte first', () => {
    const bytes = l16ToNetwork(Int16Array.of(0x1234, -2, -32768, 32767));
    assert.equal(bytes.toString('hex'), '1234fffe80007fff');
  });

  it('round-trips every 16-bit value', () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    assert.deepEqual(l16FromNetwork(l16ToNetwork(all)), all);
  });

  it('ignores an odd trailing byte', () => {
    assert.deepEqual([...l16FromNetwork(Uint8Array.of(0, 1, 2))], [1]);
  });

  it('fills caller buffers and returns exactly the filled part', () => {
    const out = new Int16Array(4);
    const got = l16FromNetwork(Uint8Array.of(0, 5, 0, 6), out);
    assert.equal(got.buffer, out.buffer);
    assert.deepEqual([...got], [5, 6]);
    const bytes = Buffer.alloc(4);
    assert.equal(l16ToNetwork(Int16Array.of(7, 8), bytes), bytes);
    assert.equal(bytes.toString('hex'), '00070008');
  });
});

describe('little-endian PCM (the agent binary dialect)', () => {
  it('runs on a little-endian host, where the helpers avoid copies', () => {
    assert.equal(HOST_IS_LITTLE_ENDIAN, true);
  });

  it('views Buffer bytes as samples without copying when the offset is even', () => {
    const buf = Buffer.from([0x34, 0x12, 0xfe, 0xff]);
    const pcm = pcmFromLittleEndian(buf);
    assert.deepEqual([...pcm], [0x1234, -2]);
    assert.equal(pcm.buffer, buf.buffer);
    buf.writeInt16LE(-5, 0);
    assert.equal(pcm[0], -5, 'the view aliases the bytes');
  });

  it('copies when the bytes start at an odd offset', () => {
    const backing = new Uint8Array(7);
    backing.set([0x01, 0x00, 0x02, 0x00], 1);
    const pcm = pcmFromLittleEndian(backing.subarray(1, 5));
    assert.deepEqual([...pcm], [1, 2]);
    assert.notEqual(pcm.buffer, backing.buffer);
  });

  it('views samples as little-endian bytes without copying', () => {
    const pcm = Int16Array.of(0x1234, -2);
    const bytes = pcmToLittleEndian(pcm);
    assert.equal(bytes.toString('hex'), '3412feff');
    assert.equal(bytes.buffer, pcm.buffer);
  });

  it('copies into a caller buffer when asked', () => {
    const out = new Int16Array(3);
    const got = copyFromLittleEndian(Uint8Array.of(0xff, 0x7f, 0x00, 0x80), out);
    assert.deepEqual([...got], [32767, -32768]);
    assert.equal(got.buffer, out.buffer);
  });
});
