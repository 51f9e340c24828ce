/**
 * The AES_CM_128_HMAC_SHA1_80 / _32 transform (RFC 3711 §4.1.1 + §4.2.1, RFC 4568 §6.2):
 * AES counter-mode encryption of the payload, then an HMAC-SHA1 tag truncated to 80 or 32 bits.
 *
 * SRTP (§4.2):  tag = HMAC(k_a, authenticated portion || ROC)   — the ROC is not on the wire
 * SRTCP (§3.4): tag = HMAC(k_a, RTCP packet || E+index)         — always 80 bits
 *
 * Tags are compared with timingSafeEqual; the payload is decrypted only after the tag verified.
 */
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { AesCounterMode } from './aes-counter-mode.js';
import type { DirectionKeys } from './key-derivation.js';
import type { SrtpProfile } from './suites.js';
import {
  AUTH_FAILED,
  RTCP_CLEAR_PREFIX,
  SRTCP_E_FLAG,
  SRTCP_INDEX_LENGTH,
  type SrtpTransform,
} from './srtp-transform.js';

export class AesCmHmacTransform implements SrtpTransform {
  readonly rtpTrailerLength: number;
  readonly rtcpTrailerLength: number;
  private readonly rtpCipher: AesCounterMode;
  private readonly rtcpCipher: AesCounterMode;
  private readonly rtpAuthKey: KeyObject;
  private readonly rtcpAuthKey: KeyObject;
  private readonly srtpTagLength: number;
  private readonly srtcpTagLength: number;
  private readonly mki: Buffer;
  /** The ROC appended to the SRTP authenticated portion, reused per packet. */
  private readonly rocOctets = Buffer.alloc(4);

  constructor(profile: SrtpProfile, keys: DirectionKeys, mki: Buffer) {
    this.rtpCipher = new AesCounterMode(profile.blockCipher, createSecretKey(keys.srtp.encryptionKey), keys.srtp.salt);
    this.rtcpCipher = new AesCounterMode(
      profile.blockCipher,
      createSecretKey(keys.srtcp.encryptionKey),
      keys.srtcp.salt,
    );
    this.rtpAuthKey = createSecretKey(keys.srtp.authKey);
    this.rtcpAuthKey = createSecretKey(keys.srtcp.authKey);
    this.srtpTagLength = profile.srtpTagLength;
    this.srtcpTagLength = profile.srtcpTagLength;
    this.mki = mki;
    this.rtpTrailerLength = mki.length + profile.srtpTagLength;
    this.rtcpTrailerLength = SRTCP_INDEX_LENGTH + mki.length + profile.srtcpTagLength;
  }

  /** RFC 3711 §3.3 steps 4–6 on the sender. */
  protectRtp(rtp: Buffer, headerLength: number, ssrc: number, roc: number, seq: number): Buffer {
    const length = rtp.length;
    const out = Buffer.allocUnsafe(length + this.rtpTrailerLength);
    rtp.copy(out, 0, 0, headerLength);
    this.rtpCipher.apply(rtp, headerLength, out, headerLength, length - headerLength, ssrc, roc, seq);
    this.mki.copy(out, length);
    const tag = this.rtpTag(out, length, roc);
    tag.copy(out, length + this.mki.length, 0, this.srtpTagLength);
    return out;
  }

  /** RFC 3711 §3.3 steps 5–6 on the receiver: verify the tag, then decrypt in place. */
  unprotectRtp(srtp: Buffer, headerLength: number, ssrc: number, roc: number, seq: number): number {
    const tagStart = srtp.length - this.srtpTagLength;
    const end = tagStart - this.mki.length;
    if (!this.mkiMatches(srtp, end)) return AUTH_FAILED;
    const expected = this.rtpTag(srtp, end, roc);
    if (!timingSafeEqual(expected.subarray(0, this.srtpTagLength), srtp.subarray(tagStart))) return AUTH_FAILED;
    this.rtpCipher.apply(srtp, headerLength, srtp, headerLength, end - headerLength, ssrc, roc, seq);
    return end;
  }

  /** RFC 3711 §3.4: encrypt from octet 9 on (when E), append E+index, [MKI], tag. */
  protectRtcp(rtcp: Buffer, ssrc: number, srtcpIndex: number, encrypt: boolean): Buffer {
    const length = rtcp.length;
    const out = Buffer.allocUnsafe(length + this.rtcpTrailerLength);
    if (encrypt) {
      rtcp.copy(out, 0, 0, RTCP_CLEAR_PREFIX);
      this.rtcpCipher.apply(
        rtcp,
        RTCP_CLEAR_PREFIX,
        out,
        RTCP_CLEAR_PREFIX,
        length - RTCP_CLEAR_PREFIX,
        ssrc,
        srtcpIndex >>> 16,
        srtcpIndex & 0xffff,
      );
    } else {
      rtcp.copy(out, 0);
    }
    out.writeUInt32BE((encrypt ? SRTCP_E_FLAG | srtcpIndex : srtcpIndex) >>> 0, length);
    const authenticated = length + SRTCP_INDEX_LENGTH;
    this.mki.copy(out, authenticated);
    const tag = createHmac('sha1', this.rtcpAuthKey).update(out.subarray(0, authenticated)).digest();
    tag.copy(out, authenticated + this.mki.length, 0, this.srtcpTagLength);
    return out;
  }

  srtcpIndexOffset(length: number): number {
    return length - this.srtcpTagLength - this.mki.length - SRTCP_INDEX_LENGTH;
  }

  unprotectRtcp(srtcp: Buffer, ssrc: number, indexWord: number): number {
    const tagStart = srtcp.length - this.srtcpTagLength;
    const indexOffset = this.srtcpIndexOffset(srtcp.length);
    if (!this.mkiMatches(srtcp, indexOffset + SRTCP_INDEX_LENGTH)) return AUTH_FAILED;
    const expected = createHmac('sha1', this.rtcpAuthKey)
      .update(srtcp.subarray(0, indexOffset + SRTCP_INDEX_LENGTH))
      .digest();
    if (!timingSafeEqual(expected.subarray(0, this.srtcpTagLength), srtcp.subarray(tagStart))) return AUTH_FAILED;
    if ((indexWord & SRTCP_E_FLAG) !== 0) {
      const index = indexWord & 0x7fffffff;
      const length = indexOffset - RTCP_CLEAR_PREFIX;
      this.rtcpCipher.apply(srtcp, RTCP_CLEAR_PREFIX, srtcp, RTCP_CLEAR_PREFIX, length, ssrc, index >>> 16, index & 0xffff);
    }
    return indexOffset;
  }

  /** RFC 3711 §4.2.1: HMAC-SHA1 over the authenticated portion followed by the 32-bit ROC. */
  private rtpTag(packet: Buffer, end: number, roc: number): Buffer {
    this.rocOctets.writeUInt32BE(roc >>> 0, 0);
    return createHmac('sha1', this.rtpAuthKey).update(packet.subarray(0, end)).update(this.rocOctets).digest();
  }

  private mkiMatches(packet: Buffer, at: number): boolean {
    const mki = this.mki;
    for (let i = 0; i < mki.length; i++) if (packet[at + i] !== mki[i]) return false;
    return true;
  }
}
