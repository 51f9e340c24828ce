/**
 * The few RTP header fields SRTP needs (RFC 3550 §5.1, §5.3.1), read straight from the buffer:
 * the header length (fixed part, CSRC list, header extension), SEQ and SSRC. The full RTP packet
 * type lives in src/media/rtp/; SRTP keeps its own reader so it depends on nothing beside it.
 */

/** RFC 3550 §5.1: V, P, X, CC, M, PT, sequence number, timestamp, SSRC. */
export const RTP_FIXED_HEADER_LENGTH = 12;
const EXTENSION_FLAG = 0x10;
const CSRC_COUNT_MASK = 0x0f;

/**
 * Octets of RTP header (CSRCs and extension included) at the start of packet, or -1 when the header
 * does not fit in packet[0, limit).
 */
export function rtpHeaderLength(packet: Buffer, limit: number): number {
  if (limit < RTP_FIXED_HEADER_LENGTH) return -1;
  const first = packet[0];
  let length = RTP_FIXED_HEADER_LENGTH + (first & CSRC_COUNT_MASK) * 4;
  if ((first & EXTENSION_FLAG) !== 0) {
    // §5.3.1: 16-bit profile-defined field, 16-bit length in 32-bit words (excluding this word).
    if (length + 4 > limit) return -1;
    length += 4 + packet.readUInt16BE(length + 2) * 4;
  }
  return length <= limit ? length : -1;
}

export function rtpSequenceNumber(packet: Buffer): number {
  return packet.readUInt16BE(2);
}

export function rtpSsrc(packet: Buffer): number {
  return packet.readUInt32BE(8);
}

/** RFC 3550 §6.4.1: the sender SSRC follows the first RTCP header word. */
export function rtcpSenderSsrc(packet: Buffer): number {
  return packet.readUInt32BE(4);
}
