/**
 * The WebSocket link to one call's voice-AI agent, on the data plane beside the call's media. It connects
 * (bounded by `connectTimeoutMs`), speaks a dialect (twilio | l16), feeds the caller's audio to the agent and
 * the agent's audio, marks and clears to the media session's send queue. Marks are echoed only when the audio
 * before them has left as RTP (the session reports that), `clear` flushes the queue at once and echoes the
 * pending marks as cleared. A slow agent cannot grow memory: past `maxBufferedBytes` queued on the socket,
 * audio toward it is dropped and counted.
 */
import WebSocket from 'ws';
import type { AgentCallMeta, AgentControlEvent, AgentLinkOptions, AgentSpec } from './agent-spec.js';
import type { AgentFrame, Dialect } from './protocol/dialect.js';
import { L16Dialect } from './protocol/l16.js';
import { TwilioDialect } from './protocol/twilio.js';

export interface AgentLinkEvents {
  connected(ms: number): void;
  failed(reason: string): void;
  /** The agent went away after it had connected. */
  closed(code: number, reason: string): void;
  control(ev: AgentControlEvent): void;
  /** An unknown event arrived (logged at debug by the receiver). */
  ignored?(event: string): void;
}

/** Where the agent's audio goes: the media session's send side. */
export interface AgentAudioSink {
  play(pcm: Int16Array): void;
  mark(name: string): void;
  /** Drops queued audio; returns the marks that were pending. */
  clear(): string[];
}

export interface AgentLinkStats {
  connectMs: number;
  framesToAgent: number;
  framesDroppedSlowAgent: number;
  framesFromAgent: number;
  marks: number;
  clears: number;
  invalidFrames: number;
}

type Pending = { kind: 'audio'; pcm: Int16Array } | { kind: 'mark'; name: string };

export class AgentLink {
  private ws?: WebSocket;
  private readonly dialect: Dialect;
  private sink?: AgentAudioSink;
  /** Agent audio and marks that arrived before the call was answered (a greeting): replayed on attach. */
  private early: Pending[] = [];
  private state: 'connecting' | 'open' | 'closed' = 'connecting';
  private timer?: NodeJS.Timeout;
  private startedAt = 0;
  readonly stats: AgentLinkStats = { connectMs: 0, framesToAgent: 0, framesDroppedSlowAgent: 0, framesFromAgent: 0, marks: 0, clears: 0, invalidFrames: 0 };

  constructor(
    private readonly spec: AgentSpec,
    private readonly meta: AgentCallMeta,
    private readonly opts: AgentLinkOptions,
    private readonly events: AgentLinkEvents,
  ) {
    this.dialect = spec.protocol === 'l16' ? new L16Dialect() : new TwilioDialect(meta);
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  connect(): void {
    this.startedAt = performance.now();
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.spec.url, { headers: this.spec.headers, perMessageDeflate: false, handshakeTimeout: this.opts.connectTimeoutMs });
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
      return;
    }
    this.ws = ws;
    this.timer = setTimeout(() => this.fail('agent connect timeout'), this.opts.connectTimeoutMs);
    ws.on('open', () => {
      if (this.state !== 'connecting') return;
      clearTimeout(this.timer);
      this.state = 'open';
      this.stats.connectMs = performance.now() - this.startedAt;
      for (const f of this.dialect.opening(this.meta, this.spec)) this.send(f);
      this.events.connected(this.stats.connectMs);
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on('error', (e) => {
      if (this.state === 'connecting') this.fail(e.message);
    });
    ws.on('close', (code, reason) => {
      const was = this.state;
      this.state = 'closed';
      clearTimeout(this.timer);
      if (was === 'open') this.events.closed(code, reason.toString());
      else if (was === 'connecting') this.fail(`closed during connect (${code})`);
    });
  }

  private fail(reason: string): void {
    if (this.state !== 'connecting') return;
    this.state = 'closed';
    clearTimeout(this.timer);
    this.ws?.terminate();
    this.events.failed(reason);
  }

  /** The media session is running: agent audio goes there from now on (early audio first). */
  attach(sink: AgentAudioSink): void {
    this.sink = sink;
    for (const p of this.early) p.kind === 'audio' ? sink.play(p.pcm) : sink.mark(p.name);
    this.early = [];
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    const input = this.dialect.parse(data, isBinary);
    switch (input.kind) {
      case 'audio':
        this.stats.framesFromAgent++;
        if (this.sink) this.sink.play(input.pcm);
        else this.early.push(input);
        return;
      case 'mark':
        this.stats.marks++;
        if (this.sink) this.sink.mark(input.name);
        else this.early.push(input);
        return;
      case 'clear': {
        this.stats.clears++;
        const cleared = this.sink ? this.sink.clear() : this.early.filter((p) => p.kind === 'mark').map((p) => (p.kind === 'mark' ? p.name : ''));
        this.early = [];
        for (const name of cleared) this.send(this.dialect.markCleared(name));
        return;
      }
      case 'control':
        this.events.control(input.event);
        return;
      case 'ignored':
        this.events.ignored?.(input.event);
        return;
      default:
        this.stats.invalidFrames++;
    }
  }

  /** One frame of the caller's audio (agent rate). Dropped, not queued, when the agent is not keeping up. */
  sendAudio(pcm: Int16Array): void {
    const ws = this.ws;
    if (this.state !== 'open' || !ws) return;
    if (ws.bufferedAmount > this.opts.maxBufferedBytes) {
      this.stats.framesDroppedSlowAgent++;
      return;
    }
    this.stats.framesToAgent++;
    this.send(this.dialect.audio(pcm));
  }

  sendDtmf(digit: string, durationMs: number): void {
    this.send(this.dialect.dtmf(digit, durationMs));
  }

  marksPlayed(names: readonly string[]): void {
    for (const n of names) this.send(this.dialect.markPlayed(n));
  }

  sendControl(message: Record<string, unknown>): void {
    this.send(this.dialect.control(message));
  }

  private send(frame: AgentFrame): void {
    const ws = this.ws;
    if (this.state !== 'open' || !ws || ws.readyState !== WebSocket.OPEN) return;
    ws.send(frame, { binary: typeof frame !== 'string' });
  }

  close(): void {
    if (this.state === 'open') for (const f of this.dialect.closing()) this.send(f);
    const was = this.state;
    this.state = 'closed';
    clearTimeout(this.timer);
    if (was === 'open') this.ws?.close(1000, 'call ended');
    else this.ws?.terminate();
  }
}
