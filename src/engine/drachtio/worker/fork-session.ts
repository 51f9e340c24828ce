/**
 * One call's audio on the drachtio engine: FreeSWITCH forks the caller's audio to us over a WebSocket
 * (mod_audio_fork, L16 at the call's PCM rate) and plays what we send back on the same socket (its
 * bidirectional streaming mode). The application on our side is the same as on the embedded engine (the agent
 * link, or echo/tone): this class is the embedded MediaSession with the WebSocket in place of RTP.
 *
 * We pace what we send ourselves (the embedded engine's Pacer, one 20 ms frame per tick), so mod_audio_fork's
 * playout buffer holds only its pre-buffer (80 ms): a mark is reported when its audio was handed to FreeSWITCH,
 * and `clear` drops our queue at once (no killAudio: that would also break the silence playback the channel
 * needs for mod_audio_fork to have frames to replace). Ringback and prompts fill in when the agent is silent.
 */
import type { WebSocket } from 'ws';
import { createApp, type AppProvider, type AppSink, type SendSink } from '../../../media/apps/media-app.js';
import { createLocalSource, type LocalSource } from '../../../media/apps/local-audio.js';
import type { FrameScheduler, Tickable } from '../../../media/frame-scheduler.js';
import { Pacer } from '../../../media/pacer.js';
import { RealtimePlayout } from '../../../media/realtime-playout.js';
import type { MediaProbe } from '../../../media/media-probe.js';
import type { LocalAudio, MediaOptions, MediaStats, PlaneEvent } from '../../../media/plane/protocol.js';

const FRAME_MS = 20;
/** Ringback resumes after this many frames of agent silence. */
const RINGBACK_AFTER_IDLE_FRAMES = 10;
/** Longest agent audio queued (a minute, as on the embedded engine); older audio is dropped first. */
const MAX_QUEUE_FRAMES = 3000;

export interface ForkSessionInit {
  id: string;
  scheduler: FrameScheduler;
  apps?: AppProvider;
  now(): number;
  emit(ev: PlaneEvent): void;
  probe?: MediaProbe;
}

export class ForkSession implements Tickable {
  private ws?: WebSocket;
  private app?: AppSink;
  private options?: MediaOptions;
  private frameSamples = 160;
  /** Caller audio not yet a whole frame. */
  private rx = new Int16Array(0);
  /** The application's queued audio, one frame out per tick (made in start(), at the call's PCM rate). */
  private pacer = new Pacer({ frameSamples: 160, maxQueueFrames: MAX_QUEUE_FRAMES });
  /** The delay a real-time agent stream does not need, taken off as on the embedded engine (made in start()). */
  private playout?: RealtimePlayout;
  private local?: LocalSource;
  private idleFrames = 0;
  private lastTickAt = -1;
  private closed = false;
  private readonly stats: MediaStats = { packetsReceived: 0, packetsSent: 0, packetsLost: 0, jitterMs: 0, srtpFailures: 0, concealedFrames: 0, lateFrames: 0, framesDelivered: 0 };
  private startedAt = 0;

  constructor(private readonly s: ForkSessionInit) {}

  start(options: MediaOptions): void {
    if (this.closed || this.app) return;
    this.options = options;
    this.startedAt = this.s.now();
    this.frameSamples = Math.round((options.pcmRate * FRAME_MS) / 1000);
    this.pacer = new Pacer({ frameSamples: this.frameSamples, maxQueueFrames: MAX_QUEUE_FRAMES });
    const app = (options.app.kind === 'provided' ? this.s.apps?.create(this.s.id, options.app, options.pcmRate) : undefined)
      ?? createApp(options.app, options.pcmRate);
    this.app = app;
    const pacer = this.pacer;
    const playout = (this.playout = new RealtimePlayout({
      pacer, frameMs: FRAME_MS, frameSamples: this.frameSamples, stepMs: this.s.scheduler.stepMs, now: this.s.now, ...(this.s.probe ? { probe: this.s.probe } : {}),
    }));
    const sink: SendSink = { play: (pcm) => playout.play(pcm), mark: (name) => pacer.mark(name), clear: () => playout.clear() };
    app.attach?.(sink);
    this.s.scheduler.add(this, FRAME_MS, this.startedAt);
  }

