/**
 * The send side of a media session: PCM from the application (agent) → Pacer (exact frames, marks, flush)
 * → resample to the codec rate → encode → RTP header → SRTP → socket, one frame per ptime from the frame
 * clock. RFC 4733 events take the place of audio while they play (RFC 4733 §2.5).
 */
import type { Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { Pacer } from './pacer.js';
import { Resampler } from './codec/resampler.js';
import type { AudioCodec } from './codec/codec.js';
import { writeRtpHeader, RTP_FIXED_HEADER_LENGTH } from './rtp/rtp-packet.js';
import { dtmfPackets, type DtmfPacket } from './dtmf/rfc4733.js';
import type { SrtpContexts } from './srtp/index.js';
import type { LatencyHistogram, SendCounters } from './media-probe.js';

export interface SendPathOptions {
  codec: AudioCodec;
  payloadType: number;
  telephoneEventPt?: number;
  ptimeMs: number;
  /** RTP clock rate of the payload type (8000 for G.711 and G.722, RFC 3551 §4.5.2). */
  clockRate: number;
  pcmRate: number;
  keepalive: 'silence' | 'none';
  srtp?: SrtpContexts;
  maxQueueMs: number;
}

/** Most late frames sent back to back after a stall (100 ms at 20 ms ptime); older ones are dropped. */
export const CATCH_UP_BURST = 5;

export class SendPath {
  readonly ssrc = randomInt(1, 0xffffffff);
  readonly pacer: Pacer;
  private seq = randomInt(0, 0x10000);
  private ts = randomInt(0, 0xffffffff);
  private readonly resampler?: Resampler;
  private readonly silence: Int16Array;
  private readonly tsStep: number;
  private readonly header = Buffer.alloc(RTP_FIXED_HEADER_LENGTH);
  /** Packets are built in place; a send still queued in libuv is never overwritten (the next use is 3 ptimes later). */
  private readonly ring: Buffer[] = [Buffer.allocUnsafe(172), Buffer.allocUnsafe(172), Buffer.allocUnsafe(172), Buffer.allocUnsafe(172)];
  private ringAt = 0;
  private talking = false;
  private dtmf: DtmfPacket[] = [];
  packetsSent = 0;
  octetsSent = 0;
  lastSentAtMs = 0;
  lastSentTs = 0;
  /** Marks whose audio left as RTP during the last tick. */
  playedMarks: string[] = [];
  /** Set by the session: where deviations from the ideal ptime spacing go. */
  probe?: LatencyHistogram;
  /** Set by the session: the thread's send counters (frames dropped after a stall count as late). */
  counters?: SendCounters;
  private lastWallMs = -1;
  /** When the last sample of the application frame sent by the last tick arrived (NaN: that tick sent none). */
  lastArrivedAt = Number.NaN;
  /** The PCM (application rate) of the last audio frame sent, for recording. */
  lastFrame?: Int16Array;

  constructor(private readonly o: SendPathOptions) {
    const frameSamples = Math.round((o.pcmRate * o.ptimeMs) / 1000);
    this.pacer = new Pacer({ frameSamples, maxQueueFrames: Math.max(1, Math.round(o.maxQueueMs / o.ptimeMs)) });
    if (o.pcmRate !== o.codec.sampleRate) this.resampler = new Resampler(o.pcmRate, o.codec.sampleRate);
    this.silence = new Int16Array(frameSamples);
    this.tsStep = Math.round((o.clockRate * o.ptimeMs) / 1000);
  }

  /** Queue an RFC 4733 key press; it replaces audio while it plays. */
  queueDtmf(digit: string, durationMs: number): void {
    if (this.o.telephoneEventPt === undefined) return;
    const startTs = this.ts;
    this.dtmf.push(...dtmfPackets({ digit, durationMs, startTs, clockRate: this.o.clockRate, ptimeMs: this.o.ptimeMs }));
  }

  /**
   * The frame clock missed `missed` ticks (an event-loop stall). Their time has passed, and what the application
   * queued meanwhile is late: up to CATCH_UP_BURST of those frames are sent at once (the far end's jitter buffer absorbs
   * a short burst, and nothing the caller said or the agent played is lost); beyond that, the oldest are dropped,
   * so a long stall never leaves a standing backlog that delays everything afterwards. The RTP clock moves on by
   * `missed` frames either way (RFC 3550 §5.1: timestamps follow the sampling clock). Marks inside dropped audio
   * count as played (their audio's time is over). Audio that was not queued yet is the session's to judge when it
   * comes (PlayoutControl: late frames of a real-time stream).
   */
  catchUp(missed: number, socket: Socket, to: { address: string; port: number } | undefined, canSend: boolean, nowMs: number): string[] {
    const played: string[] = [];
    const drop = Math.max(0, missed - CATCH_UP_BURST);
    for (let k = 0; k < missed; k++) {
      if (this.dtmf.length > 0) {
        this.dtmf.shift();
        this.ts = (this.ts + this.tsStep) >>> 0;
        continue;
      }
      if (k >= drop && this.pacer.queuedSamples > 0) {
        this.tick(socket, to, canSend, nowMs);
        for (const m of this.playedMarks) played.push(m);
        continue;
      }
      this.ts = (this.ts + this.tsStep) >>> 0;
      const t = this.pacer.next();
      if (t.frame) {
        this.framesDroppedCatchingUp++;
        if (this.counters) this.counters.late++;
      }
      for (const m of t.played) played.push(m);
      this.talking = false;
    }
    return played;
  }

  /** One ptime: send the next frame (or event packet) to `to`, or advance the clock in silence. */
  /** Audio frames dropped after frame-clock stalls (see catchUp). */
  framesDroppedCatchingUp = 0;

  tick(socket: Socket, to: { address: string; port: number } | undefined, canSend: boolean, nowMs: number): void {
    if (this.dtmf.length > 0) {
      // An RFC 4733 event replaces audio while it plays; queued audio waits (it is not consumed).
      this.playedMarks = [];
      // The event's packets carry its start timestamp; the audio clock keeps running underneath (§2.5.1.2).
      const p = this.dtmf.shift() as DtmfPacket;
      this.lastArrivedAt = Number.NaN;
      if (canSend && to) this.sendPacket(socket, to, this.o.telephoneEventPt as number, p.ts, p.marker, p.payload, nowMs);
      this.ts = (this.ts + this.tsStep) >>> 0;
      this.talking = false;
      return;
    }
    const { played, frame, arrivedAt } = this.pacer.next();
    this.playedMarks = played;
    this.lastArrivedAt = arrivedAt;
    const pcm = frame ?? (this.o.keepalive === 'silence' ? this.silence : undefined);
    if (!pcm || !canSend || !to) {
      this.ts = (this.ts + this.tsStep) >>> 0;
      this.talking = false;
      return;
    }
    this.lastFrame = pcm;
    const codecPcm = this.resampler ? this.resampler.process(pcm) : pcm;
    const payload = this.o.codec.encode(codecPcm);
    // RFC 3551 §4.1: marker on the first packet of a talkspurt (after a gap in sending).
    this.sendPacket(socket, to, this.o.payloadType, this.ts, !this.talking, payload, nowMs);
    this.talking = true;
    this.ts = (this.ts + this.tsStep) >>> 0;
  }

  private sendPacket(socket: Socket, to: { address: string; port: number }, pt: number, ts: number, marker: boolean, payload: Uint8Array, nowMs: number): void {
    writeRtpHeader(this.header, 0, { pt, seq: this.seq, ts, ssrc: this.ssrc, marker });
    this.seq = (this.seq + 1) & 0xffff;
    const len = RTP_FIXED_HEADER_LENGTH + payload.length;
    let buf = this.ring[this.ringAt] as Buffer;
    if (buf.length < len) buf = this.ring[this.ringAt] = Buffer.allocUnsafe(Math.max(len, 2 * buf.length));
    this.ringAt = (this.ringAt + 1) % this.ring.length;
    this.header.copy(buf, 0);
    buf.set(payload, RTP_FIXED_HEADER_LENGTH);
    let packet: Buffer = buf.length === len ? buf : buf.subarray(0, len);
    if (this.o.srtp) packet = this.o.srtp.protectRtp(packet);
    socket.send(packet, to.port, to.address);
    if (this.probe) {
      const wall = performance.now();
      if (this.lastWallMs >= 0) this.probe.recordMs(Math.abs(wall - this.lastWallMs - this.o.ptimeMs));
      this.lastWallMs = wall;
    }
    this.packetsSent++;
    this.octetsSent += payload.length;
    this.lastSentAtMs = nowMs;
    this.lastSentTs = ts;
  }
}
