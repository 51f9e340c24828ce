/**
 * One call's media on the data plane: the RTP/RTCP sockets, the receive and send paths, RTCP, symmetric-RTP
 * latching, the inactivity timeout, and the audio application on the far side (echo/tone now, the agent link
 * later). It ticks on the thread's FrameScheduler once per ptime.
 *
 * NAT (symmetric RTP, RFC 4961 spirit): with `symmetricRtp`, we send to where valid media actually comes from,
 * latching on the first packet that passes SRTP/RTP checks, and re-latching only after the current source
 * has been silent for `relatchAfterMs` (so a stray packet cannot hijack the stream).
 */
import { createSrtpContexts, type SrtpContexts } from './srtp/index.js';
import { createCodec } from './codec/codec.js';
import type { Timers } from '../shared/timers.js';
import type { FrameScheduler, Tickable } from './frame-scheduler.js';
import { createApp, type AppProvider, type AppSink } from './apps/media-app.js';
import { createLocalSource, type LocalSource } from './apps/local-audio.js';
import { WavWriter } from './apps/wav-writer.js';
import type { LocalAudio, MediaOptions, MediaSpec, MediaStats, PlaneEvent } from './plane/protocol.js';
import { ReceivePath } from './receive-path.js';
import { CATCH_UP_BURST, SendPath } from './send-path.js';
import { RtcpAgent } from './rtcp-agent.js';
import { RealtimePlayout } from './realtime-playout.js';
import { isRtcpPacket } from './rtp/rtp-packet.js';
import type { RtpSockets } from './rtp-sockets.js';
import { join } from 'node:path';
import type { MediaProbe } from './media-probe.js';

export interface MediaSessionInit {
  id: string;
  port: number;
  sockets: RtpSockets;
  timers: Timers;
  scheduler: FrameScheduler;
  probe?: MediaProbe;
  apps?: AppProvider;
  emit(ev: PlaneEvent): void;
  onClosed(): void;
}

/** RTP clock rate per codec (RFC 3551: G.722 uses 8000 although it samples at 16 kHz). */
const CLOCK_RATE = { PCMU: 8000, PCMA: 8000, G722: 8000 } as const;
const RELATCH_AFTER_MS = 500;

interface Running {
  media: MediaSpec;
  options: MediaOptions;
  recv: ReceivePath;
  send: SendPath;
  rtcp: RtcpAgent;
  app: AppSink;
  srtp?: SrtpContexts;
  recIn?: WavWriter;
  recOut?: WavWriter;
  frameSamples: number;
  startedAt: number;
  firstAudioOutMs?: number;
  appStats?: Record<string, number>;
  lastTickAt: number;
  /** Ringback or a prompt, heard while the application is silent. */
  local?: LocalSource;
  /** Frames in a row in which the application queued nothing (ringback waits for a few). */
  idleFrames: number;
  /** The pushed application's queue with the delay a real-time stream does not need taken off (PlayoutControl). */
  playout: RealtimePlayout;
}

/** Extra frames asked of a pulled application after a stall: the send path's catch-up burst. */
const MAX_CATCH_UP_PULLS = CATCH_UP_BURST;
/** Ringback resumes after this many frames of agent silence (so it never chops the agent's words). */
const RINGBACK_AFTER_IDLE_FRAMES = 10;
/** A bridged peer's audio beyond this much queued is dropped (latency stays bounded across clock skew). */
const BRIDGE_MAX_QUEUED_MS = 120;

export class MediaSession implements Tickable {
  private run?: Running;
  private closed = false;
  private timedOut = false;
  private rtpFrom?: { address: string; port: number; lastAt: number };
  private rtcpFrom?: { address: string; port: number };

  constructor(private readonly s: MediaSessionInit) {
    s.sockets.rtp.on('message', (data, rinfo) => this.onRtp(data, rinfo.address, rinfo.port));
    s.sockets.rtcp.on('message', (data, rinfo) => this.onRtcp(data, rinfo.address, rinfo.port));
  }

  static emptyStats(): MediaStats {
    return { packetsReceived: 0, packetsSent: 0, packetsLost: 0, jitterMs: 0, srtpFailures: 0, concealedFrames: 0, lateFrames: 0, framesDelivered: 0 };
  }

