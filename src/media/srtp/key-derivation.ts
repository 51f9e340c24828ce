/**
 * RFC 3711 §4.3 key derivation: the session keys of one direction, derived once from its master
 * key and master salt with the AES-CM PRF (§4.3.3; AES-256 PRF of RFC 6188 §7 for 256-bit keys).
 *
 * Only key_derivation_rate 0 is supported (the SDES default; the SDP layer skips KDR≠0 lines),
 * so `r = index DIV kdr` is always zero and the keys never change during a session.
 *
 * RFC 7714 §11 (with verified erratum 4938): the GCM suites use the same PRF; their 96-bit master
 * salt is multiplied by 2^16 (two zero octets appended) to form the 112-bit PRF salt, and the
 * 96-bit session salt is the first 12 octets of the PRF output.
 */
import { createCipheriv } from 'node:crypto';
import { SwitchboardError } from '../../shared/errors.js';
import { SRTP_ERROR_CODE, type SrtpProfile } from './suites.js';

/** RFC 3711 §4.3.1 key derivation labels (§4.3.2 for SRTCP). */
export const SRTP_LABEL = {
  SRTP_ENCRYPTION: 0x00,
  SRTP_AUTHENTICATION: 0x01,
  SRTP_SALT: 0x02,
  SRTCP_ENCRYPTION: 0x03,
  SRTCP_AUTHENTICATION: 0x04,
  SRTCP_SALT: 0x05,
} as const;

export type SrtpLabel = (typeof SRTP_LABEL)[keyof typeof SRTP_LABEL];

/** The 112-bit salt the PRF works with (RFC 3711 §4.3.1: n_s = 112 for the default transforms). */
const PRF_SALT_LENGTH = 14;
/** key_id = label || r is 56 bits, right-aligned in the 112-bit salt: the label is octet 7. */
const LABEL_OCTET = PRF_SALT_LENGTH - 7;

/** The session keys for one of SRTP or SRTCP in one direction. */
export interface SessionKeys {
  encryptionKey: Buffer;
  /** 14 octets for AES-CM, 12 for GCM. */
  salt: Buffer;
  /** HMAC-SHA1 key (20 octets) for AES-CM; empty for AEAD suites. */
  authKey: Buffer;
}

export interface DirectionKeys {
  srtp: SessionKeys;
  srtcp: SessionKeys;
}

/**
 * RFC 3711 §4.3.1/§4.3.3 with kdr = 0: x = key_id XOR master_salt, key_id = label || 0^48;
 * the output is the AES-CM keystream under the master key with IV = x * 2^16, truncated to
 * `length` octets. A 12-octet master salt is first multiplied by 2^16 (RFC 7714 erratum 4938).
 */
export function deriveSessionKey(masterKey: Buffer, masterSalt: Buffer, label: SrtpLabel, length: number): Buffer {
  if (masterKey.length !== 16 && masterKey.length !== 32) {
    throw new SwitchboardError(SRTP_ERROR_CODE, `SRTP master key must be 16 or 32 octets, got ${masterKey.length}`);
  }
  if (masterSalt.length !== PRF_SALT_LENGTH && masterSalt.length !== 12) {
    throw new SwitchboardError(SRTP_ERROR_CODE, `SRTP master salt must be 14 or 12 octets, got ${masterSalt.length}`);
  }
  const cipher = masterKey.length === 32 ? 'aes-256-ctr' : 'aes-128-ctr';
  // IV = (master_salt * 2^(112 - salt bits)) XOR (label << 48), then * 2^16: 16 octets.
  const iv = Buffer.alloc(16);
  masterSalt.copy(iv, 0);
  iv[LABEL_OCTET] ^= label;
  const prf = createCipheriv(cipher, masterKey, iv);
  const out = prf.update(Buffer.alloc(length));
  prf.final();
  return out;
}

/** The four or six session keys of one direction (RFC 3711 §4.3.1–4.3.2), derived once. */
export function deriveDirectionKeys(profile: SrtpProfile, masterKey: Buffer, masterSalt: Buffer): DirectionKeys {
  const derive = (label: SrtpLabel, length: number): Buffer =>
    length === 0 ? Buffer.alloc(0) : deriveSessionKey(masterKey, masterSalt, label, length);
  return {
    srtp: {
      encryptionKey: derive(SRTP_LABEL.SRTP_ENCRYPTION, profile.keyLength),
      authKey: derive(SRTP_LABEL.SRTP_AUTHENTICATION, profile.authKeyLength),
      salt: derive(SRTP_LABEL.SRTP_SALT, profile.sessionSaltLength),
    },
    srtcp: {
      encryptionKey: derive(SRTP_LABEL.SRTCP_ENCRYPTION, profile.keyLength),
      authKey: derive(SRTP_LABEL.SRTCP_AUTHENTICATION, profile.authKeyLength),
      salt: derive(SRTP_LABEL.SRTCP_SALT, profile.sessionSaltLength),
    },
  };
}
