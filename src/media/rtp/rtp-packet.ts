/**
 * RTP data packets (RFC 3550 §5.1 fixed header, §5.3.1 header extension).
 *
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   |V=2|P|X|  CC   |M|     PT      |       sequence number         |
 *   |                           timestamp                           |
 *   |           synchronization source (SSRC) identifier            |
 *   |            contributing source (CSRC) identifiers             |  CC × 32 bits
 *   |      defined by profile       |           length              |  if X (§5.3.1)
 *   |                        header extension                       |  length × 32 bits
 *   |                     payload ...       | padding ... | count   |  if P (§5.1)
 *
 * Two APIs:
 * - the hot path: `readRtpHeader` fills a caller-owned `RtpHeaderView` (no allocation, no exceptions) and
 *   `writeRtpHeader` writes the 12-byte fixed header into a caller-owned buffer;
 * - tests and tools: `parseRtp` / `serializeRtp` with the CSRC list, extension and padding as values.
 * Invalid input never throws: the readers return undefined.
 */
import { packetFieldError } from './packet-field-error.js';

export const RTP_VERSION = 2;
export const RTP_FIXED_HEADER_LENGTH = 12;
/** CC is a 4-bit field (§5.1). */
export const RTP_MAX_CSRC = 15;

/** What the receive path needs from a header; filled in place by readRtpHeader. */
export interface RtpHeaderView {
  /** Bytes before the payload: fixed header + CSRC list + extension. */
  headerLength: number;
  payloadOffset: number;
  /** Payload bytes, padding excluded. */
  payloadLength: number;
  /** Padding octets at the end, count octet included (0 when P is clear). */
  paddingLength: number;
  pt: number;
  seq: number;
  /** Unsigned 32-bit. */
  ts: number;
  /** Unsigned 32-bit. */
  ssrc: number;
  marker: boolean;
  csrcCount: number;
  hasExtension: boolean;
}

export function createRtpHeaderView(): RtpHeaderView {
  return {
    headerLength: 0, payloadOffset: 0, payloadLength: 0, paddingLength: 0,
    pt: 0, seq: 0, ts: 0, ssrc: 0, marker: false, csrcCount: 0, hasExtension: false,
  };
}

/**
 * Reads and validates the header of the RTP packet in buf[0, length) into `into` and returns it, or returns
 * undefined (leaving `into` partly written) when the packet is invalid: version other than 2, shorter than
 * the fixed header, a CSRC list or extension running past the end, or padding whose count octet is 0 or
 * larger than what follows the header (§5.1). Allocates nothing when `into` is given.
 */
export function readRtpHeader(buf: Uint8Array, into: RtpHeaderView = createRtpHeaderView(), length: number = buf.length): RtpHeaderView | undefined {
  if (length < RTP_FIXED_HEADER_LENGTH || length > buf.length) return undefined;
  const b0 = buf[0]!;
  if (b0 >> 6 !== RTP_VERSION) return undefined;
  const cc = b0 & 0x0f;
  let offset = RTP_FIXED_HEADER_LENGTH + cc * 4;
  if (offset > length) return undefined;
  const hasExtension = (b0 & 0x10) !== 0;
  if (hasExtension) {
    // §5.3.1: a 4-octet extension header, then `length` 32-bit words.
    if (offset + 4 > length) return undefined;
    offset += 4 + ((buf[offset + 2]! << 8) | buf[offset + 3]!) * 4;
    if (offset > length) return undefined;
  }
  let padding = 0;
  if ((b0 & 0x20) !== 0) {
    // §5.1: the last octet counts the padding octets, itself included.
    padding = buf[length - 1]!;
    if (padding === 0 || offset + padding > length) return undefined;
  }
  const b1 = buf[1]!;
  into.headerLength = offset;
  into.payloadOffset = offset;
  into.payloadLength = length - offset - padding;
  into.paddingLength = padding;
  into.pt = b1 & 0x7f;
  into.marker = (b1 & 0x80) !== 0;
  into.seq = (buf[2]! << 8) | buf[3]!;
  into.ts = buf[4]! * 0x1000000 + ((buf[5]! << 16) | (buf[6]! << 8) | buf[7]!);
  into.ssrc = buf[8]! * 0x1000000 + ((buf[9]! << 16) | (buf[10]! << 8) | buf[11]!);
  into.csrcCount = cc;
  into.hasExtension = hasExtension;
  return into;
}

/** The fields of the fixed header the send path sets per packet (a mutable object the sender reuses). */
export interface RtpHeaderFields {
  pt: number;
  seq: number;
  ts: number;
  ssrc: number;
  marker: boolean;
}

/**
 * Writes the 12-byte fixed header (V=2, no padding, no extension, no CSRC) at out[offset] and returns 12.
 * seq is taken modulo 2^16 and ts/ssrc modulo 2^32, so callers may keep counting past the wrap.
 */
