/**
 * RTCP source description, SDES, PT 202 (RFC 3550 §6.5):
 *
 *   header (SC = number of chunks) | chunk × SC
 *   chunk: SSRC/CSRC | item × n (type 8 bits, length 8 bits, UTF-8 text) | null octets to the next 32-bit boundary
 *
 * Every compound packet carries our CNAME (§6.5.1) so receivers can bind our SSRC to an endpoint.
 */
import { packetFieldError } from '../rtp/packet-field-error.js';
import { RTCP_HEADER_LENGTH, RTCP_MAX_COUNT, RtcpPacketType, allocRtcpPacket, readSingleRtcpFrame, readU32 } from './rtcp-header.js';

/** SDES item types (§6.5; 0 is END, the null octet that ends a chunk). */
export const SdesItemType = {
  CNAME: 1,
  NAME: 2,
  EMAIL: 3,
  PHONE: 4,
  LOC: 5,
  TOOL: 6,
  NOTE: 7,
  PRIV: 8,
} as const;

export interface SdesItem {
  type: number;
  /** The item text (UTF-8 on the wire, at most 255 octets). */
  value: string;
}

export interface SdesChunk {
  ssrc: number;
  items: SdesItem[];
}

export interface SourceDescription {
  type: 'sdes';
  chunks: SdesChunk[];
}

/** The CNAME of a chunk, if it carries one. */
export function cnameOf(chunk: SdesChunk): string | undefined {
  return chunk.items.find((i) => i.type === SdesItemType.CNAME)?.value;
}

/** Parses one SDES packet that fills `packet` exactly; undefined when a chunk is cut short or unterminated. */
export function parseSdes(packet: Uint8Array): SourceDescription | undefined {
  const f = readSingleRtcpFrame(packet, RtcpPacketType.SDES);
  if (!f) return undefined;
  const chunks: SdesChunk[] = [];
  let at = f.bodyStart;
  for (let c = 0; c < f.count; c++) {
    if (at + 4 > f.bodyEnd) return undefined;
    const chunk: SdesChunk = { ssrc: readU32(packet, at), items: [] };
    at += 4;
    for (;;) {
      if (at >= f.bodyEnd) return undefined;
      const type = packet[at]!;
      if (type === 0) {
        // END: skip the null octets up to the next 32-bit boundary (chunks start word-aligned).
        at = (Math.floor(at / 4) + 1) * 4;
        break;
      }
      if (at + 2 > f.bodyEnd) return undefined;
      const len = packet[at + 1]!;
      if (at + 2 + len > f.bodyEnd) return undefined;
      chunk.items.push({ type, value: Buffer.from(packet.buffer, packet.byteOffset + at + 2, len).toString('utf8') });
      at += 2 + len;
    }
    chunks.push(chunk);
  }
  if (at > f.bodyEnd) return undefined;
  return { type: 'sdes', chunks };
}

/** Serializes an SDES packet. Throws on more than 31 chunks or an item longer than 255 octets. */
export function serializeSdes(sdes: Omit<SourceDescription, 'type'>): Buffer {
  if (sdes.chunks.length > RTCP_MAX_COUNT) throw packetFieldError(`an SDES packet carries at most ${RTCP_MAX_COUNT} chunks`);
  const encoded = sdes.chunks.map((c) => c.items.map((i) => {
    const text = Buffer.from(i.value, 'utf8');
    if (text.length > 255) throw packetFieldError('an SDES item holds at most 255 octets');
    if (i.type < 1 || i.type > 255) throw packetFieldError('SDES item types are 1..255');
    return { type: i.type, text };
  }));
  // Each chunk: SSRC, items, at least one null octet, rounded up to a whole word.
  const chunkLengths = encoded.map((items) => Math.ceil((4 + items.reduce((n, i) => n + 2 + i.text.length, 0) + 1) / 4) * 4);
  const out = allocRtcpPacket(RtcpPacketType.SDES, sdes.chunks.length, chunkLengths.reduce((a, b) => a + b, 0));
  let at = RTCP_HEADER_LENGTH;
  sdes.chunks.forEach((chunk, c) => {
    const start = at;
    out.writeUInt32BE(chunk.ssrc >>> 0, at);
    at += 4;
    for (const item of encoded[c]!) {
      out[at] = item.type;
      out[at + 1] = item.text.length;
      out.set(item.text, at + 2);
      at += 2 + item.text.length;
    }
    at = start + chunkLengths[c]!; // the rest of the chunk is already zero (END + padding)
  });
  return out;
}
