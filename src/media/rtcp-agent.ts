/**
 * RTCP for one session (RFC 3550 §6): an SR (or RR while we send nothing) with SDES CNAME every ~5 s
 * (randomised, §6.3.1), BYE on close, and what the peer's reports tell us (round-trip time, §6.4.1).
 */
import type { Socket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { parseCompound, serializeCompound } from './rtcp/compound.js';
import type { Goodbye } from './rtcp/bye.js';
import type { SourceDescription } from './rtcp/sdes.js';
import { buildReportBlock, buildSenderReport, nextReportDelayMs, noteSenderReport, reportBlockFor, roundTripTimeMs, rtpTimestampAt, type LastSenderReport } from './rtcp/rtcp-stats.js';
import { ntpMiddle32FromUnixMs } from './rtcp/ntp-timestamp.js';
import type { ReceiverReport } from './rtcp/receiver-report.js';
import type { SendPath } from './send-path.js';
import type { ReceivePath } from './receive-path.js';
import type { SrtpContexts } from './srtp/index.js';
import { isSrtpFailure } from './srtp/index.js';

export class RtcpAgent {
  private readonly cname = `switchboard-${randomUUID().slice(0, 8)}`;
  private lastSr?: LastSenderReport;
  private nextAt: number;
  rttMs?: number;

  constructor(
    private readonly send: SendPath,
    private readonly recv: ReceivePath,
    private readonly clockRate: number,
    private readonly intervalMs: number,
    private readonly srtp: SrtpContexts | undefined,
    nowMs: number,
  ) {
    this.nextAt = nowMs + nextReportDelayMs({ rtcpIntervalMs: intervalMs });
  }

  /** A datagram on the RTCP port (or a demultiplexed one with rtcp-mux). */
  packet(data: Buffer, nowMs: number): void {
    let rtcp = data;
    if (this.srtp) {
      const r = this.srtp.unprotectRtcp(data);
      if (isSrtpFailure(r)) return;
      rtcp = r;
    }
    const parts = parseCompound(rtcp);
    if (!parts) return;
    for (const p of parts) {
      if (p.type === 'sr') this.lastSr = noteSenderReport(p, nowMs);
      if (p.type === 'sr' || p.type === 'rr') {
        const block = reportBlockFor(p as ReceiverReport, this.send.ssrc);
        if (block && block.lastSr !== 0) {
          const rtt = roundTripTimeMs(block, ntpMiddle32FromUnixMs(Date.now()));
          if (rtt !== undefined) this.rttMs = rtt;
        }
      }
    }
  }

  /** Frame clock: send a report when due. */
  tick(socket: Socket, to: { address: string; port: number } | undefined, nowMs: number): void {
    if (nowMs < this.nextAt || !to) return;
    this.nextAt = nowMs + nextReportDelayMs({ rtcpIntervalMs: this.intervalMs });
    this.emit(socket, to, nowMs, false);
  }

  bye(socket: Socket, to: { address: string; port: number } | undefined, nowMs: number): void {
    if (to) this.emit(socket, to, nowMs, true);
  }

  private emit(socket: Socket, to: { address: string; port: number }, nowMs: number, bye: boolean): void {
    const block = buildReportBlock(this.recv.stats, this.lastSr, nowMs);
    const reports = block ? [block] : [];
    const s = this.send;
    const report = s.packetsSent > 0
      ? buildSenderReport({
        ssrc: s.ssrc, nowUnixMs: Date.now(), rtpTimestamp: rtpTimestampAt(nowMs, s.lastSentTs, s.lastSentAtMs, this.clockRate),
        packetCount: s.packetsSent, octetCount: s.octetsSent, reports,
      })
      : { type: 'rr' as const, ssrc: s.ssrc, reports, extension: new Uint8Array(0) };
    const sdes: SourceDescription = { type: 'sdes', chunks: [{ ssrc: s.ssrc, items: [{ type: 1, value: this.cname }] }] };
    const rest: (SourceDescription | Goodbye)[] = bye ? [sdes, { type: 'bye', ssrcs: [s.ssrc] }] : [sdes];
    let packet: Buffer = serializeCompound(report, rest);
    if (this.srtp) packet = this.srtp.protectRtcp(packet);
    try {
      socket.send(packet, to.port, to.address);
    } catch { /* socket closed under us */ }
  }
}
