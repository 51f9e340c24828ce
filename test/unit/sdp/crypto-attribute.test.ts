import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchboardError } from '../../../src/shared/errors.js';
import {
  SRTP_SUITE_NAMES,
  createCryptoAttribute,
  generateCryptoKey,
  keySaltLength,
  parseCryptoAttribute,
  readCryptoAttribute,
  serializeCryptoAttribute,
  splitKeySalt,
  type SrtpSuite,
} from '../../../src/sdp/crypto-attribute.js';
import { GCM128_KEY, GCM256_KEY, RFC4568_KEY_32, RFC4568_KEY_80 } from './sdp-fixtures.js';

function refusal(value: string): string {
  const r = readCryptoAttribute(value);
  assert.equal(r.ok, false, `expected ${value} to be refused`);
  return r.ok ? '' : r.reason;
}

describe('a=crypto (RFC 4568)', () => {
  it('parses the RFC 4568 §4 example with lifetime and MKI', () => {
    const value = `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}|2^20|1:32`;
    const c = parseCryptoAttribute(value);
    assert.equal(c.tag, 1);
    assert.equal(c.suite, 'AES_CM_128_HMAC_SHA1_80');
    assert.equal(c.keys.length, 1);
    assert.deepEqual(c.keys[0]?.keySalt, Buffer.from(RFC4568_KEY_80, 'base64'));
    assert.equal(c.keys[0]?.keySalt.length, 30);
    assert.equal(c.keys[0]?.lifetime, '2^20');
    assert.deepEqual(c.keys[0]?.mki, { value: 1n, length: 32 });
    assert.deepEqual(c.sessionParams, []);
    assert.equal(serializeCryptoAttribute(c), value);
  });

  it('parses a decimal lifetime alone and an MKI alone', () => {
    const lifetime = parseCryptoAttribute(`2 AES_CM_128_HMAC_SHA1_32 inline:${RFC4568_KEY_32}|1048576`);
    assert.equal(lifetime.keys[0]?.lifetime, '1048576');
    assert.equal(lifetime.keys[0]?.mki, undefined);
    const mki = parseCryptoAttribute(`3 AES_CM_128_HMAC_SHA1_32 inline:${RFC4568_KEY_32}|255:1`);
    assert.equal(mki.keys[0]?.lifetime, undefined);
    assert.deepEqual(mki.keys[0]?.mki, { value: 255n, length: 1 });
  });

  it('keeps session parameters as written', () => {
    const value = `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80} KDR=1 UNENCRYPTED_SRTCP`;
    const c = parseCryptoAttribute(value);
    assert.deepEqual(c.sessionParams, ['KDR=1', 'UNENCRYPTED_SRTCP']);
    assert.equal(serializeCryptoAttribute(c), value);
  });

  it('accepts several keys when each has an MKI, and refuses them without', () => {
    const value = `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}|2^20|1:4;inline:${RFC4568_KEY_32}|2^20|2:4`;
    const c = parseCryptoAttribute(value);
    assert.deepEqual(
      c.keys.map((k) => k.mki?.value),
      [1n, 2n],
    );
    assert.equal(serializeCryptoAttribute(c), value);
    assert.match(
      refusal(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80};inline:${RFC4568_KEY_32}`),
      /several keys without MKI/,
    );
  });

  it('checks the key||salt length of every suite (30, 30, 28 and 44 bytes)', () => {
    const lengths: Record<SrtpSuite, number> = {
      AES_CM_128_HMAC_SHA1_80: 30,
      AES_CM_128_HMAC_SHA1_32: 30,
      AEAD_AES_128_GCM: 28,
      AEAD_AES_256_GCM: 44,
    };
    for (const suite of SRTP_SUITE_NAMES) {
      assert.equal(keySaltLength(suite), lengths[suite]);
      const attr = createCryptoAttribute(7, suite);
      assert.equal(attr.keys[0]?.keySalt.length, lengths[suite]);
      const text = serializeCryptoAttribute(attr);
      assert.deepEqual(parseCryptoAttribute(text), attr, `${suite} round trip`);
    }
    assert.equal(parseCryptoAttribute(`1 AEAD_AES_128_GCM inline:${GCM128_KEY}`).keys[0]?.keySalt.length, 28);
    assert.equal(parseCryptoAttribute(`1 AEAD_AES_256_GCM inline:${GCM256_KEY}`).keys[0]?.keySalt.length, 44);
  });

  it('refuses a key of the wrong length for its suite', () => {
    assert.equal(
      refusal(`1 AES_CM_128_HMAC_SHA1_80 inline:${GCM128_KEY}`),
      'key||salt for AES_CM_128_HMAC_SHA1_80 must be 30 bytes, got 28',
    );
    assert.equal(
      refusal(`1 AEAD_AES_128_GCM inline:${RFC4568_KEY_80}`),
      'key||salt for AEAD_AES_128_GCM must be 28 bytes, got 30',
    );
    assert.equal(
      refusal(`1 AEAD_AES_256_GCM inline:${GCM128_KEY}`),
      'key||salt for AEAD_AES_256_GCM must be 44 bytes, got 28',
    );
    assert.throws(() => createCryptoAttribute(1, 'AEAD_AES_256_GCM', Buffer.alloc(30)));
  });

  it('refuses NULL cipher suites and suites it does not implement', () => {
    assert.equal(
      refusal(`1 NULL_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`),
      'NULL_HMAC_SHA1_80 is a NULL cipher suite and is refused',
    );
    assert.match(refusal(`1 NULL_HMAC_SHA1_32 inline:${RFC4568_KEY_80}`), /NULL cipher/);
    assert.equal(
      refusal(`1 F8_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`),
      'F8_128_HMAC_SHA1_80 is not a supported crypto suite',
    );
    assert.throws(
      () => parseCryptoAttribute(`1 AES_256_CM_HMAC_SHA1_80 inline:${GCM256_KEY}`),
      (e: unknown) => isSwitchboardError(e, 'SDP_PARSE') && e.message.includes('AES_256_CM_HMAC_SHA1_80'),
    );
  });

  it('refuses malformed attributes', () => {
    assert.match(refusal('1 AES_CM_128_HMAC_SHA1_80'), /expected/);
    assert.match(refusal(`x AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`), /tag/);
    assert.match(refusal(`1234567890 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}`), /tag/);
    assert.match(refusal(`1 AES_CM_128_HMAC_SHA1_80 uri:${RFC4568_KEY_80}`), /inline/);
    assert.match(refusal(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80.slice(0, 39)}!`), /base64/);
    assert.match(refusal(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}|1:4|2^20`), /lifetime misplaced/);
    assert.match(refusal(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}|2^x`), /lifetime/);
    assert.match(refusal(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}|1:0`), /MKI length 0/);
    assert.match(refusal(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}|1:129`), /MKI length 129/);
    assert.match(refusal(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}|256:1`), /does not fit in 1 bytes/);
    assert.match(refusal(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC4568_KEY_80}|1:4|2:4`), /MKI given twice/);
  });

  it('generates fresh keys of the suite length', () => {
    const a = generateCryptoKey('AES_CM_128_HMAC_SHA1_80');
    const b = generateCryptoKey('AES_CM_128_HMAC_SHA1_80');
    assert.equal(a.length, 30);
    assert.notDeepEqual(a, b);
    assert.equal(generateCryptoKey('AEAD_AES_256_GCM').length, 44);
  });

  it('splits key||salt into master key and master salt', () => {
    const keySalt = Buffer.from(Array.from({ length: 28 }, (_, i) => i));
    const { key, salt } = splitKeySalt('AEAD_AES_128_GCM', keySalt);
    assert.deepEqual([...key], Array.from({ length: 16 }, (_, i) => i));
    assert.deepEqual([...salt], Array.from({ length: 12 }, (_, i) => i + 16));
  });
});
