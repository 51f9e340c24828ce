/**
 * The drachtio engine's data-plane thread: a WebSocket server that FreeSWITCH's mod_audio_fork connects to
 * (ws://<host>:<port>/fork/<call id>), and the calls' ForkSessions with their agent links. It speaks the same
 * typed port as the embedded MediaHost (src/media/plane/protocol.ts), so the control plane drives both alike:
 * `allocate` answers with this thread's fork port; `start` runs the application; `local` plays ringback/prompts.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { IncomingMessage } from 'node:http';
import type { Timers } from '../../../shared/timers.js';
import { FrameScheduler } from '../../../media/frame-scheduler.js';
import type { AppProvider } from '../../../media/apps/media-app.js';
import type { PlaneCommand, PlaneEvent } from '../../../media/plane/protocol.js';
import { ForkSession } from './fork-session.js';
import { MediaProbe } from '../../../media/media-probe.js';

export interface ForkHostOptions {
  host: string;
  port: number;
  timers: Timers;
  emit(ev: PlaneEvent): void;
  apps?: AppProvider;
}


const FORK_PATH = /^\/fork\/([A-Za-z0-9-]{1,64})$/;

export class ForkHost {
  private readonly sessions = new Map<string, ForkSession>();
  private readonly scheduler: FrameScheduler;
  private readonly wss: WebSocketServer;
  private readonly listening: Promise<void>;
  /** The agent side's send queue (RTP arrival and pacing probes stay empty: FreeSWITCH does the RTP). */
  private readonly probe = new MediaProbe();

  constructor(private readonly o: ForkHostOptions) {
    this.scheduler = new FrameScheduler(o.timers);
    this.wss = new WebSocketServer({ host: o.host, port: o.port, perMessageDeflate: false, maxPayload: 1 << 20 });
    this.listening = new Promise((resolve, reject) => {
      this.wss.once('listening', () => resolve());
      this.wss.once('error', reject);
    });
    this.wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
      const id = FORK_PATH.exec(req.url ?? '')?.[1];
      const s = id ? this.sessions.get(id) : undefined;
      if (!s) return void ws.close(1008, 'unknown call');
      s.attachSocket(ws);
    });
  }

  ready(): Promise<void> {
    return this.listening;
  }

  async handle(cmd: PlaneCommand): Promise<void> {
    const { emit } = this.o;
    switch (cmd.op) {
      case 'allocate': {
        await this.listening;
        this.sessions.set(cmd.id, new ForkSession({ id: cmd.id, scheduler: this.scheduler, now: () => this.o.timers.now(), emit, probe: this.probe, ...(this.o.apps ? { apps: this.o.apps } : {}) }));
        return emit({ ev: 'allocated', id: cmd.id, port: this.o.port });
      }
      case 'start':
        return this.sessions.get(cmd.id)?.start(cmd.options);
      case 'local':
        return this.sessions.get(cmd.id)?.playLocal(cmd.audio);
      case 'app':
        this.o.apps?.command(cmd.id, cmd.payload, (payload) => emit({ ev: 'app', id: cmd.id, payload }));
        return;
      case 'close': {
        const s = this.sessions.get(cmd.id);
        this.sessions.delete(cmd.id);
        const stats = s?.close();
        if (!s) this.o.apps?.release(cmd.id);
        return emit({ ev: 'closed', id: cmd.id, stats: stats ?? { packetsReceived: 0, packetsSent: 0, packetsLost: 0, jitterMs: 0, srtpFailures: 0, concealedFrames: 0, lateFrames: 0, framesDelivered: 0 } });
      }
      case 'probe':
        emit({ ev: 'probe', id: '', summary: this.probe.summary(this.sessions.size, this.scheduler.maxLateMs) });
        if (cmd.reset) {
          this.probe.reset();
          this.scheduler.maxLateMs = 0;
        }
        return;
      case 'shutdown':
        for (const id of [...this.sessions.keys()]) await this.handle({ op: 'close', id });
        await new Promise<void>((resolve) => this.wss.close(() => resolve()));
        return;
      // RTP-only commands (update, sendDtmf, bridge) have no meaning here: FreeSWITCH does them.
      default:
        return;
    }
  }
}