  start(media: MediaSpec, options: MediaOptions): void {
    if (this.closed) return;
    const now = this.s.timers.now();
    const srtp = media.srtp ? createSrtpContexts({ suite: media.srtp.suite, localKey: Buffer.from(media.srtp.localKey), remoteKey: Buffer.from(media.srtp.remoteKey) }) : undefined;
    const clockRate = CLOCK_RATE[media.codec];
    const frameSamples = Math.round((options.pcmRate * media.ptime) / 1000);
    const app = (options.app.kind === 'provided' ? this.s.apps?.create(this.s.id, options.app, options.pcmRate) : undefined)
      ?? createApp(options.app, options.pcmRate);
    const run: Running = {
      media, options, app, srtp, frameSamples, startedAt: now, lastTickAt: -1, idleFrames: 0,
      recv: new ReceivePath({
        codec: createCodec(media.codec), payloadType: media.payloadType, telephoneEventPt: media.telephoneEventPt,
        clockRate, ptimeMs: media.ptime, pcmRate: options.pcmRate, srtp,
        minWaitMs: options.jitterMinMs, maxWaitMs: options.jitterMaxMs,
        onFrame: (pcm) => {
          run.recIn?.write(pcm);
          run.app.onFrame(pcm);
        },
        onDtmf: (ev) => {
          run.app.onDtmf?.(ev.digit, ev.durationMs);
          this.s.emit({ ev: 'dtmf', id: this.s.id, digit: ev.digit, durationMs: ev.durationMs });
        },
      }),
      send: new SendPath({
        codec: createCodec(media.codec), payloadType: media.payloadType, telephoneEventPt: media.telephoneEventPt,
        ptimeMs: media.ptime, clockRate, pcmRate: options.pcmRate, keepalive: options.keepalive, srtp, maxQueueMs: 60_000,
      }),
    } as Running;
    if (this.s.probe) {
      run.recv.probe = this.s.probe.arrivalToFrame;
      run.send.probe = this.s.probe.pacingJitter;
      run.send.counters = this.s.probe.send;
    }
    run.rtcp = new RtcpAgent(run.send, run.recv, clockRate, options.rtcpIntervalMs, srtp, now);
    run.playout = new RealtimePlayout({
      pacer: run.send.pacer, frameMs: media.ptime, frameSamples, stepMs: this.s.scheduler.stepMs, now: () => this.s.timers.now(),
      ...(this.s.probe ? { probe: this.s.probe } : {}),
    });
    if (options.recordDir) {
      run.recIn = new WavWriter(join(options.recordDir, `${this.s.id}-in.wav`), options.pcmRate);
      run.recOut = new WavWriter(join(options.recordDir, `${this.s.id}-out.wav`), options.pcmRate);
    }
    this.run = run;
    this.attach(run, app);
    this.s.scheduler.add(this, media.ptime, now);
  }

  private attach(run: Running, app: AppSink): void {
    const playout = run.playout;
    playout.clear();
    app.attach?.({ play: (pcm) => playout.play(pcm), mark: (name) => run.send.pacer.mark(name), clear: () => playout.clear() });
  }

  get pcmRate(): number | undefined {
    return this.run?.options.pcmRate;
  }

  get started(): boolean {
    return this.run !== undefined && !this.closed;
  }

  /** Replace the application (e.g. with a bridge): the old one is closed and its queued audio dropped. */
  setApp(app: AppSink): void {
    const run = this.run;
    if (!run || this.closed) return;
    const old = run.app;
    run.appStats = old.stats?.();
    run.app = app;
    old.close?.();
    run.local = undefined;
    this.attach(run, app); // drops the old application's queued audio
  }

  /** Ringback, a prompt, or nothing (protocol LocalAudio). A prompt that cannot be read ends at once with an error. */
  playLocal(audio: LocalAudio): void {
    const run = this.run;
    if (!run || this.closed) return;
    try {
      run.local = createLocalSource(audio, run.options.pcmRate);
    } catch (e) {
      run.local = undefined;
      this.s.emit({ ev: 'localDone', id: this.s.id, error: e instanceof Error ? e.message : String(e) });
    }
  }

  /** PCM from a bridged peer: queued like an agent's audio, bounded so latency cannot build up. */
  relay(pcm: Int16Array): void {
    const run = this.run;
    if (!run || this.closed) return;
    if (run.send.pacer.queuedSamples > (BRIDGE_MAX_QUEUED_MS * run.options.pcmRate) / 1000) return;
    run.send.pacer.enqueue(pcm);
  }

