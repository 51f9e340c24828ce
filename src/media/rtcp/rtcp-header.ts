/**
 * The header every RTCP packet starts with (RFC 3550 §6.4.1):
 *
 *   |V=2|P|   RC/SC  |      PT       |             length            |
 *
 * RC/SC counts report blocks or chunks/sources; length is the packet's size in 32-bit words minus one,
 * header and padding included. With P set, the last octet counts the padding octets, itself included.
 */
export const RTCP_VERSION = 2;
export const RTCP_HEADER_LENGTH = 4;
/** The RC/SC field has 5 bits. */
export const RTCP_MAX_COUNT = 31;

/** RTCP packet types (RFC 3550 §12.1; 205-207 from RFC 4585 and RFC 3611, carried through as 'other'). */
export const RtcpPacketType = {
  SR: 200,
  RR: 201,
  SDES: 202,
  BYE: 203,
  APP: 204,
} as const;

/** One RTCP packet's header fields and where its body lies, padding excluded. */
export interface RtcpPacketFrame {
  count: number;
  packetType: number;
  /** Offset of the first octet after the 4-octet header. */
  bodyStart: number;
  /** Offset one past the body (padding excluded). */
  bodyEnd: number;
  /** Offset one past the whole packet (header length field). */
  end: number;
  padded: boolean;
}

/**
 * Reads the header of the RTCP packet at buf[offset]: undefined when the version is not 2, the length runs
 * past `limit`, or the padding count is 0 or larger than the body.
 */
export function readRtcpFrame(buf: Uint8Array, offset: number, limit: number = buf.length): RtcpPacketFrame | undefined {
  if (offset + RTCP_HEADER_LENGTH > limit) return undefined;
  const b0 = buf[offset]!;
  if (b0 >> 6 !== RTCP_VERSION) return undefined;
  const end = offset + (((buf[offset + 2]! << 8) | buf[offset + 3]!) + 1) * 4;
  if (end > limit) return undefined;
  const padded = (b0 & 0x20) !== 0;
  let bodyEnd = end;
  if (padded) {
    const padding = buf[end - 1]!;
    if (padding === 0 || padding > end - offset - RTCP_HEADER_LENGTH) return undefined;
    bodyEnd = end - padding;
  }
  return { count: b0 & 0x1f, packetType: buf[offset + 1]!, bodyStart: offset + RTCP_HEADER_LENGTH, bodyEnd, end, padded };
}

/** Reads one RTCP packet that fills `packet` exactly and has the given type. */
export function readSingleRtcpFrame(packet: Uint8Array, packetType: number): RtcpPacketFrame | undefined {
  const frame = readRtcpFrame(packet, 0);
  if (!frame || frame.packetType !== packetType || frame.end !== packet.length) return undefined;
  return frame;
}

/**
 * Allocates a packet of `bodyLength` octets after the header (rounded up to whole words by zero padding that
 * the body format defines, e.g. SDES and BYE) and writes the header. Returns the buffer.
 */
export function allocRtcpPacket(packetType: number, count: number, bodyLength: number): Buffer {
  const total = RTCP_HEADER_LENGTH + Math.ceil(bodyLength / 4) * 4;
  const out = Buffer.alloc(total);
  out[0] = (RTCP_VERSION << 6) | (count & 0x1f);
  out[1] = packetType;
  out.writeUInt16BE(total / 4 - 1, 2);
  return out;
}

export function readU32(buf: Uint8Array, at: number): number {
  return buf[at]! * 0x1000000 + ((buf[at + 1]! << 16) | (buf[at + 2]! << 8) | buf[at + 3]!);
}
