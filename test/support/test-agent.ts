/**
 * A real voice-AI agent for end-to-end tests: a WebSocket server (package `ws`) on 127.0.0.1, port chosen by
 * the OS, speaking either dialect of docs/agent-protocol.md. It records every frame it receives with its
 * arrival time (performance.now()) and the caller's audio (μ-law decoded for twilio, little-endian PCM for
 * l16), and does what the test asks: echo audio at once, play a PCM buffer (20 ms frames or one chunk) and a
 * mark, clear, hang up, close or crash the socket. Before the upgrade it can refuse (HTTP 503) or hang
 * (accept the TCP connection and never answer).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { decodeUlaw, encodeUlaw } from '../../src/media/codec/g711.js';
import { within } from './ua-pair.js';

export type AgentDialect = 'twilio' | 'l16';
/** accept: complete the WebSocket upgrade; refuse: answer it with HTTP 503; hang: read it and never answer. */
export type AgentMode = 'accept' | 'refuse' | 'hang';
export type Json = Record<string, unknown>;

export interface ReceivedFrame {
  /** performance.now() when the frame arrived. */
  at: number;
  /** Text frames, parsed (undefined when not a JSON object). */
  json?: Json;
  text?: string;
  /** Binary frames (l16 audio). */
  bytes?: Buffer;
}

export interface UpgradeRequest {
  at: number;
  url: string;
  headers: IncomingMessage['headers'];
}

export interface PlayOptions {
  /** frames: one message per 20 ms of audio (default); whole: the buffer as one message. */
  chunks?: 'frames' | 'whole';
  /** A mark sent right after the audio. */
  mark?: string;
}

const FRAME_MS = 20;

function parseObject(text: string): Json | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

/** One call's WebSocket, as the agent sees it. */
export class AgentConnection {
  readonly frames: ReceivedFrame[] = [];
  /** The caller's audio, one entry per media frame received, at the dialect's rate. */
  readonly audio: { at: number; pcm: Int16Array }[] = [];
  readonly openedAt = performance.now();
  /** Echo every audio frame back at once. */
  echo: boolean;
  start?: Json;
  closedAt?: number;
  closeCode?: number;
  readonly closed: Promise<{ code: number; at: number }>;
  private waiters: { pred: (f: ReceivedFrame) => boolean; resolve: (f: ReceivedFrame) => void }[] = [];