  /** A re-INVITE changed the stream (hold/unhold, a new remote address): keep codec state, follow the new spec. */
  update(media: MediaSpec): void {
    const run = this.run;
    if (!run) return;
    if (media.remoteAddress !== run.media.remoteAddress || media.remotePort !== run.media.remotePort) this.rtpFrom = undefined;
    run.media = { ...run.media, remoteAddress: media.remoteAddress, remotePort: media.remotePort, rtcpPort: media.rtcpPort, direction: media.direction };
  }

  sendDtmf(digit: string, durationMs: number): void {
    this.run?.send.queueDtmf(digit, durationMs);
  }

  private receiving(): boolean {
    const d = this.run?.media.direction;
    return d === 'sendrecv' || d === 'recvonly';
  }

  private sending(): boolean {
    const d = this.run?.media.direction;
    return d === 'sendrecv' || d === 'sendonly';
  }

  private rtpTarget(): { address: string; port: number } | undefined {
    const run = this.run;
    if (!run) return undefined;
    if (run.options.symmetricRtp && this.rtpFrom) return this.rtpFrom;
    if (run.media.remotePort === 0 || run.media.remoteAddress === '0.0.0.0' || run.media.remoteAddress === '::') return undefined;
    const c = this.sdpTarget;
    if (c && c.address === run.media.remoteAddress && c.port === run.media.remotePort) return c;
    return (this.sdpTarget = { address: run.media.remoteAddress, port: run.media.remotePort });
  }
  private sdpTarget?: { address: string; port: number };
  private rtcpCache?: { address: string; port: number };

  private rtcpTarget(): { address: string; port: number } | undefined {
    const run = this.run;
    if (!run) return undefined;
    if (run.media.rtcpMux) return this.rtpTarget();
    if (run.options.symmetricRtp && this.rtcpFrom) return this.rtcpFrom;
    const rtp = this.rtpTarget();
    if (!rtp) return undefined;
    const port = run.media.rtcpPort || rtp.port + 1;
    const c = this.rtcpCache;
    if (c && c.address === rtp.address && c.port === port) return c;
    return (this.rtcpCache = { address: rtp.address, port });
  }

  private onRtp(data: Buffer, address: string, port: number): void {
    const run = this.run;
    if (!run || this.closed) return;
    const now = this.s.timers.now();
    if (run.media.rtcpMux && isRtcpPacket(data)) return this.onRtcp(data, address, port);
    const from = this.rtpFrom;
    const sameSource = from !== undefined && from.address === address && from.port === port;
    if (from && !sameSource && now - from.lastAt < RELATCH_AFTER_MS) return; // not our latched source
    if (!run.recv.packet(data, now)) return;
    if (sameSource) from.lastAt = now;
    else this.rtpFrom = { address, port, lastAt: now };
  }

  private onRtcp(data: Buffer, address: string, port: number): void {
    const run = this.run;
    if (!run || this.closed) return;
    this.rtcpFrom = { address, port };
    run.rtcp.packet(data, this.s.timers.now());
  }

  tick(nowMs: number): void {
    const run = this.run;
    if (!run || this.closed) return;
    run.recv.tick(nowMs);
    // Ticks the clock missed during a stall: the send path catches up (a short burst, or drops; SendPath.catchUp).
    const missed = run.lastTickAt < 0 ? 0 : Math.max(0, Math.round((nowMs - run.lastTickAt) / run.media.ptime) - 1);
    run.lastTickAt = nowMs;
    if (this.sending()) {
      // A pulled application (echo, tone) gives the missed frames too, so a short stall loses none of them.
      for (let k = run.app.attach ? 0 : Math.min(missed, MAX_CATCH_UP_PULLS); k >= 0; k--) {
        const pulled = run.app.pull(run.frameSamples);
        if (pulled) run.send.pacer.enqueue(pulled);
        else {
          if (run.local) this.pullLocal(run);
          break;
        }
      }
    }
    const pushed = run.app.attach !== undefined;
    if (missed > 0) {
      // The late frames go out in a short burst (the far end's jitter buffer absorbs it); older ones are dropped.
      const queuedBefore = run.send.pacer.queuedSamples;
      const played = run.send.catchUp(missed, this.s.sockets.rtp, this.rtpTarget(), this.sending(), nowMs);
      if (played.length > 0) run.app.marksPlayed?.(played);
      // A real-time stream's audio for the slots that found nothing queued is still on its way: late when it comes.
      if (pushed) run.playout.stalled(missed, Math.round((queuedBefore - run.send.pacer.queuedSamples) / run.frameSamples));
    }
    if (pushed) this.dropLate(run);
    const before = run.send.packetsSent;
    const queued = run.send.pacer.queuedSamples > 0;
    run.send.tick(this.s.sockets.rtp, this.rtpTarget(), this.sending(), nowMs);
    if (run.send.packetsSent > before) {
      if (queued && run.firstAudioOutMs === undefined) run.firstAudioOutMs = nowMs - run.startedAt;
      run.recOut?.write(run.send.lastFrame ?? new Int16Array(run.frameSamples));
    }
    if (run.send.playedMarks.length > 0) run.app.marksPlayed?.(run.send.playedMarks);
    if (pushed) this.controlPlayout(run, nowMs);
    run.rtcp.tick(this.s.sockets.rtcp, this.rtcpTarget(), nowMs);
    this.checkInactivity(run, nowMs);
  }

