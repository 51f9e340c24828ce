/**
 * RTCP goodbye, BYE, PT 203 (RFC 3550 §6.6):
 *
 *   header (SC = number of sources) | SSRC/CSRC × SC | [ length (8) | reason for leaving (UTF-8) ] | zero padding to a word
 */
import { packetFieldError } from '../rtp/packet-field-error.js';
import { RTCP_HEADER_LENGTH, RTCP_MAX_COUNT, RtcpPacketType, allocRtcpPacket, readSingleRtcpFrame, readU32 } from './rtcp-header.js';

export interface Goodbye {
  type: 'bye';
  ssrcs: number[];
  reason?: string;
}

/** Parses one BYE packet that fills `packet` exactly; undefined when invalid. */
export function parseBye(packet: Uint8Array): Goodbye | undefined {
  const f = readSingleRtcpFrame(packet, RtcpPacketType.BYE);
  if (!f) return undefined;
  let at = f.bodyStart;
  if (at + f.count * 4 > f.bodyEnd) return undefined;
  const ssrcs: number[] = [];
  for (let i = 0; i < f.count; i++, at += 4) ssrcs.push(readU32(packet, at));
  const bye: Goodbye = { type: 'bye', ssrcs };
  if (at < f.bodyEnd) {
    const len = packet[at]!;
    if (at + 1 + len > f.bodyEnd) return undefined;
    if (len > 0) bye.reason = Buffer.from(packet.buffer, packet.byteOffset + at + 1, len).toString('utf8');
  }
  return bye;
}

/** Serializes a BYE. Throws on more than 31 sources or a reason longer than 255 octets. */
export function serializeBye(bye: Omit<Goodbye, 'type'>): Buffer {
  if (bye.ssrcs.length > RTCP_MAX_COUNT) throw packetFieldError(`a BYE names at most ${RTCP_MAX_COUNT} sources`);
  const reason = bye.reason === undefined ? undefined : Buffer.from(bye.reason, 'utf8');
  if (reason && reason.length > 255) throw packetFieldError('a BYE reason holds at most 255 octets');
  const out = allocRtcpPacket(RtcpPacketType.BYE, bye.ssrcs.length, bye.ssrcs.length * 4 + (reason ? 1 + reason.length : 0));
  let at = RTCP_HEADER_LENGTH;
  for (const ssrc of bye.ssrcs) {
    out.writeUInt32BE(ssrc >>> 0, at);
    at += 4;
  }
  if (reason) {
    out[at] = reason.length;
    out.set(reason, at + 1);
  }
  return out;
}
