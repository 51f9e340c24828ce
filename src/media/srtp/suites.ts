/**
 * The SRTP transforms behind each SDES crypto suite we accept (RFC 4568 §6.2, RFC 7714 §12–14):
 * key, salt and tag lengths, and which cipher does the work.
 *
 * NULL-cipher suites (NULL_HMAC_SHA1_80, ...) put media on the wire in clear text while the SDP
 * says RTP/SAVP; they are refused here as well as in the SDP layer.
 */
import { SwitchboardError, type ErrorCode } from '../../shared/errors.js';
import { SRTP_SUITES, isSrtpSuite, type SrtpSuite } from '../../sdp/index.js';

/**
 * The code SRTP setup errors carry. There is no media-security code in src/shared/errors.ts yet;
 * the closest is SDP_NOT_ACCEPTABLE (a suite or key we cannot use means the SDP was not acceptable).
 */
export const SRTP_ERROR_CODE: ErrorCode = 'MEDIA_SRTP';

export type SrtpCipher = 'aes-cm' | 'aes-gcm';

export interface SrtpProfile {
  suite: SrtpSuite;
  cipher: SrtpCipher;
  /** Master key length = session encryption key length, bytes (16 or 32). */
  keyLength: number;
  /** Master salt length from SDES: 14 for AES-CM (RFC 3711 §4.3), 12 for GCM (RFC 7714 §12). */
  masterSaltLength: number;
  /** Session salt length: 14 for AES-CM, 12 for GCM (the GCM IV is 96 bits, RFC 7714 §8.1). */
  sessionSaltLength: number;
  /** Session authentication key length: 20 for HMAC-SHA1 (RFC 4568 §6.2), 0 for AEAD. */
  authKeyLength: number;
  /** Authentication tag appended to SRTP packets, bytes. */
  srtpTagLength: number;
  /** Authentication tag appended to SRTCP packets, bytes: 80 bits even for ..._32 (RFC 4568 §6.2). */
  srtcpTagLength: number;
  /** OpenSSL name of the raw block cipher used for the AES-CM keystream and the PRF. */
  blockCipher: 'aes-128-ecb' | 'aes-256-ecb';
  /** OpenSSL name of the counter-mode cipher of the key derivation PRF (RFC 3711 §4.3.3, RFC 6188 §7). */
  prfCipher: 'aes-128-ctr' | 'aes-256-ctr';
  /** OpenSSL name of the AEAD cipher, GCM suites only. */
  aeadCipher?: 'aes-128-gcm' | 'aes-256-gcm';
}

const HMAC_SHA1_KEY_LENGTH = 20;
const HMAC_SHA1_80_TAG = 10;
const HMAC_SHA1_32_TAG = 4;
/** RFC 7714 §14.2: both AEAD_AES_*_GCM suites use a 16-octet authentication tag. */
const GCM_TAG = 16;
const CM_SALT = 14;
const GCM_SALT = 12;

function aesCm(suite: SrtpSuite, srtpTagLength: number): SrtpProfile {
  return {
    suite,
    cipher: 'aes-cm',
    keyLength: 16,
    masterSaltLength: CM_SALT,
    sessionSaltLength: CM_SALT,
    authKeyLength: HMAC_SHA1_KEY_LENGTH,
    srtpTagLength,
    srtcpTagLength: HMAC_SHA1_80_TAG,
    blockCipher: 'aes-128-ecb',
    prfCipher: 'aes-128-ctr',
  };
}

function aesGcm(suite: SrtpSuite, keyLength: 16 | 32): SrtpProfile {
  const wide = keyLength === 32;
  return {
    suite,
    cipher: 'aes-gcm',
    keyLength,
    masterSaltLength: GCM_SALT,
    sessionSaltLength: GCM_SALT,
    authKeyLength: 0,
    srtpTagLength: GCM_TAG,
    srtcpTagLength: GCM_TAG,
    blockCipher: wide ? 'aes-256-ecb' : 'aes-128-ecb',
    prfCipher: wide ? 'aes-256-ctr' : 'aes-128-ctr',
    aeadCipher: wide ? 'aes-256-gcm' : 'aes-128-gcm',
  };
}

export const SRTP_PROFILES: Readonly<Record<SrtpSuite, SrtpProfile>> = {
  AES_CM_128_HMAC_SHA1_80: aesCm('AES_CM_128_HMAC_SHA1_80', HMAC_SHA1_80_TAG),
  AES_CM_128_HMAC_SHA1_32: aesCm('AES_CM_128_HMAC_SHA1_32', HMAC_SHA1_32_TAG),
  AEAD_AES_128_GCM: aesGcm('AEAD_AES_128_GCM', 16),
  AEAD_AES_256_GCM: aesGcm('AEAD_AES_256_GCM', 32),
};

/**
 * The profile of a suite name; throws SwitchboardError for NULL-cipher suites and suites we do
 * not implement, so clear-text media can never be set up by mistake.
 */
export function srtpProfile(suite: string): SrtpProfile {
  if (suite.startsWith('NULL_')) {
    throw new SwitchboardError(
      SRTP_ERROR_CODE,
      `SRTP suite ${suite} is a NULL cipher suite (media in clear text) and is refused`,
    );
  }
  if (suite.includes('_NULL_') || suite.endsWith('_NULL')) {
    throw new SwitchboardError(SRTP_ERROR_CODE, `SRTP suite ${suite} has NULL authentication and is refused`);
  }
  if (!isSrtpSuite(suite)) {
    throw new SwitchboardError(SRTP_ERROR_CODE, `SRTP suite ${suite} is not supported`);
  }
  const profile = SRTP_PROFILES[suite];
  // The SDP layer and this table must agree on the key||salt layout.
  const sdes = SRTP_SUITES[suite];
  if (sdes.keyLength !== profile.keyLength || sdes.saltLength !== profile.masterSaltLength) {
    throw new SwitchboardError(SRTP_ERROR_CODE, `SRTP suite ${suite}: key/salt lengths disagree with the SDP layer`);
  }
  return profile;
}

/** Splits one direction's SDES key||salt, checking its length for the suite. */
export function splitMasterKey(profile: SrtpProfile, keySalt: Buffer, which: string): { key: Buffer; salt: Buffer } {
  const expected = profile.keyLength + profile.masterSaltLength;
  if (keySalt.length !== expected) {
    throw new SwitchboardError(
      SRTP_ERROR_CODE,
      `${which} master key||salt for ${profile.suite} must be ${expected} bytes, got ${keySalt.length}`,
    );
  }
  return { key: keySalt.subarray(0, profile.keyLength), salt: keySalt.subarray(profile.keyLength) };
}
