/**
 * The AEAD_AES_128_GCM / AEAD_AES_256_GCM transform (RFC 7714), 16-octet tag.
 *
 * SRTP (§8.1 IV, §8.2 AAD):
 *   IV  = session_salt XOR (0x0000 || SSRC || ROC || SEQ)                     (12 octets)
 *   AAD = the RTP header, CSRCs and header extension included
 *   out = header || ciphertext || tag
 * SRTCP (§9.1 IV, §9.2 encrypted and §9.3 unencrypted packets):
 *   IV  = session_salt XOR (0x0000 || SSRC || 0x0000 || 0 || SRTCP index)     (E flag not in IV)
 *   E=1: AAD = first 8 octets || E+index;  out = header(8) || ciphertext || tag || E+index
 *   E=0: AAD = whole RTCP packet || E+index; out = RTCP packet || tag || E+index
 *
 * Node cannot re-key or re-IV a GCM object, so each packet costs one createCipheriv; the key is a
 * KeyObject made once so OpenSSL does not re-import it from a Buffer every time.
 */
import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type CipherGCMTypes,
  type KeyObject,
} from 'node:crypto';
import { SwitchboardError } from '../../shared/errors.js';
import type { DirectionKeys } from './key-derivation.js';
import { SRTP_ERROR_CODE, type SrtpProfile } from './suites.js';
import {
  AUTH_FAILED,
  RTCP_CLEAR_PREFIX,
  SRTCP_E_FLAG,
  SRTCP_INDEX_LENGTH,
  type SrtpTransform,
} from './srtp-transform.js';

/** RFC 7714 §14.2: 16-octet authentication tag for both suites. */
const TAG_LENGTH = 16;
const IV_LENGTH = 12;
const GCM_OPTIONS = { authTagLength: TAG_LENGTH } as const;

export class AesGcmTransform implements SrtpTransform {
  readonly rtpTrailerLength: number;
  readonly rtcpTrailerLength: number;
  private readonly algorithm: CipherGCMTypes;
  private readonly rtpKey: KeyObject;
  private readonly rtcpKey: KeyObject;
  private readonly rtpSalt: Buffer;
  private readonly rtcpSalt: Buffer;
  private readonly mki: Buffer;
  /** Reused scratch: createCipheriv copies the IV, so one buffer serves every packet. */
  private readonly iv = Buffer.alloc(IV_LENGTH);
  private readonly indexWord = Buffer.alloc(SRTCP_INDEX_LENGTH);

  constructor(profile: SrtpProfile, keys: DirectionKeys, mki: Buffer) {
    if (profile.aeadCipher === undefined) {
      throw new SwitchboardError(SRTP_ERROR_CODE, `${profile.suite} is not an AEAD suite`);
    }
    this.algorithm = profile.aeadCipher;
    this.rtpKey = createSecretKey(keys.srtp.encryptionKey);
    this.rtcpKey = createSecretKey(keys.srtcp.encryptionKey);
    this.rtpSalt = Buffer.from(keys.srtp.salt);
    this.rtcpSalt = Buffer.from(keys.srtcp.salt);
    this.mki = mki;
    this.rtpTrailerLength = TAG_LENGTH + mki.length;
    this.rtcpTrailerLength = TAG_LENGTH + SRTCP_INDEX_LENGTH + mki.length;
  }

  protectRtp(rtp: Buffer, headerLength: number, ssrc: number, roc: number, seq: number): Buffer {
    const length = rtp.length;
    const cipher = createCipheriv(this.algorithm, this.rtpKey, this.rtpIv(ssrc, roc, seq), GCM_OPTIONS);
    cipher.setAAD(rtp.subarray(0, headerLength));
    const ciphertext = cipher.update(rtp.subarray(headerLength));
    cipher.final();
    const out = Buffer.allocUnsafe(length + this.rtpTrailerLength);
    rtp.copy(out, 0, 0, headerLength);
    ciphertext.copy(out, headerLength);
    cipher.getAuthTag().copy(out, length);
    this.mki.copy(out, length + TAG_LENGTH);
    return out;
  }

  unprotectRtp(srtp: Buffer, headerLength: number, ssrc: number, roc: number, seq: number): number {
    const end = srtp.length - this.mki.length;
    if (!this.mkiMatches(srtp, end)) return AUTH_FAILED;
    const tagStart = end - TAG_LENGTH;
    const decipher = createDecipheriv(this.algorithm, this.rtpKey, this.rtpIv(ssrc, roc, seq), GCM_OPTIONS);
    decipher.setAAD(srtp.subarray(0, headerLength));
    decipher.setAuthTag(srtp.subarray(tagStart, end));
    const plaintext = decipher.update(srtp.subarray(headerLength, tagStart));
    if (!finalVerifies(decipher)) return AUTH_FAILED;
    plaintext.copy(srtp, headerLength);
    return tagStart;
  }

