import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import {
  SRTP_LABEL,
  deriveDirectionKeys,
  deriveSessionKey,
} from '../../../../src/media/srtp/key-derivation.js';
import { srtpProfile } from '../../../../src/media/srtp/suites.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// RFC 3711 Appendix B.3 "Key Derivation Test Vectors" (read from the RFC text): AES-128 PRF,
// kdr = 0, so (index DIV kdr) is six zero octets.
const B3_MASTER_KEY = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
const B3_MASTER_SALT = hex('0EC675AD498AFEEBB6960B3AABE6');
const B3_CIPHER_KEY = 'c61e7a93744f39ee10734afe3ff7a087';
const B3_CIPHER_SALT = '30cbbc08863d8c85d49db34a9ae1';
// B.3 lists the 94-octet auth key as six AES blocks (inputs ...0000 to ...0005), the last cut to 14.
const B3_AUTH_KEY_94 =
  'CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE E049646C43D9327AD175578EF7227098' +
  '6371C10C9A369AC2F94A8C5FBCDDDC25 6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2';

describe('RFC 3711 §4.3 key derivation', () => {
  it('names the six labels as RFC 3711 §4.3.1–4.3.2 numbers them', () => {
    assert.deepEqual(SRTP_LABEL, {
      SRTP_ENCRYPTION: 0x00,
      SRTP_AUTHENTICATION: 0x01,
      SRTP_SALT: 0x02,
      SRTCP_ENCRYPTION: 0x03,
      SRTCP_AUTHENTICATION: 0x04,
      SRTCP_SALT: 0x05,
    });
  });

  it('derives the B.3 cipher key with label 0x00', () => {
    assert.equal(deriveSessionKey(B3_MASTER_KEY, B3_MASTER_SALT, SRTP_LABEL.SRTP_ENCRYPTION, 16).toString('hex'), B3_CIPHER_KEY);
  });

  it('derives the B.3 cipher salt with label 0x02', () => {
    assert.equal(deriveSessionKey(B3_MASTER_KEY, B3_MASTER_SALT, SRTP_LABEL.SRTP_SALT, 14).toString('hex'), B3_CIPHER_SALT);
  });

  it('derives the whole 94-octet B.3 auth key with label 0x01 (six counter blocks)', () => {
    const key = deriveSessionKey(B3_MASTER_KEY, B3_MASTER_SALT, SRTP_LABEL.SRTP_AUTHENTICATION, 94);
    assert.equal(key.toString('hex'), hex(B3_AUTH_KEY_94).toString('hex'));
  });

  it('gives AES_CM_128_HMAC_SHA1_80 a 16-octet key, 14-octet salt and the first 20 octets of the B.3 auth key', () => {
    const keys = deriveDirectionKeys(srtpProfile('AES_CM_128_HMAC_SHA1_80'), B3_MASTER_KEY, B3_MASTER_SALT);
    assert.equal(keys.srtp.encryptionKey.toString('hex'), B3_CIPHER_KEY);
    assert.equal(keys.srtp.salt.toString('hex'), B3_CIPHER_SALT);
    assert.equal(keys.srtp.authKey.toString('hex'), 'cebe321f6ff7716b6fd4ab49af256a156d38baa4');
  });

  it('derives SRTCP keys with labels 0x03–0x05, different from the SRTP keys', () => {
    const keys = deriveDirectionKeys(srtpProfile('AES_CM_128_HMAC_SHA1_80'), B3_MASTER_KEY, B3_MASTER_SALT);
    assert.deepEqual(keys.srtcp.encryptionKey, deriveSessionKey(B3_MASTER_KEY, B3_MASTER_SALT, 0x03, 16));
    assert.deepEqual(keys.srtcp.authKey, deriveSessionKey(B3_MASTER_KEY, B3_MASTER_SALT, 0x04, 20));
    assert.deepEqual(keys.srtcp.salt, deriveSessionKey(B3_MASTER_KEY, B3_MASTER_SALT, 0x05, 14));
    assert.notDeepEqual(keys.srtcp.encryptionKey, keys.srtp.encryptionKey);
    assert.notDeepEqual(keys.srtcp.salt.subarray(0, 14), keys.srtp.salt);
  });

  it('pads a 12-octet GCM master salt with two zero octets (RFC 7714 §11, erratum 4938)', () => {
    const salt12 = hex('a0a1a2a3a4a5a6a7a8a9aaab');
    const salt14 = Buffer.concat([salt12, Buffer.alloc(2)]);
    for (const label of Object.values(SRTP_LABEL)) {
      assert.deepEqual(deriveSessionKey(B3_MASTER_KEY, salt12, label, 16), deriveSessionKey(B3_MASTER_KEY, salt14, label, 16));
    }
    const keys = deriveDirectionKeys(srtpProfile('AEAD_AES_128_GCM'), B3_MASTER_KEY, salt12);
    assert.equal(keys.srtp.salt.length, 12);
    assert.deepEqual(keys.srtp.salt, deriveSessionKey(B3_MASTER_KEY, salt14, SRTP_LABEL.SRTP_SALT, 14).subarray(0, 12));
    assert.equal(keys.srtp.authKey.length, 0);
  });

  it('uses the AES-256 PRF for AEAD_AES_256_GCM: 32-octet session keys', () => {
    const master = hex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
    const keys = deriveDirectionKeys(srtpProfile('AEAD_AES_256_GCM'), master, hex('a0a1a2a3a4a5a6a7a8a9aaab'));
    assert.equal(keys.srtp.encryptionKey.length, 32);
    assert.equal(keys.srtcp.encryptionKey.length, 32);
    assert.notDeepEqual(keys.srtp.encryptionKey, keys.srtcp.encryptionKey);
  });

  it('refuses master keys and salts of the wrong size', () => {
    assert.throws(() => deriveSessionKey(Buffer.alloc(24), B3_MASTER_SALT, 0, 16), (e) => isSwitchboardError(e, 'MEDIA_SRTP'));
    assert.throws(() => deriveSessionKey(B3_MASTER_KEY, Buffer.alloc(13), 0, 16), (e) => isSwitchboardError(e, 'MEDIA_SRTP'));
  });
});
