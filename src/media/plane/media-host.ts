/**
 * The data-plane side of the port: owns the media sessions of one thread (a worker, or the main thread when
 * `media.workers` is 0), their ports and their frame clock, and turns commands into session calls.
 */
import type { Timers } from '../../shared/timers.js';
import { FrameScheduler } from '../frame-scheduler.js';
import { MediaProbe } from '../media-probe.js';
import { MediaSession } from '../media-session.js';
import { bindRtpPair } from '../rtp-sockets.js';
import { PortPool } from '../port-pool.js';
import type { PlaneCommand, PlaneEvent } from './protocol.js';

export interface MediaHostOptions {
  host: string;
  portMin: number;
  portMax: number;
  timers: Timers;
  emit(ev: PlaneEvent): void;
}

export class MediaHost {
  private readonly sessions = new Map<string, MediaSession>();
  private readonly ports: PortPool;
  private readonly scheduler: FrameScheduler;
  private readonly probe = new MediaProbe();

  constructor(private readonly opts: MediaHostOptions) {
    this.ports = new PortPool(opts.portMin, opts.portMax);
    this.scheduler = new FrameScheduler(opts.timers);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get openPorts(): number {
    return this.ports.inUse;
  }

  async handle(cmd: PlaneCommand): Promise<void> {
    switch (cmd.op) {
      case 'allocate':
        return this.allocate(cmd.id);
      case 'start': {
        const s = this.sessions.get(cmd.id);
        if (!s) return this.opts.emit({ ev: 'failed', id: cmd.id, code: 'MEDIA_START', message: 'no allocated session' });
        try {
          s.start(cmd.media, cmd.options);
        } catch (e) {
          this.opts.emit({ ev: 'failed', id: cmd.id, code: 'MEDIA_START', message: e instanceof Error ? e.message : String(e) });
        }
        return;
      }
      case 'update':
        this.sessions.get(cmd.id)?.update(cmd.media);
        return;
      case 'sendDtmf':
        this.sessions.get(cmd.id)?.sendDtmf(cmd.digit, cmd.durationMs);
        return;
      case 'close':
        return this.close(cmd.id);
      case 'probe':
        this.opts.emit({ ev: 'probe', id: '', summary: this.probe.summary(this.sessions.size, this.scheduler.maxLateMs) });
        if (cmd.reset) {
          this.probe.reset();
          this.scheduler.maxLateMs = 0;
        }
        return;
      case 'shutdown':
        for (const id of [...this.sessions.keys()]) this.close(id);
        return;
    }
  }

  private async allocate(id: string): Promise<void> {
    // Ports held by other processes are skipped; a few tries before the range counts as exhausted.
    for (let attempt = 0; attempt < 16; attempt++) {
      let port: number;
      try {
        port = this.ports.take();
      } catch {
        break;
      }
      const pair = await bindRtpPair(this.opts.host, port);
      if (!pair) {
        this.ports.release(port);
        continue;
      }
      const session = new MediaSession({
        id, port, sockets: pair, timers: this.opts.timers, scheduler: this.scheduler, probe: this.probe,
        emit: (ev) => this.opts.emit(ev),
        onClosed: () => {
          this.sessions.delete(id);
          this.ports.release(port);
        },
      });
      this.sessions.set(id, session);
      this.opts.emit({ ev: 'allocated', id, port });
      return;
    }
    this.opts.emit({ ev: 'failed', id, code: 'MEDIA_PORTS_EXHAUSTED', message: 'no free media port in the configured range' });
  }

  private close(id: string): void {
    const s = this.sessions.get(id);
    if (!s) return this.opts.emit({ ev: 'closed', id, stats: MediaSession.emptyStats() });
    const stats = s.close();
    this.opts.emit({ ev: 'closed', id, stats });
  }
}