  /** FreeSWITCH's mod_audio_fork connected for this call. */
  attachSocket(ws: WebSocket): void {
    if (this.closed) return void ws.close(1000, 'call ended');
    this.ws?.close(1000, 'replaced');
    this.ws = ws;
    // Text frames are mod_audio_fork's own events (its metadata echo, errors): nothing we act on.
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.onAudio(data);
    });
    ws.on('close', () => {
      if (this.ws === ws) this.ws = undefined;
    });
  }

  playLocal(audio: LocalAudio): void {
    try {
      this.local = createLocalSource(audio, this.options?.pcmRate ?? 8000);
    } catch (e) {
      this.local = undefined;
      this.s.emit({ ev: 'localDone', id: this.s.id, error: e instanceof Error ? e.message : String(e) });
    }
  }

  private onAudio(data: Buffer): void {
    const app = this.app;
    if (!app) return;
    this.stats.packetsReceived++;
    const samples = new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + (data.length & ~1)));
    let buf: Int16Array = samples;
    if (this.rx.length > 0) {
      buf = new Int16Array(this.rx.length + samples.length);
      buf.set(this.rx);
      buf.set(samples, this.rx.length);
    }
    const n = this.frameSamples;
    let at = 0;
    for (; at + n <= buf.length; at += n) {
      app.onFrame(buf.subarray(at, at + n));
      this.stats.framesDelivered++;
    }
    this.rx = buf.slice(at);
  }

  private sendFrame(pcm: Int16Array, fromApp: boolean): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== ws.OPEN) return;
    ws.send(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), { binary: true }); // copied by ws before it returns
    this.stats.packetsSent++;
    if (fromApp) this.stats.firstAudioOutMs ??= this.s.now() - this.startedAt;
  }

  tick(nowMs: number): void {
    const app = this.app;
    if (!app || this.closed) return;
    const pulled = app.pull(this.frameSamples);
    if (pulled) this.pacer.enqueue(pulled);
    // Until FreeSWITCH connects, queued audio (the greeting) waits: nothing could play it.
    if (!this.ws || this.ws.readyState !== this.ws.OPEN) return;
    // Frame times this thread missed (a stall): that much queued audio is dropped. Unlike RTP to a phone, a burst
    // would not catch up: mod_audio_fork plays what it gets at its own clock, so a burst stays as delay between
    // the agent and the caller (measured: +100–300 ms that took tens of seconds to go). A real-time stream's audio
    // that was not queued yet is judged when it comes (RealtimePlayout).
    const missed = this.lastTickAt < 0 ? 0 : Math.max(0, Math.round((nowMs - this.lastTickAt) / FRAME_MS) - 1);
    this.lastTickAt = nowMs;
    if (missed > 0) this.catchUp(app, missed);
    const playout = this.playout;
    if (playout && app.attach) playout.beforeSend();
    const t = this.pacer.next();
    if (t.played.length > 0) app.marksPlayed?.(t.played);
    if (t.frame) this.sendFrame(t.frame, true);
    if (playout && app.attach) {
      const adj = playout.afterSend(nowMs, t.arrivedAt);
      if (adj) this.s.scheduler.advance(this, adj.advanceMs);
      const played = playout.takePlayed();
      if (played) app.marksPlayed?.(played);
    }
    if (t.frame) {
      this.idleFrames = 0;
      return;
    }
    this.idleFrames++;
    const local = this.local;
    if (!local || (local.waitsForSilence && this.idleFrames < RINGBACK_AFTER_IDLE_FRAMES)) return;
    const pcm = local.pull(this.frameSamples);
    if (pcm) return this.sendFrame(pcm, false);
    this.local = undefined;
    this.s.emit({ ev: 'localDone', id: this.s.id });
  }

  /** After a stall of `missed` frame times: that many queued frames are dropped (their marks count as played). */
  private catchUp(app: AppSink, missed: number): void {
    const queuedBefore = this.pacer.queuedSamples;
    let dropped = 0;
    for (let i = 0; i < missed && this.pacer.queuedSamples > 0; i++, dropped++) {
      const t = this.pacer.next();
      if (t.played.length > 0) app.marksPlayed?.(t.played);
    }
    this.playout?.droppedAfterStall(dropped);
    if (app.attach) this.playout?.stalled(missed, Math.round((queuedBefore - this.pacer.queuedSamples) / this.frameSamples));
  }

  close(): MediaStats {
    if (!this.closed) {
      this.closed = true;
      this.s.scheduler.remove(this);
      const st = this.app?.stats?.();
      if (st) this.stats.app = st;
      this.app?.close?.();
      this.ws?.close(1000, 'call ended');
    }
    return { ...this.stats };
  }
}
