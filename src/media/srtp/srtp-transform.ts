/**
 * The packet-level SRTP/SRTCP transform of one direction (one master key): given the packet index,
 * encrypt + tag, or verify + decrypt. Index estimation, replay lists and SSRC bookkeeping live in
 * srtp-session.ts; this layer is what the RFC known-answer vectors exercise.
 *
 * Trailer layouts (RFC 3711 §3.1 and §3.4; RFC 7714 §8 and §9 — the AEAD tag is part of the
 * ciphertext, so an MKI follows it):
 *
 *   SRTP  AES-CM:  header | encrypted payload | [MKI] | tag
 *   SRTP  GCM:     header | ciphertext | tag | [MKI]
 *   SRTCP AES-CM:  header(8) | encrypted payload | E+index | [MKI] | tag
 *   SRTCP GCM:     header(8) | ciphertext | tag | E+index | [MKI]
 */
import type { CryptoMki } from '../../sdp/index.js';

/** Returned by the unprotect methods when the tag (or MKI) does not verify. */
export const AUTH_FAILED = -1;

/** RFC 3711 §3.4: the first 8 octets of an RTCP packet (header word and sender SSRC) stay clear. */
export const RTCP_CLEAR_PREFIX = 8;
/** The E flag and 31-bit SRTCP index word. */
export const SRTCP_INDEX_LENGTH = 4;
export const SRTCP_E_FLAG = 0x80000000;

export interface SrtpTransform {
  /** Octets an SRTP packet has beyond its RTP packet: MKI and tag. */
  readonly rtpTrailerLength: number;
  /** Octets an SRTCP packet has beyond its RTCP packet: E+index, MKI and tag. */
  readonly rtcpTrailerLength: number;
  /**
   * The SRTP packet for rtp[0, rtp.length), whose header is headerLength octets (CSRCs and
   * extension included), at packet index roc * 2^16 + seq. Returns a new buffer.
   */
  protectRtp(rtp: Buffer, headerLength: number, ssrc: number, roc: number, seq: number): Buffer;
  /**
   * Verifies srtp (the whole buffer is the packet) and decrypts its payload in place. Returns the
   * RTP packet length (the RTP packet is srtp[0, result)), or AUTH_FAILED leaving srtp untouched.
   * The caller has checked srtp.length >= headerLength + rtpTrailerLength.
   */
  unprotectRtp(srtp: Buffer, headerLength: number, ssrc: number, roc: number, seq: number): number;
  /** The SRTCP packet for rtcp with the given 31-bit SRTCP index; E = encrypt. Returns a new buffer. */
  protectRtcp(rtcp: Buffer, ssrc: number, srtcpIndex: number, encrypt: boolean): Buffer;
  /** Where the E+index word sits in an SRTCP packet of this length. */
  srtcpIndexOffset(length: number): number;
  /**
   * Verifies srtcp and, when its E flag is set, decrypts it in place. Returns the RTCP length or
   * AUTH_FAILED. The caller has checked srtcp.length >= 8 + rtcpTrailerLength.
   */
  unprotectRtcp(srtcp: Buffer, ssrc: number, indexWord: number): number;
}

/** The MKI as it appears on the wire: `length` octets, big-endian (RFC 4568 §6.1). */
export function mkiBytes(mki: CryptoMki | undefined): Buffer {
  if (mki === undefined) return Buffer.alloc(0);
  const out = Buffer.alloc(mki.length);
  let v = mki.value;
  for (let i = mki.length - 1; i >= 0 && v > 0n; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

