/**
 * The statistics side of RTCP for one call: our report block about the remote source (from RtpReceiveStats,
 * RFC 3550 §6.4.1 / A.3), the round-trip time from a block the peer sent about us (§6.4.1, LSR/DLSR), and the
 * report interval (§6.3.1, simplified to a fixed mean with the ±50 % randomisation).
 */
import type { RtpReceiveStats } from '../rtp/rtp-receive-stats.js';
import { msToNtpShort, ntpFromUnixMs, ntpMiddle32, ntpShortToMs } from './ntp-timestamp.js';
import type { ReceiverReport, ReportBlock } from './receiver-report.js';
import type { SenderReport } from './sender-report.js';

/** What we remember of the last SR received from the remote source, to fill LSR and DLSR. */
export interface LastSenderReport {
  /** Middle 32 bits of the SR's NTP timestamp. */
  ntpMiddle: number;
  /** When it arrived, on the clock later passed to buildReportBlock as nowMs. */
  arrivalMs: number;
}

export function noteSenderReport(sr: SenderReport, arrivalMs: number): LastSenderReport {
  return { ntpMiddle: ntpMiddle32(sr.ntpSeconds, sr.ntpFraction), arrivalMs };
}

/**
 * Our report block about the followed source (undefined before any packet arrived). Takes the A.3 interval
 * fraction lost, so call it once per report sent. LSR/DLSR are 0 until an SR from the source arrived.
 */
export function buildReportBlock(stats: RtpReceiveStats, lastSr: LastSenderReport | undefined, nowMs: number): ReportBlock | undefined {
  if (stats.ssrc === undefined) return undefined;
  return {
    ssrc: stats.ssrc,
    fractionLost: stats.takeFractionLost(),
    cumulativeLost: stats.cumulativeLost,
    extendedHighestSeq: stats.extendedMaxSeq >>> 0,
    jitter: stats.jitter >>> 0,
    lastSr: lastSr ? lastSr.ntpMiddle : 0,
    delaySinceLastSr: lastSr ? msToNtpShort(Math.max(0, nowMs - lastSr.arrivalMs)) : 0,
  };
}

/** The block in an SR or RR that reports on `ssrc` (ours), if any. */
export function reportBlockFor(report: SenderReport | ReceiverReport, ssrc: number): ReportBlock | undefined {
  return report.reports.find((b) => b.ssrc === ssrc);
}

/**
 * §6.4.1 round-trip time: A − LSR − DLSR, all in 1/65536 s and modulo 2^32, where A is the middle 32 bits of
 * our NTP time when the report arrived. Undefined when the peer has no SR of ours yet (LSR 0); a slightly
 * negative result (the peer's DLSR rounding) gives 0.
 */
export function roundTripTimeMs(block: ReportBlock, arrivalNtpMiddle: number): number | undefined {
  if (block.lastSr === 0) return undefined;
  const rtt = (arrivalNtpMiddle - block.lastSr - block.delaySinceLastSr) | 0;
  return rtt < 0 ? 0 : ntpShortToMs(rtt);
}

export interface SenderInfoInput {
  ssrc: number;
  /** Wallclock now, Unix milliseconds. */
  nowUnixMs: number;
  /** The RTP timestamp of the same instant (see rtpTimestampAt). */
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
  reports: ReportBlock[];
}

/** An SR for our stream at `nowUnixMs`. */
export function buildSenderReport(input: SenderInfoInput): SenderReport {
  const ntp = ntpFromUnixMs(input.nowUnixMs);
  return {
    type: 'sr', ssrc: input.ssrc, ntpSeconds: ntp.seconds, ntpFraction: ntp.fraction, rtpTimestamp: input.rtpTimestamp >>> 0,
    packetCount: input.packetCount >>> 0, octetCount: input.octetCount >>> 0, reports: input.reports, extension: new Uint8Array(0),
  };
}

/**
 * The RTP timestamp of instant `nowMs`, extrapolated from the last packet sent (§6.4.1: the SR's RTP
 * timestamp corresponds to its NTP timestamp, not to a sent packet).
 */
export function rtpTimestampAt(nowMs: number, lastSentTs: number, lastSentAtMs: number, clockRate: number): number {
  return (lastSentTs + Math.round(((nowMs - lastSentAtMs) * clockRate) / 1000)) >>> 0;
}

export interface ReportIntervalOptions {
  /** Mean interval between our compound reports (§6.2 recommends 5 s minimum). */
  rtcpIntervalMs?: number;
  /** Uniform [0, 1) source, injectable for tests. */
  random?: () => number;
}

export const RTCP_INTERVAL_DEFAULT_MS = 5000;

/** §6.3.1 simplified: the next report after a uniformly random 0.5..1.5 × the interval (avoids synchronisation). */
export function nextReportDelayMs(opts: ReportIntervalOptions = {}): number {
  const interval = opts.rtcpIntervalMs ?? RTCP_INTERVAL_DEFAULT_MS;
  const random = opts.random ?? Math.random;
  return interval * (0.5 + random());
}
