/**
 * RFC 7714 test vectors. The RFC's vectors give the session key and salt directly (no KDF), so they
 * drive the transform with those; the full path (KDF + transform) is in libsrtp-vectors.test.ts.
 *
 * Where the hex comes from: RFC 7714 §16 (SRTP: 16.1 AEAD_AES_128_GCM, 16.2 AEAD_AES_256_GCM) and
 * §17 (SRTCP: 17.1 / 17.2 encrypted, 17.3 / 17.4 tagging only). The RFC text itself was not
 * reachable from the reference search (only its first pages); the values were read from the tests
 * of independent SRTP implementations that quote those sections (jitsi-srtp, and Go, Rust and C#
 * SRTP libraries), which agree byte for byte, and each was re-derived with node's AES-GCM from the
 * stated key, IV and AAD before being typed here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AesGcmTransform } from '../../../../src/media/srtp/aes-gcm-transform.js';
import type { DirectionKeys } from '../../../../src/media/srtp/key-derivation.js';
import { srtpProfile } from '../../../../src/media/srtp/suites.js';
import { AUTH_FAILED } from '../../../../src/media/srtp/srtp-transform.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const KEY_128 = hex('000102030405060708090a0b0c0d0e0f');
const KEY_256 = hex('000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f');
/** "Quid pro quo" */
const SALT = hex('517569642070726f2071756f');

/** §16: RTP header 8040f17b 8041f8d3 5501a0b2 (SEQ 0xf17b, SSRC 0x5501a0b2, ROC 0) + 38-octet payload. */
const RTP = hex(`8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973
                 20646976 69736120 696e2070 61727465 73207472 6573`);
const RTP_SSRC = 0x5501a0b2;
const RTP_SEQ = 0xf17b;

const SRTP_128 = hex(`8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca
                      be633bd5 0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1
                      6a9152cf 765ee439 0cce`);
const SRTP_256 = hex(`8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa
                      b1801238 9a58e2f3 b50b2a02 76ffae0f 1ba63799 b87b7aa3 db36dfff
                      d6b0f9bb 7878d7a7 6c13`);

/** §17: an RTCP SR from SSRC "Mars" (0x4d617273), SRTCP index 0x5d4. */
const RTCP = hex(`81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930
                  4c756e61 deadbeef deadbeef deadbeef deadbeef deadbeef`);
const RTCP_SSRC = 0x4d617273;
const SRTCP_INDEX = 0x5d4;

const SRTCP_128 = hex(`81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7
                       6c06f32d c676a5f1 730d6fda 4ce09b46 86303ded 0bb9275b c84aa458
                       96cf4d2f c5abf872 45d9eade 800005d4`);
const SRTCP_256 = hex(`81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d
                       bffe0a50 a2eaa5c1 110555be 8415f658 c61de047 6f1b6fad 1d1eb30c
                       4446839f 57ff6f6c b26ac3be 800005d4`);
const SRTCP_128_TAG_ONLY = Buffer.concat([RTCP, hex('841dd968 3dd78ec9 2ae58790 125f62b3 000005d4')]);
const SRTCP_256_TAG_ONLY = Buffer.concat([RTCP, hex('91db4afb feee5a97 8fab4393 ed2615fe 000005d4')]);

function sessionKeys(key: Buffer): DirectionKeys {
  const keys = { encryptionKey: key, salt: SALT, authKey: Buffer.alloc(0) };
  return { srtp: keys, srtcp: keys };
}

const CASES = [
  { bits: 128, suite: 'AEAD_AES_128_GCM', key: KEY_128, srtp: SRTP_128, srtcp: SRTCP_128, tagOnly: SRTCP_128_TAG_ONLY },
  { bits: 256, suite: 'AEAD_AES_256_GCM', key: KEY_256, srtp: SRTP_256, srtcp: SRTCP_256, tagOnly: SRTCP_256_TAG_ONLY },
] as const;

for (const c of CASES) {
  const transform = (): AesGcmTransform => new AesGcmTransform(srtpProfile(c.suite), sessionKeys(c.key), Buffer.alloc(0));

  describe(`RFC 7714 AEAD_AES_${c.bits}_GCM vectors`, () => {
    it(`encrypts the §16 RTP packet to the published SRTP packet (IV 51753c6580c2726f20718414)`, () => {
      assert.equal(transform().protectRtp(RTP, 12, RTP_SSRC, 0, RTP_SEQ).toString('hex'), c.srtp.toString('hex'));
    });

    it('verifies and decrypts the §16 SRTP packet back to the RTP packet', () => {
      const packet = Buffer.from(c.srtp);
      const length = transform().unprotectRtp(packet, 12, RTP_SSRC, 0, RTP_SEQ);
      assert.equal(length, RTP.length);
      assert.equal(packet.subarray(0, length).toString('hex'), RTP.toString('hex'));
    });

    it('refuses the §16 SRTP packet under the wrong ROC, and with a flipped header, payload or tag bit', () => {
      assert.equal(transform().unprotectRtp(Buffer.from(c.srtp), 12, RTP_SSRC, 1, RTP_SEQ), AUTH_FAILED);
      for (const at of [1, 5, 20, c.srtp.length - 1]) {
        const forged = Buffer.from(c.srtp);
        forged[at] ^= 0x01;
        const before = Buffer.from(forged);
        assert.equal(transform().unprotectRtp(forged, 12, RTP_SSRC, 0, RTP_SEQ), AUTH_FAILED, `bit flipped at ${at}`);
        assert.deepEqual(forged, before, 'a refused packet is left as it was');
      }
    });

    it('encrypts the §17 RTCP packet with E = 1 to the published SRTCP packet (IV 517524055203726f207170bb)', () => {
      const out = transform().protectRtcp(RTCP, RTCP_SSRC, SRTCP_INDEX, true);
      assert.equal(out.toString('hex'), c.srtcp.toString('hex'));
    });

    it('verifies and decrypts the §17 SRTCP packet', () => {
      const packet = Buffer.from(c.srtcp);
      const t = transform();
      const length = t.unprotectRtcp(packet, RTCP_SSRC, packet.readUInt32BE(t.srtcpIndexOffset(packet.length)));
      assert.equal(length, RTCP.length);
      assert.equal(packet.subarray(0, length).toString('hex'), RTCP.toString('hex'));
    });

    it('tags the §17 RTCP packet without encryption (E = 0) as published, and verifies it', () => {
      assert.equal(transform().protectRtcp(RTCP, RTCP_SSRC, SRTCP_INDEX, false).toString('hex'), c.tagOnly.toString('hex'));
      const packet = Buffer.from(c.tagOnly);
      assert.equal(transform().unprotectRtcp(packet, RTCP_SSRC, 0x5d4), RTCP.length);
      assert.deepEqual(packet.subarray(0, RTCP.length), RTCP);
    });

    it('refuses an SRTCP packet whose E flag or index was altered (both are in the AAD)', () => {
      const t = transform();
      const flipped = Buffer.from(c.srtcp);
      flipped[flipped.length - 4] ^= 0x80; // E = 0: the receiver would treat the ciphertext as clear
      assert.equal(t.unprotectRtcp(flipped, RTCP_SSRC, flipped.readUInt32BE(flipped.length - 4)), AUTH_FAILED);
      const reindexed = Buffer.from(c.srtcp);
      reindexed[reindexed.length - 1] ^= 0x01;
      assert.equal(t.unprotectRtcp(reindexed, RTCP_SSRC, reindexed.readUInt32BE(reindexed.length - 4)), AUTH_FAILED);
    });
  });
}