  constructor(readonly ws: WebSocket, readonly dialect: AgentDialect, readonly request: UpgradeRequest, echo: boolean,
    private readonly onStart: ((c: AgentConnection) => void) | undefined) {
    this.echo = echo;
    ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(Buffer.from(data), isBinary));
    this.closed = new Promise((resolve) => {
      ws.on('close', (code) => {
        this.closedAt = performance.now();
        this.closeCode = code;
        resolve({ code, at: this.closedAt });
      });
    });
    ws.on('error', () => undefined);
  }

  /** twilio: the streamSid of `start`. */
  get streamSid(): string | undefined {
    const s = this.start?.start as Json | undefined;
    return typeof s?.streamSid === 'string' ? s.streamSid : undefined;
  }

  /** Switchboard's call id, from `start` (twilio: customParameters.callId). */
  get callId(): string | undefined {
    const params = (this.start?.start as Json | undefined)?.customParameters as Json | undefined;
    const id = this.dialect === 'twilio' ? params?.callId : this.start?.callId;
    return typeof id === 'string' ? id : undefined;
  }

  /** Samples per second of the audio both ways: 8000 for twilio, `sampleRate` of the l16 start frame. */
  get sampleRate(): number {
    const r = this.start?.sampleRate;
    return this.dialect === 'l16' && typeof r === 'number' ? r : 8000;
  }

  private onMessage(data: Buffer, isBinary: boolean): void {
    const at = performance.now();
    const frame: ReceivedFrame = { at };
    if (isBinary) {
      frame.bytes = data;
      if (this.dialect === 'l16' && data.length % 2 === 0) {
        const pcm = new Int16Array(data.length / 2);
        for (let i = 0; i < pcm.length; i++) pcm[i] = data.readInt16LE(i * 2);
        this.audio.push({ at, pcm });
        if (this.echo) this.ws.send(data, { binary: true });
      }
    } else {
      frame.text = data.toString('utf8');
      const json = parseObject(frame.text);
      if (json) frame.json = json;
      if (json?.event === 'start') this.start = json;
      if (json?.event === 'media' && this.dialect === 'twilio') {
        const payload = (json.media as Json | undefined)?.payload;
        if (typeof payload === 'string') {
          const ulaw = Buffer.from(payload, 'base64');
          const pcm = new Int16Array(ulaw.length);
          decodeUlaw(ulaw, pcm);
          this.audio.push({ at, pcm });
          if (this.echo) this.sendJson({ event: 'media', streamSid: this.streamSid, media: { payload } });
        }
      }
    }
    this.frames.push(frame);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(frame)) return true;
      w.resolve(frame);
      return false;
    });
    if (frame.json?.event === 'start') this.onStart?.(this);
  }

  /** Text frames whose `event` is `name`, in arrival order. */
  events(name: string): ReceivedFrame[] {
    return this.frames.filter((f) => f.json?.event === name);
  }

  /** The first frame (already received or still to come) for which `pred` holds. */
  waitFor(pred: (f: ReceivedFrame) => boolean, what: string, ms = 3000): Promise<ReceivedFrame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return within(new Promise<ReceivedFrame>((resolve) => this.waiters.push({ pred, resolve })), what, ms);
  }

  waitForEvent(name: string, ms = 3000): Promise<ReceivedFrame> {
    return this.waitFor((f) => f.json?.event === name, `the agent to receive "${name}"`, ms);
  }

  /** The caller's audio received in [fromAt, toAt), concatenated. */
  receivedPcm(fromAt = 0, toAt = Infinity): Int16Array {
    const parts = this.audio.filter((a) => a.at >= fromAt && a.at < toAt);
    const out = new Int16Array(parts.reduce((n, p) => n + p.pcm.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p.pcm, o);
      o += p.pcm.length;
    }
    return out;
  }

  /** Sends a JSON text frame; returns when (performance.now()) it was handed to the socket. */
  sendJson(message: Json): number {
    const at = performance.now();
    this.ws.send(JSON.stringify(message));
    return at;
  }

  private sendAudioChunk(pcm: Int16Array): void {
    if (this.dialect === 'twilio') {
      const ulaw = Buffer.alloc(pcm.length);
      encodeUlaw(pcm, ulaw);
      this.sendJson({ event: 'media', streamSid: this.streamSid, media: { payload: ulaw.toString('base64') } });
    } else {
      const bytes = Buffer.alloc(pcm.length * 2);
      for (let i = 0; i < pcm.length; i++) bytes.writeInt16LE(pcm[i] as number, i * 2);
      this.ws.send(bytes, { binary: true });
    }
  }

  /** Plays `pcm` (at the dialect's rate) toward the caller, then the mark if asked. Returns the send times. */
  play(pcm: Int16Array, o: PlayOptions = {}): { sentAt: number; markSentAt?: number } {
    const sentAt = performance.now();
    if (o.chunks === 'whole') this.sendAudioChunk(pcm);
    else {
      const frame = (this.sampleRate * FRAME_MS) / 1000;
      for (let i = 0; i < pcm.length; i += frame) this.sendAudioChunk(pcm.subarray(i, i + frame));
    }
    return o.mark === undefined ? { sentAt } : { sentAt, markSentAt: this.mark(o.mark) };
  }

  mark(name: string): number {
    return this.dialect === 'twilio'
      ? this.sendJson({ event: 'mark', streamSid: this.streamSid, mark: { name } })
      : this.sendJson({ event: 'mark', name });
  }

  /** Marks echoed back by Switchboard: name, l16 status ("played" | "cleared"), arrival time. */
  marks(): { name: string; status?: string; at: number }[] {
    return this.events('mark').map((f) => {
      const j = f.json as Json;
      const name = this.dialect === 'twilio' ? (j.mark as Json | undefined)?.name : j.name;
      return { name: String(name), ...(typeof j.status === 'string' ? { status: j.status } : {}), at: f.at };
    });
  }

  /** Digits of the `dtmf` events received, in order. */
  digits(): string[] {
    return this.events('dtmf').map((f) => String(((f.json as Json).dtmf as Json | undefined)?.digit));
  }

  clear(): number {
    return this.dialect === 'twilio' ? this.sendJson({ event: 'clear', streamSid: this.streamSid }) : this.sendJson({ event: 'clear' });
  }

  /** Switchboard's own event: end the call. */
  hangup(): number {
    return this.sendJson({ event: 'hangup' });
  }

  /** A clean WebSocket close. */
  close(code = 1000): void {
    this.ws.close(code, 'agent done');
  }

  /** The agent process dies: the TCP connection goes without a close frame. */
  crash(): void {
    this.ws.terminate();
  }
}

