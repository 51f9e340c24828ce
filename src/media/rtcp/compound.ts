/**
 * Compound RTCP packets (RFC 3550 §6.1): several RTCP packets stacked in one datagram, each with its own
 * header and length. We send them as §6.1 requires — an SR or RR first, then an SDES with our CNAME, then
 * anything else (e.g. a BYE last). We parse leniently: the length fields must tile the datagram exactly and
 * only the last packet may be padded (A.2), but the first packet need not be an SR/RR so that reduced-size
 * RTCP (RFC 5506) from some endpoints still parses. Unknown packet types (APP, RTPFB, PSFB, XR…) come back
 * as 'other' with their body.
 */
import { parseBye, serializeBye, type Goodbye } from './bye.js';
import { parseReceiverReport, serializeReceiverReport, type ReceiverReport } from './receiver-report.js';
import { RTCP_HEADER_LENGTH, RtcpPacketType, allocRtcpPacket, readRtcpFrame } from './rtcp-header.js';
import { parseSdes, serializeSdes, type SourceDescription } from './sdes.js';
import { parseSenderReport, serializeSenderReport, type SenderReport } from './sender-report.js';

/** An RTCP packet of a type we do not interpret. */
export interface OtherRtcpPacket {
  type: 'other';
  packetType: number;
  /** The 5-bit RC/SC/subtype field. */
  count: number;
  /** The octets after the 4-octet header, padding excluded. */
  body: Uint8Array;
}

export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye | OtherRtcpPacket;

/**
 * Splits a compound packet into its parts; undefined when any part is invalid, the lengths do not add up to
 * buf.length, or a packet other than the last is padded.
 */
export function parseCompound(buf: Uint8Array): RtcpPacket[] | undefined {
  const packets: RtcpPacket[] = [];
  let at = 0;
  while (at < buf.length) {
    const f = readRtcpFrame(buf, at);
    if (!f) return undefined;
    if (f.padded && f.end !== buf.length) return undefined;
    const packet = buf.subarray(at, f.end);
    let parsed: RtcpPacket | undefined;
    switch (f.packetType) {
      case RtcpPacketType.SR: parsed = parseSenderReport(packet); break;
      case RtcpPacketType.RR: parsed = parseReceiverReport(packet); break;
      case RtcpPacketType.SDES: parsed = parseSdes(packet); break;
      case RtcpPacketType.BYE: parsed = parseBye(packet); break;
      default:
        parsed = { type: 'other', packetType: f.packetType, count: f.count, body: Buffer.from(buf.subarray(f.bodyStart, f.bodyEnd)) };
    }
    if (!parsed) return undefined;
    packets.push(parsed);
    at = f.end;
  }
  return packets.length > 0 ? packets : undefined;
}

/** Serializes one packet of any type. */
export function serializeRtcpPacket(p: RtcpPacket): Buffer {
  switch (p.type) {
    case 'sr': return serializeSenderReport(p);
    case 'rr': return serializeReceiverReport(p);
    case 'sdes': return serializeSdes(p);
    case 'bye': return serializeBye(p);
    case 'other': {
      const out = allocRtcpPacket(p.packetType, p.count, p.body.length);
      out.set(p.body, RTCP_HEADER_LENGTH);
      return out;
    }
  }
}

/**
 * Serializes a compound packet that starts with the given SR or RR (§6.1), followed by `rest` in order
 * (put the SDES with the CNAME next, and a BYE last).
 */
export function serializeCompound(report: SenderReport | ReceiverReport, rest: readonly RtcpPacket[] = []): Buffer {
  return Buffer.concat([serializeRtcpPacket(report), ...rest.map(serializeRtcpPacket)]);
}