export function writeRtpHeader(out: Uint8Array, offset: number, fields: RtpHeaderFields): number {
  const seq = fields.seq & 0xffff;
  const ts = fields.ts >>> 0;
  const ssrc = fields.ssrc >>> 0;
  out[offset] = RTP_VERSION << 6;
  out[offset + 1] = (fields.marker ? 0x80 : 0) | (fields.pt & 0x7f);
  out[offset + 2] = seq >>> 8;
  out[offset + 3] = seq & 0xff;
  out[offset + 4] = ts >>> 24;
  out[offset + 5] = (ts >>> 16) & 0xff;
  out[offset + 6] = (ts >>> 8) & 0xff;
  out[offset + 7] = ts & 0xff;
  out[offset + 8] = ssrc >>> 24;
  out[offset + 9] = (ssrc >>> 16) & 0xff;
  out[offset + 10] = (ssrc >>> 8) & 0xff;
  out[offset + 11] = ssrc & 0xff;
  return RTP_FIXED_HEADER_LENGTH;
}

/** §5.3.1 header extension: the profile-defined 16 bits and the data (a multiple of 4 octets). */
export interface RtpHeaderExtension {
  profile: number;
  data: Uint8Array;
}

/** A whole RTP packet as values (tests and tools; allocates). */
export interface RtpPacket {
  marker: boolean;
  pt: number;
  seq: number;
  ts: number;
  ssrc: number;
  csrcs: number[];
  extension?: RtpHeaderExtension;
  payload: Uint8Array;
  /** Padding octets to add or that were present, count octet included (0 = no padding). */
  padding: number;
}

/** Parses a packet into values, copying the payload and extension data; undefined when invalid. */
export function parseRtp(buf: Uint8Array): RtpPacket | undefined {
  const h = readRtpHeader(buf);
  if (!h) return undefined;
  const csrcs: number[] = [];
  for (let i = 0; i < h.csrcCount; i++) csrcs.push(readU32(buf, RTP_FIXED_HEADER_LENGTH + i * 4));
  const packet: RtpPacket = {
    marker: h.marker, pt: h.pt, seq: h.seq, ts: h.ts, ssrc: h.ssrc, csrcs,
    payload: copyOf(buf, h.payloadOffset, h.payloadOffset + h.payloadLength),
    padding: h.paddingLength,
  };
  if (h.hasExtension) {
    const at = RTP_FIXED_HEADER_LENGTH + h.csrcCount * 4;
    packet.extension = { profile: (buf[at]! << 8) | buf[at + 1]!, data: copyOf(buf, at + 4, h.headerLength) };
  }
  return packet;
}

/**
 * Serializes a packet. Throws (a programming error, not a network condition) when a field cannot be encoded:
 * more than 15 CSRCs, extension data not a multiple of 4 octets or over 65535 words, padding outside 0..255.
 */
export function serializeRtp(p: RtpPacket): Buffer {
  if (p.csrcs.length > RTP_MAX_CSRC) throw packetFieldError(`RTP CSRC list holds at most ${RTP_MAX_CSRC} entries`);
  if (!Number.isInteger(p.padding) || p.padding < 0 || p.padding > 255) throw packetFieldError('RTP padding must be 0..255 octets');
  const ext = p.extension;
  if (ext && (ext.data.length % 4 !== 0 || ext.data.length / 4 > 0xffff)) {
    throw packetFieldError('RTP header extension data must be whole 32-bit words, at most 65535 of them');
  }
  const headerLength = RTP_FIXED_HEADER_LENGTH + p.csrcs.length * 4 + (ext ? 4 + ext.data.length : 0);
  const out = Buffer.alloc(headerLength + p.payload.length + p.padding);
  writeRtpHeader(out, 0, p);
  out[0] = (RTP_VERSION << 6) | (p.padding > 0 ? 0x20 : 0) | (ext ? 0x10 : 0) | p.csrcs.length;
  let at = RTP_FIXED_HEADER_LENGTH;
  for (const csrc of p.csrcs) {
    out.writeUInt32BE(csrc >>> 0, at);
    at += 4;
  }
  if (ext) {
    out.writeUInt16BE(ext.profile & 0xffff, at);
    out.writeUInt16BE(ext.data.length / 4, at + 2);
    out.set(ext.data, at + 4);
    at += 4 + ext.data.length;
  }
  out.set(p.payload, at);
  if (p.padding > 0) out[out.length - 1] = p.padding;
  return out;
}

/**
 * RFC 5761 §4 demultiplexing of RTP and RTCP on one port: the second octet of an RTCP packet is its packet
 * type 192..223 (RTP payload types 64..95 with the marker bit set, which RTP must therefore not use).
 */
export function isRtcpPacket(buf: Uint8Array, length: number = buf.length): boolean {
  if (length < 2) return false;
  const b1 = buf[1]!;
  return b1 >= 192 && b1 <= 223;
}

function readU32(buf: Uint8Array, at: number): number {
  return buf[at]! * 0x1000000 + ((buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!);
}

function copyOf(buf: Uint8Array, start: number, end: number): Buffer {
  return Buffer.from(buf.subarray(start, end));
}
