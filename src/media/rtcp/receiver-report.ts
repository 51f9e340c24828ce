/**
 * RTCP receiver report, RR, PT 201 (RFC 3550 §6.4.2), and the report block it shares with the SR (§6.4.1):
 *
 *   header (RC = number of report blocks) | SSRC of packet sender | report block × RC | profile extension
 *
 *   report block: SSRC_n | fraction lost (8) | cumulative lost (signed 24) | extended highest sequence number
 *                 | interarrival jitter | last SR (LSR) | delay since last SR (DLSR, 1/65536 s)
 */
import { packetFieldError } from '../rtp/packet-field-error.js';
import { RTCP_HEADER_LENGTH, RTCP_MAX_COUNT, RtcpPacketType, allocRtcpPacket, readSingleRtcpFrame, readU32 } from './rtcp-header.js';

export const REPORT_BLOCK_LENGTH = 24;

export interface ReportBlock {
  /** The source this block reports on. */
  ssrc: number;
  /** Fraction lost since the previous report, 8-bit fixed point (lost × 256 / expected). */
  fractionLost: number;
  /** Cumulative packets lost, signed 24 bits (duplicates can make it negative). */
  cumulativeLost: number;
  /** Cycles × 65536 + highest sequence number received. */
  extendedHighestSeq: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from the source (0 = none). */
  lastSr: number;
  /** Delay between receiving that SR and sending this block, in 1/65536 s (0 = no SR yet). */
  delaySinceLastSr: number;
}

export interface ReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: ReportBlock[];
  /** Profile-specific extension octets after the blocks (§6.4.3), empty when absent. */
  extension: Uint8Array;
}

export function readReportBlock(buf: Uint8Array, at: number): ReportBlock {
  const lost = (buf[at + 5]! << 16) | (buf[at + 6]! << 8) | buf[at + 7]!;
  return {
    ssrc: readU32(buf, at),
    fractionLost: buf[at + 4]!,
    cumulativeLost: lost & 0x800000 ? lost - 0x1000000 : lost,
    extendedHighestSeq: readU32(buf, at + 8),
    jitter: readU32(buf, at + 12),
    lastSr: readU32(buf, at + 16),
    delaySinceLastSr: readU32(buf, at + 20),
  };
}

export function writeReportBlock(out: Buffer, at: number, b: ReportBlock): void {
  const lost = Math.max(-0x800000, Math.min(0x7fffff, Math.trunc(b.cumulativeLost))) & 0xffffff;
  out.writeUInt32BE(b.ssrc >>> 0, at);
  out[at + 4] = b.fractionLost & 0xff;
  out[at + 5] = lost >>> 16;
  out[at + 6] = (lost >>> 8) & 0xff;
  out[at + 7] = lost & 0xff;
  out.writeUInt32BE(b.extendedHighestSeq >>> 0, at + 8);
  out.writeUInt32BE(b.jitter >>> 0, at + 12);
  out.writeUInt32BE(b.lastSr >>> 0, at + 16);
  out.writeUInt32BE(b.delaySinceLastSr >>> 0, at + 20);
}

/** Reads `count` report blocks from buf[start, end); undefined when they do not fit. */
export function readReportBlocks(buf: Uint8Array, start: number, end: number, count: number): ReportBlock[] | undefined {
  if (start + count * REPORT_BLOCK_LENGTH > end) return undefined;
  const reports: ReportBlock[] = [];
  for (let i = 0; i < count; i++) reports.push(readReportBlock(buf, start + i * REPORT_BLOCK_LENGTH));
  return reports;
}

export function checkReportCount(reports: readonly ReportBlock[]): void {
  // §6.4: more than 31 sources need further RR packets; a call has one, so this is a caller error.
  if (reports.length > RTCP_MAX_COUNT) throw packetFieldError(`an RTCP report carries at most ${RTCP_MAX_COUNT} report blocks`);
}

/** Parses one RR packet that fills `packet` exactly; undefined when invalid. */
export function parseReceiverReport(packet: Uint8Array): ReceiverReport | undefined {
  const f = readSingleRtcpFrame(packet, RtcpPacketType.RR);
  if (!f || f.bodyStart + 4 > f.bodyEnd) return undefined;
  const blocksStart = f.bodyStart + 4;
  const reports = readReportBlocks(packet, blocksStart, f.bodyEnd, f.count);
  if (!reports) return undefined;
  const extensionStart = blocksStart + f.count * REPORT_BLOCK_LENGTH;
  return { type: 'rr', ssrc: readU32(packet, f.bodyStart), reports, extension: Buffer.from(packet.subarray(extensionStart, f.bodyEnd)) };
}

/** Serializes an RR (extension octets must be whole words). Throws on more than 31 blocks. */
export function serializeReceiverReport(rr: Omit<ReceiverReport, 'type' | 'extension'> & { extension?: Uint8Array }): Buffer {
  checkReportCount(rr.reports);
  const extension = rr.extension ?? new Uint8Array(0);
  if (extension.length % 4 !== 0) throw packetFieldError('RTCP profile extensions are whole 32-bit words');
  const out = allocRtcpPacket(RtcpPacketType.RR, rr.reports.length, 4 + rr.reports.length * REPORT_BLOCK_LENGTH + extension.length);
  out.writeUInt32BE(rr.ssrc >>> 0, RTCP_HEADER_LENGTH);
  let at = RTCP_HEADER_LENGTH + 4;
  for (const b of rr.reports) {
    writeReportBlock(out, at, b);
    at += REPORT_BLOCK_LENGTH;
  }
  out.set(extension, at);
  return out;
}
