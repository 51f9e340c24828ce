import assert from 'node:assert/strict';
import { createCipheriv } from 'node:crypto';
import { describe, it } from 'node:test';
import { AesCounterMode } from '../../../../src/media/srtp/aes-counter-mode.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 3711 Appendix B.2 "AES-CM Test Vectors" (read from the RFC text): session key, session salt
// F0F1...FCFD, ROC 0, SEQ 0, SSRC 0; the keystream segment is 65282 AES blocks.
const B2_KEY = hex('2B7E151628AED2A6ABF7158809CF4F3C');
const B2_SALT = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD');
const B2_BLOCKS = 65282;
const B2_KEYSTREAM: ReadonlyArray<[number, string]> = [
  [0x0000, 'E03EAD0935C95E80E166B16DD92B4EB4'],
  [0x0001, 'D23513162B02D0F72A43A2FE4A5F97AB'],
  [0x0002, '41E95B3BB0A2E8DD477901E4FCA894C0'],
  [0xfeff, 'EC8CDF7398607CB0F2D21675EA9EA1E4'],
  [0xff00, '362B7C3C6773516318A077D7FC5073AE'],
  [0xff01, '6A2CC3787889374FBEB4C81B17BA6C44'],
];

describe('RFC 3711 §4.1.1 AES counter mode', () => {
  it('produces the RFC 3711 B.2 keystream over the whole 65282-block segment', () => {
    const cm = new AesCounterMode('aes-128-ecb', B2_KEY, B2_SALT);
    const zeros = Buffer.alloc(B2_BLOCKS * 16);
    const keystream = Buffer.alloc(zeros.length);
    cm.apply(zeros, 0, keystream, 0, zeros.length, 0, 0, 0);
    for (const [block, expected] of B2_KEYSTREAM) {
      assert.equal(
        keystream.subarray(block * 16, block * 16 + 16).toString('hex'),
        expected.toLowerCase(),
        `keystream block ${block.toString(16)}`,
      );
    }
  });

  it('places SSRC at bits 64–95 and the 48-bit index at bits 16–63 of the IV', () => {
    const key = hex('c61e7a93744f39ee10734afe3ff7a087');
    const salt = hex('30cbbc08863d8c85d49db34a9ae1');
    const ssrc = 0xcafebabe;
    const roc = 0x01020304;
    const seq = 0xfffe;
    // IV = (salt << 16) XOR (SSRC << 64) XOR (i << 16), built by hand, then plain AES-128-CTR.
    const iv = Buffer.concat([salt, Buffer.alloc(2)]);
    iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
    iv.writeUInt32BE((iv.readUInt32BE(8) ^ roc) >>> 0, 8);
    iv.writeUInt16BE(iv.readUInt16BE(12) ^ seq, 12);
    const payload = Buffer.from('a payload that spans three AES blocks, more or less!!');
    const reference = createCipheriv('aes-128-ctr', key, iv).update(payload);
    const out = Buffer.alloc(payload.length);
    new AesCounterMode('aes-128-ecb', key, salt).apply(payload, 0, out, 0, payload.length, ssrc, roc, seq);
    assert.equal(out.toString('hex'), reference.toString('hex'));
  });

  it('decrypts in place what it encrypted, and only the given range', () => {
    const cm = new AesCounterMode('aes-128-ecb', B2_KEY, B2_SALT);
    const packet = Buffer.from('HEADER......payload to protect, 37 octets');
    const original = Buffer.from(packet);
    cm.apply(packet, 12, packet, 12, packet.length - 12, 0x11223344, 7, 9);
    assert.equal(packet.subarray(0, 12).toString(), 'HEADER......');
    assert.notDeepEqual(packet, original);
    cm.apply(packet, 12, packet, 12, packet.length - 12, 0x11223344, 7, 9);
    assert.deepEqual(packet, original);
  });
});