export interface TestAgentOptions {
  dialect: AgentDialect;
  mode?: AgentMode;
  /** New connections echo audio (default false). */
  echo?: boolean;
  /** Runs when a connection's `start` arrives (e.g. to play a greeting). */
  onStart?: (c: AgentConnection) => void;
}

export class TestAgent {
  readonly connections: AgentConnection[] = [];
  readonly upgrades: UpgradeRequest[] = [];
  mode: AgentMode;
  echo: boolean;
  onStart?: (c: AgentConnection) => void;
  /** Connections held open in `hang` mode (they leave this set when Switchboard closes them). */
  readonly held = new Set<Socket>();
  private waiters: ((c: AgentConnection) => void)[] = [];

  private constructor(private readonly server: Server, private readonly wss: WebSocketServer, readonly dialect: AgentDialect, o: TestAgentOptions) {
    this.mode = o.mode ?? 'accept';
    this.echo = o.echo ?? false;
    if (o.onStart) this.onStart = o.onStart;
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => this.onUpgrade(req, socket, head));
  }

  static async start(o: TestAgentOptions): Promise<TestAgent> {
    const server = createServer((_req, res) => res.writeHead(426).end());
    const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
    const agent = new TestAgent(server, wss, o.dialect, o);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return agent;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `ws://127.0.0.1:${this.port}/agent`;
  }

  private onUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): void {
    const upgrade: UpgradeRequest = { at: performance.now(), url: req.url ?? '', headers: req.headers };
    this.upgrades.push(upgrade);
    socket.on('error', () => undefined);
    if (this.mode === 'hang') {
      this.held.add(socket);
      // Switchboard giving up ends its side (FIN); the upgrade socket is half-open, so end ours too.
      socket.on('end', () => socket.destroy());
      socket.on('close', () => this.held.delete(socket));
      return;
    }
    if (this.mode === 'refuse') {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const c = new AgentConnection(ws, this.dialect, upgrade, this.echo, (conn) => this.onStart?.(conn));
      this.connections.push(c);
      for (const w of this.waiters.splice(0)) w(c);
    });
  }

  /** The next connection to open (or the first not yet taken when `index` is given). */
  connection(index: number, ms = 3000): Promise<AgentConnection> {
    const have = this.connections[index];
    if (have) return Promise.resolve(have);
    return within(new Promise<AgentConnection>((resolve) => {
      const check = (): void => {
        const c = this.connections[index];
        if (c) resolve(c);
        else this.waiters.push(check);
      };
      check();
    }), `agent connection #${index}`, ms);
  }

  /** A connection whose `start` arrived, once it has. */
  async started(index: number, ms = 3000): Promise<AgentConnection> {
    const c = await this.connection(index, ms);
    await c.waitForEvent('start', ms);
    return c;
  }

  async close(): Promise<void> {
    for (const s of this.held) s.destroy();
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function startTestAgent(o: TestAgentOptions): Promise<TestAgent> {
  return TestAgent.start(o);
}

/** A TCP port on 127.0.0.1 where nothing listens (bound by the OS, then released). */
export async function unusedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
