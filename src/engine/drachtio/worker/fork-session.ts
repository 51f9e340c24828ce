/**
 * One call's audio on the drachtio engine: FreeSWITCH forks the caller's audio to us over a WebSocket
 * (mod_audio_fork, L16 at the call's PCM rate) and plays what we send back on the same socket (its
 * bidirectional streaming mode). The application on our side is the same as on the embedded engine (the agent
 * link, or echo/tone): this class is the embedded MediaSession with the WebSocket in place of RTP.
 *
 * mod_audio_fork buffers and paces what we send (its playout buffer), reports `mark`s when their audio has
 * played (`{"type":"mark","data":{"name","event":"playout"}}`), and drops its buffer on `killAudio` — so agent
 * audio is forwarded at once, marks are FreeSWITCH's own playout marks, and `clear` is a killAudio.
 * Ringback and prompts are streamed by our frame clock when the agent has nothing left to play.
 */
import type { WebSocket } from 'ws';
import { createApp, type AppProvider, type AppSink, type SendSink } from '../../../media/apps/media-app.js';
import { createLocalSource, type LocalSource } from '../../../media/apps/local-audio.js';
import type { FrameScheduler, Tickable } from '../../../media/frame-scheduler.js';
import type { LocalAudio, MediaOptions, MediaStats, PlaneEvent } from '../../../media/plane/protocol.js';

const FRAME_MS = 20;
/** Ringback resumes this long after the agent's last audio has played. */
const RINGBACK_AFTER_MS = 200;
/** Agent audio kept while FreeSWITCH has not connected yet (the greeting): at most this much. */
const MAX_EARLY_MS = 10_000;

export interface ForkSessionInit {
  id: string;
  scheduler: FrameScheduler;
  apps?: AppProvider;
  now(): number;
  emit(ev: PlaneEvent): void;
}

export class ForkSession implements Tickable {
  private ws?: WebSocket;
  private app?: AppSink;
  private options?: MediaOptions;
  private frameSamples = 160;
  /** Caller audio not yet a whole frame. */
  private rx = new Int16Array(0);
  /** Agent audio sent before FreeSWITCH connected. */
  private early: Buffer[] = [];
  private earlyBytes = 0;
  /** When the agent audio already handed to FreeSWITCH will have played (our clock, ms). */
  private busyUntil = 0;
  private readonly pendingMarks: string[] = [];
  private local?: LocalSource;
  private closed = false;
  private readonly stats: MediaStats = { packetsReceived: 0, packetsSent: 0, packetsLost: 0, jitterMs: 0, srtpFailures: 0, concealedFrames: 0, lateFrames: 0, framesDelivered: 0 };
  private startedAt = 0;

  constructor(private readonly s: ForkSessionInit) {}

  start(options: MediaOptions): void {
    if (this.closed || this.app) return;
    this.options = options;
    this.startedAt = this.s.now();
    this.frameSamples = Math.round((options.pcmRate * FRAME_MS) / 1000);
    const app = (options.app.kind === 'provided' ? this.s.apps?.create(this.s.id, options.app, options.pcmRate) : undefined)
      ?? createApp(options.app, options.pcmRate);
    this.setApp(app);
    this.s.scheduler.add(this, FRAME_MS, this.startedAt);
  }

  setApp(app: AppSink): void {
    const old = this.app;
    if (old) {
      const st = old.stats?.();
      if (st) this.stats.app = st;
      old.close?.();
    }
    this.app = app;
    const sink: SendSink = {
      play: (pcm) => this.sendAudio(pcm),
      mark: (name) => this.sendMark(name),
      clear: () => this.clear(),
    };
    app.attach?.(sink);
  }

  /** FreeSWITCH's mod_audio_fork connected for this call. */
  attachSocket(ws: WebSocket): void {
    if (this.closed) return void ws.close(1000, 'call ended');
    this.ws?.close(1000, 'replaced');
    this.ws = ws;
    ws.on('message', (data: Buffer, isBinary: boolean) => (isBinary ? this.onAudio(data) : this.onText(data.toString('utf8'))));
    ws.on('close', () => {
      if (this.ws === ws) this.ws = undefined;
    });
    const early = this.early;
    this.early = [];
    this.earlyBytes = 0;
    for (const b of early) this.sendBinary(b);
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

  private onText(text: string): void {
    let msg: { type?: unknown; data?: { name?: unknown; event?: unknown } };
    try {
      msg = JSON.parse(text) as typeof msg;
    } catch {
      return;
    }
    if (msg.type !== 'mark' || typeof msg.data?.name !== 'string' || msg.data.event !== 'playout') return;
    const i = this.pendingMarks.indexOf(msg.data.name);
    if (i < 0) return;
    const played = this.pendingMarks.splice(0, i + 1); // marks play in order
    this.app?.marksPlayed?.(played);
  }

  private sendAudio(pcm: Int16Array): void {
    const now = this.s.now();
    this.busyUntil = Math.max(this.busyUntil, now) + (pcm.length * 1000) / (this.options?.pcmRate ?? 8000);
    this.stats.firstAudioOutMs ??= now - this.startedAt;
    this.sendBinary(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  }

  private sendBinary(b: Buffer): void {
    const ws = this.ws;
    if (ws && ws.readyState === ws.OPEN) {
      ws.send(b, { binary: true });
      this.stats.packetsSent++;
      return;
    }
    if (this.closed || this.earlyBytes + b.length > ((this.options?.pcmRate ?? 8000) * 2 * MAX_EARLY_MS) / 1000) return;
    this.early.push(Buffer.from(b)); // copied: the caller may reuse its buffer
    this.earlyBytes += b.length;
  }

  private sendJson(msg: Record<string, unknown>): void {
    const ws = this.ws;
    if (ws && ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  }

  private sendMark(name: string): void {
    this.pendingMarks.push(name);
    if (this.ws) this.sendJson({ type: 'mark', data: { name } });
    else this.app?.marksPlayed?.(this.pendingMarks.splice(0)); // nothing can play before FreeSWITCH connects
  }

  private clear(): string[] {
    this.early = [];
    this.earlyBytes = 0;
    this.busyUntil = this.s.now();
    this.sendJson({ type: 'killAudio' });
    this.sendJson({ type: 'clearMarks' });
    return this.pendingMarks.splice(0);
  }

  tick(nowMs: number): void {
    const app = this.app;
    if (!app || this.closed) return;
    const pulled = app.pull(this.frameSamples);
    if (pulled) return this.sendAudio(pulled);
    const local = this.local;
    if (!local || nowMs < this.busyUntil + (local.waitsForSilence ? RINGBACK_AFTER_MS : 0)) return;
    const pcm = local.pull(this.frameSamples);
    if (pcm) {
      // Streamed at the frame clock, so FreeSWITCH's buffer holds at most a frame or two of it.
      this.busyUntil = nowMs;
      this.sendBinary(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
      return;
    }
    this.local = undefined;
    this.s.emit({ ev: 'localDone', id: this.s.id });
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
