/**
 * RTCP sender report, SR, PT 200 (RFC 3550 §6.4.1):
 *
 *   header (RC) | SSRC of sender | NTP timestamp (64: seconds, fraction) | RTP timestamp | sender's packet count
 *   | sender's octet count | report block × RC | profile extension
 *
 * The NTP and RTP timestamps name the same instant, which lets receivers map RTP time to wallclock and lets
 * them return the middle 32 NTP bits as LSR for the round-trip computation (§6.4.1).
 */
import { packetFieldError } from '../rtp/packet-field-error.js';
import { REPORT_BLOCK_LENGTH, checkReportCount, readReportBlocks, writeReportBlock, type ReportBlock } from './receiver-report.js';
import { RTCP_HEADER_LENGTH, RtcpPacketType, allocRtcpPacket, readSingleRtcpFrame, readU32 } from './rtcp-header.js';

/** SSRC + sender info. */
const SENDER_INFO_LENGTH = 24;

export interface SenderReport {
  type: 'sr';
  ssrc: number;
  /** NTP timestamp, seconds since 1900 (most significant word). */
  ntpSeconds: number;
  /** NTP timestamp, fraction of a second in 1/2^32 units (least significant word). */
  ntpFraction: number;
  rtpTimestamp: number;
  /** Packets sent since starting transmission (mod 2^32). */
  packetCount: number;
  /** Payload octets sent since starting transmission (mod 2^32). */
  octetCount: number;
  reports: ReportBlock[];
  /** Profile-specific extension octets after the blocks (§6.4.3), empty when absent. */
  extension: Uint8Array;
}

/** Parses one SR packet that fills `packet` exactly; undefined when invalid. */
export function parseSenderReport(packet: Uint8Array): SenderReport | undefined {
  const f = readSingleRtcpFrame(packet, RtcpPacketType.SR);
  if (!f || f.bodyStart + SENDER_INFO_LENGTH > f.bodyEnd) return undefined;
  const s = f.bodyStart;
  const blocksStart = s + SENDER_INFO_LENGTH;
  const reports = readReportBlocks(packet, blocksStart, f.bodyEnd, f.count);
  if (!reports) return undefined;
  return {
    type: 'sr',
    ssrc: readU32(packet, s),
    ntpSeconds: readU32(packet, s + 4),
    ntpFraction: readU32(packet, s + 8),
    rtpTimestamp: readU32(packet, s + 12),
    packetCount: readU32(packet, s + 16),
    octetCount: readU32(packet, s + 20),
    reports,
    extension: Buffer.from(packet.subarray(blocksStart + f.count * REPORT_BLOCK_LENGTH, f.bodyEnd)),
  };
}

/** Serializes an SR (extension octets must be whole words). Throws on more than 31 blocks. */
export function serializeSenderReport(sr: Omit<SenderReport, 'type' | 'extension'> & { extension?: Uint8Array }): Buffer {
  checkReportCount(sr.reports);
  const extension = sr.extension ?? new Uint8Array(0);
  if (extension.length % 4 !== 0) throw packetFieldError('RTCP profile extensions are whole 32-bit words');
  const out = allocRtcpPacket(RtcpPacketType.SR, sr.reports.length, SENDER_INFO_LENGTH + sr.reports.length * REPORT_BLOCK_LENGTH + extension.length);
  const s = RTCP_HEADER_LENGTH;
  out.writeUInt32BE(sr.ssrc >>> 0, s);
  out.writeUInt32BE(sr.ntpSeconds >>> 0, s + 4);
  out.writeUInt32BE(sr.ntpFraction >>> 0, s + 8);
  out.writeUInt32BE(sr.rtpTimestamp >>> 0, s + 12);
  out.writeUInt32BE(sr.packetCount >>> 0, s + 16);
  out.writeUInt32BE(sr.octetCount >>> 0, s + 20);
  let at = s + SENDER_INFO_LENGTH;
  for (const b of sr.reports) {
    writeReportBlock(out, at, b);
    at += REPORT_BLOCK_LENGTH;
  }
  out.set(extension, at);
  return out;
}