  private pullLocal(run: Running): void {
    const local = run.local;
    if (!local) return;
    if (run.send.pacer.queuedSamples > 0) {
      run.idleFrames = 0;
      return;
    }
    run.idleFrames++;
    if (local.waitsForSilence && run.idleFrames < RINGBACK_AFTER_IDLE_FRAMES) return;
    const pcm = local.pull(run.frameSamples);
    if (pcm) return run.send.pacer.enqueue(pcm);
    run.local = undefined;
    this.s.emit({ ev: 'localDone', id: this.s.id });
  }

  /** A pushed real-time stream's delay that nothing needs: whole frames of it dropped, the rest taken off the send slot. */
  private controlPlayout(run: Running, nowMs: number): void {
    const adj = run.playout.afterSend(nowMs, run.send.lastArrivedAt);
    if (adj) {
      run.send.framesDroppedCatchingUp += adj.dropFrames;
      this.s.scheduler.advance(this, adj.advanceMs);
    }
    const played = run.playout.takePlayed();
    if (played) run.app.marksPlayed?.(played);
  }

  /** A real-time stream's frames whose send slots passed while it was late: dropped before this tick sends. */
  private dropLate(run: Running): void {
    run.send.framesDroppedCatchingUp += run.playout.beforeSend();
    const played = run.playout.takePlayed();
    if (played) run.app.marksPlayed?.(played);
  }

  /** RTP inactivity: end the call when nothing arrives while we expect to receive (hold does not count). */
  private checkInactivity(run: Running, nowMs: number): void {
    const limit = run.options.inactivityTimeoutMs;
    if (limit <= 0 || this.timedOut || !this.receiving()) return;
    const last = Math.max(run.recv.lastPacketAt, run.startedAt);
    if (nowMs - last > limit) {
      this.timedOut = true;
      this.s.emit({ ev: 'ended', id: this.s.id, reason: 'media-timeout' });
    }
  }

  close(): MediaStats {
    const run = this.run;
    if (!this.closed) {
      this.closed = true;
      this.s.scheduler.remove(this);
      if (run) run.rtcp.bye(this.s.sockets.rtcp, this.rtcpTarget(), this.s.timers.now());
      const appStats = run?.app.stats?.();
      if (run && appStats) run.appStats = appStats;
      run?.app.close?.();
      run?.recIn?.close();
      run?.recOut?.close();
      this.s.sockets.rtp.close();
      this.s.sockets.rtcp.close();
      this.s.onClosed();
    }
    if (!run) return MediaSession.emptyStats();
    const c = run.recv.buffer.counters;
    const stats: MediaStats = {
      packetsReceived: run.recv.stats.received, packetsSent: run.send.packetsSent, packetsLost: Math.max(0, run.recv.stats.cumulativeLost),
      jitterMs: run.recv.stats.jitterMs, srtpFailures: run.recv.srtpFailures, concealedFrames: c.concealed, lateFrames: c.late,
      framesDelivered: run.recv.framesDelivered,
    };
    if (run.rtcp.rttMs !== undefined) stats.rttMs = run.rtcp.rttMs;
    if (run.firstAudioOutMs !== undefined) stats.firstAudioOutMs = run.firstAudioOutMs;
    if (run.appStats) stats.app = run.appStats;
    return stats;
  }
}
