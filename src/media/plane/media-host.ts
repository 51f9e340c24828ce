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
import type { AppProvider, AppSink } from '../apps/media-app.js';
import { Resampler } from '../codec/resampler.js';

export interface MediaHostOptions {
  host: string;
  portMin: number;
  portMax: number;
  timers: Timers;
  emit(ev: PlaneEvent): void;
  apps?: AppProvider;
  /** Ports tried per allocation before the range counts as exhausted. Default 256. */
  maxBindAttempts?: number;
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
      case 'local':
        this.sessions.get(cmd.id)?.playLocal(cmd.audio);
        return;
      case 'bridge':
        return this.bridge(cmd.id, cmd.peer);
      case 'close':
        return this.close(cmd.id);
      case 'app':
        this.opts.apps?.command(cmd.id, cmd.payload, (payload) => this.opts.emit({ ev: 'app', id: cmd.id, payload }));
        return;
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
    // Ports held by other processes (e.g. ephemeral ports, when the range overlaps ip_local_port_range) are
    // skipped and go to the back of the pool; give up only after trying a good share of the range.
    const tries = Math.min(this.ports.available, this.opts.maxBindAttempts ?? 256);
    for (let attempt = 0; attempt < tries; attempt++) {
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
        ...(this.opts.apps ? { apps: this.opts.apps } : {}),
        emit: (ev) => this.opts.emit(ev),
        onClosed: () => {
          this.opts.apps?.release(id);
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

  /** Two answered calls of this thread relay their PCM to each other (a bridged transfer); apps are closed. */
  private bridge(id: string, peerId: string): void {
    const a = this.sessions.get(id);
    const b = this.sessions.get(peerId);
    if (!a?.started || !b?.started || a === b) {
      return this.opts.emit({ ev: 'failed', id, code: 'MEDIA_BRIDGE', message: `cannot bridge ${id} and ${peerId}: both must be running on this thread` });
    }
    a.setApp(bridgeApp(a, b));
    b.setApp(bridgeApp(b, a));
  }

  private close(id: string): void {
    const s = this.sessions.get(id);
    if (!s) {
      this.opts.apps?.release(id);
      return this.opts.emit({ ev: 'closed', id, stats: MediaSession.emptyStats() });
    }
    const stats = s.close();
    this.opts.emit({ ev: 'closed', id, stats });
  }
}

/** Sends what `from` hears to `to`, resampled when their PCM rates differ (each side transcodes to its codec). */
function bridgeApp(from: MediaSession, to: MediaSession): AppSink {
  const inRate = from.pcmRate ?? 8000;
  const outRate = to.pcmRate ?? 8000;
  const resampler = inRate === outRate ? undefined : new Resampler(inRate, outRate);
  return {
    onFrame: (pcm) => to.relay(resampler ? resampler.process(pcm) : pcm),
    pull: () => undefined,
  };
}