  protectRtcp(rtcp: Buffer, ssrc: number, srtcpIndex: number, encrypt: boolean): Buffer {
    const length = rtcp.length;
    const word = this.indexWord;
    word.writeUInt32BE((encrypt ? SRTCP_E_FLAG | srtcpIndex : srtcpIndex) >>> 0, 0);
    const cipher = createCipheriv(this.algorithm, this.rtcpKey, this.rtcpIv(ssrc, srtcpIndex), GCM_OPTIONS);
    const out = Buffer.allocUnsafe(length + this.rtcpTrailerLength);
    if (encrypt) {
      cipher.setAAD(rtcp.subarray(0, RTCP_CLEAR_PREFIX));
      cipher.setAAD(word);
      const ciphertext = cipher.update(rtcp.subarray(RTCP_CLEAR_PREFIX));
      cipher.final();
      rtcp.copy(out, 0, 0, RTCP_CLEAR_PREFIX);
      ciphertext.copy(out, RTCP_CLEAR_PREFIX);
    } else {
      cipher.setAAD(rtcp);
      cipher.setAAD(word);
      cipher.final();
      rtcp.copy(out, 0);
    }
    cipher.getAuthTag().copy(out, length);
    word.copy(out, length + TAG_LENGTH);
    this.mki.copy(out, length + TAG_LENGTH + SRTCP_INDEX_LENGTH);
    return out;
  }

  srtcpIndexOffset(length: number): number {
    return length - this.mki.length - SRTCP_INDEX_LENGTH;
  }

  unprotectRtcp(srtcp: Buffer, ssrc: number, indexWord: number): number {
    const indexOffset = this.srtcpIndexOffset(srtcp.length);
    if (!this.mkiMatches(srtcp, indexOffset + SRTCP_INDEX_LENGTH)) return AUTH_FAILED;
    const tagStart = indexOffset - TAG_LENGTH;
    const word = srtcp.subarray(indexOffset, indexOffset + SRTCP_INDEX_LENGTH);
    const index = indexWord & 0x7fffffff;
    const decipher = createDecipheriv(this.algorithm, this.rtcpKey, this.rtcpIv(ssrc, index), GCM_OPTIONS);
    decipher.setAuthTag(srtcp.subarray(tagStart, indexOffset));
    if ((indexWord & SRTCP_E_FLAG) === 0) {
      decipher.setAAD(srtcp.subarray(0, tagStart));
      decipher.setAAD(word);
      return finalVerifies(decipher) ? tagStart : AUTH_FAILED;
    }
    decipher.setAAD(srtcp.subarray(0, RTCP_CLEAR_PREFIX));
    decipher.setAAD(word);
    const plaintext = decipher.update(srtcp.subarray(RTCP_CLEAR_PREFIX, tagStart));
    if (!finalVerifies(decipher)) return AUTH_FAILED;
    plaintext.copy(srtcp, RTCP_CLEAR_PREFIX);
    return tagStart;
  }

  /** RFC 7714 §8.1: salt XOR (00 00 || SSRC || ROC || SEQ). */
  private rtpIv(ssrc: number, roc: number, seq: number): Buffer {
    const iv = this.iv;
    const salt = this.rtpSalt;
    iv.writeUInt16BE(salt.readUInt16BE(0), 0);
    iv.writeUInt32BE((salt.readUInt32BE(2) ^ ssrc) >>> 0, 2);
    iv.writeUInt32BE((salt.readUInt32BE(6) ^ roc) >>> 0, 6);
    iv.writeUInt16BE(salt.readUInt16BE(10) ^ seq, 10);
    return iv;
  }

  /** RFC 7714 §9.1: salt XOR (00 00 || SSRC || 00 00 || 0 || SRTCP index). */
  private rtcpIv(ssrc: number, index: number): Buffer {
    const iv = this.iv;
    const salt = this.rtcpSalt;
    iv.writeUInt16BE(salt.readUInt16BE(0), 0);
    iv.writeUInt32BE((salt.readUInt32BE(2) ^ ssrc) >>> 0, 2);
    iv.writeUInt16BE(salt.readUInt16BE(6), 6);
    iv.writeUInt32BE((salt.readUInt32BE(8) ^ index) >>> 0, 8);
    return iv;
  }

  private mkiMatches(packet: Buffer, at: number): boolean {
    const mki = this.mki;
    for (let i = 0; i < mki.length; i++) if (packet[at + i] !== mki[i]) return false;
    return true;
  }
}

/**
 * Node reports a GCM tag mismatch only by throwing from final(); the exception stays inside this
 * function so callers see a verdict. Forged or corrupted packets are the only way here.
 */
function finalVerifies(decipher: { final(): Buffer }): boolean {
  try {
    decipher.final();
    return true;
  } catch {
    return false;
  }
}
