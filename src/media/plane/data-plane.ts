/**
 * The control plane's handle on the data plane: N worker threads (one per core by default), each with its
 * own slice of the RTP port range, or one in-process host when `workers` is 0 (tests, tiny installs). Calls
 * are placed on the least-loaded worker; all of a call's media stays on it.
 */
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { SwitchboardError } from '../../shared/errors.js';
import { realTimers } from '../../shared/timers.js';
import { MediaHost } from './media-host.js';
import type { LocalAudio, MediaOptions, MediaSpec, MediaStats, PlaneCommand, PlaneEvent } from './protocol.js';
import type { ProbeSummary } from '../media-probe.js';
import type { AppProvider } from '../apps/media-app.js';

export interface DataPlaneOptions {
  host: string;
  portMin: number;
  portMax: number;
  workers: number;
  /**
   * The worker's entry module (a .mjs bootstrap that runs a MediaHost with the thread's AppProvider). Default:
   * the plain media worker (no applications beyond echo/tone).
   */
  workerEntry?: URL;
  /** The AppProvider for the in-process host (workers: 0). */
  apps?: AppProvider;
  /** The in-process host (workers: 0); default a MediaHost. Another engine's host speaks the same commands. */
  createHost?: (o: { host: string; portMin: number; portMax: number; emit: (ev: PlaneEvent) => void }) => PlaneHost;
}

/** What runs a thread's calls: MediaHost (RTP) for the embedded engine, a fork host for the drachtio engine. */
export interface PlaneHost {
  handle(cmd: PlaneCommand): Promise<void>;
}

type Listener = (ev: PlaneEvent) => void;

/**
 * A media worker allocates a little per packet (datagram buffers, frames) at thousands of packets a second; a
 * larger young generation makes scavenges rare, and every scavenge is a pause every session on the thread feels
 * as send jitter (bench:media, 600 calls: pacing jitter p99 2.15 → 1.56 ms, CPU per call 0.084 → 0.072 %).
 */
const WORKER_YOUNG_GENERATION_MB = 64;
/**
 * A media worker keeps little in its old generation (about 15 MB at 250 calls). V8 sets the next full GC just
 * above what survived the last one, so once the young generation has grown, the objects each scavenge promotes
 * are enough to start a mark-compact after every scavenge: 3–13 ms pauses every 600 ms, which arrive as late
 * frames (bench:e2e --dialect l16, 500 calls: from about 30 s into the run, round trip p50 14 → 33 ms). A floor
 * under the old generation's limit keeps full GCs rare. V8 heap flags are process-wide and read when an isolate
 * sets up its heap, so setting it before the workers start applies to them (the main thread's heap is already set).
 */
const WORKER_INITIAL_OLD_SPACE_MB = 64;

interface Lane {
  send(cmd: PlaneCommand): void;
  load: number;
  close(): Promise<void>;
}

export class DataPlane {
  private readonly lanes: Lane[] = [];
  private readonly laneOf = new Map<string, Lane>();
  private readonly listeners = new Map<string, Listener>();
  private readonly pending = new Map<string, { resolve: (v: PlaneEvent) => void }>();
  private probeWaiters: ((s: ProbeSummary) => boolean)[] = [];
  private readonly readiness: Promise<void>[] = [];

  constructor(private readonly opts: DataPlaneOptions) {
    const n = Math.max(0, opts.workers);
    const ranges = splitRange(opts.portMin, opts.portMax, Math.max(1, n));
    if (n === 0) {
      const r = ranges[0] as [number, number];
      const emit = (ev: PlaneEvent): void => this.dispatch(ev);
      const host: PlaneHost = opts.createHost?.({ host: opts.host, portMin: r[0], portMax: r[1], emit }) ?? new MediaHost({
        host: opts.host, portMin: r[0], portMax: r[1], timers: realTimers, emit,
        ...(opts.apps ? { apps: opts.apps } : {}),
      });
      this.lanes.push({ send: (cmd) => void host.handle(cmd), load: 0, close: async () => { await host.handle({ op: 'shutdown' }); } });
      return;
    }
    setFlagsFromString(`--initial-old-space-size=${WORKER_INITIAL_OLD_SPACE_MB}`);
    for (const [min, max] of ranges) {
      const worker = new Worker(opts.workerEntry ?? new URL('./worker-bootstrap.mjs', import.meta.url), { workerData: { host: opts.host, portMin: min, portMax: max }, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } });
      this.readiness.push(new Promise<void>((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (m: { ev: string }) => {
          if (m.ev !== 'ready') return;
          worker.unref(); // referenced while booting, so a caller awaiting ready() keeps the process alive
          resolve();
        });
      }));
      worker.on('message', (ev: PlaneEvent | { ev: 'shutdown-done' } | { ev: 'ready' }) => {
        if ('id' in ev) this.dispatch(ev);
      });
      worker.on('error', (e) => process.emitWarning(`media worker failed: ${e.message}`));
      this.lanes.push({
        send: (cmd) => worker.postMessage(cmd),
        load: 0,
        close: () => new Promise<void>((resolve) => {
          const done = (): void => void worker.terminate().then(() => resolve());
          const t = setTimeout(done, 2000);
          worker.once('message', (m: { ev: string }) => {
            if (m.ev === 'shutdown-done') {
              clearTimeout(t);
              done();
            }
          });
          worker.postMessage({ op: 'shutdown' } satisfies PlaneCommand);
        }),
      });
    }
  }

  /** Resolves when every worker has loaded and can take calls (the first call must not pay for booting). */
  ready(): Promise<void> {
    return Promise.all(this.readiness).then(() => undefined);
  }

  get sessions(): number {
    return this.laneOf.size;
  }

  private dispatch(ev: PlaneEvent): void {
    if (ev.ev === 'probe') {
      const w = this.probeWaiters[0];
      if (w && w(ev.summary)) this.probeWaiters.shift();
      return;
    }
    const key = `${ev.id}|${ev.ev === 'allocated' || ev.ev === 'failed' ? 'alloc' : ev.ev === 'closed' ? 'close' : ''}`;
    const p = this.pending.get(key);
    if (p) {
      this.pending.delete(key);
      p.resolve(ev);
    }
    if (ev.ev === 'failed' && !p) this.listeners.get(ev.id)?.(ev);
    if (ev.ev === 'dtmf' || ev.ev === 'ended' || ev.ev === 'app' || ev.ev === 'localDone') this.listeners.get(ev.id)?.(ev);
  }

  private request(id: string, kind: 'alloc' | 'close', cmd: PlaneCommand, lane: Lane): Promise<PlaneEvent> {
    return new Promise((resolve) => {
      this.pending.set(`${id}|${kind}`, { resolve });
      lane.send(cmd);
    });
  }

  /** Bind an RTP/RTCP port pair for the call on the least-loaded worker; resolves with the RTP port. */
  async allocate(id: string, listener: Listener, near?: string): Promise<number> {
    // A bridge relays PCM between two sessions inside one thread: the second leg goes where the first is.
    const lane = (near !== undefined ? this.laneOf.get(near) : undefined) ?? this.lanes.reduce((a, b) => (b.load < a.load ? b : a));
    lane.load++;
    this.laneOf.set(id, lane);
    this.listeners.set(id, listener);
    const ev = await this.request(id, 'alloc', { op: 'allocate', id }, lane);
    if (ev.ev === 'allocated') return ev.port;
    this.forget(id);
    throw new SwitchboardError('MEDIA_PORTS_EXHAUSTED', ev.ev === 'failed' ? ev.message : undefined);
  }

  start(id: string, media: MediaSpec, options: MediaOptions): void {
    this.laneOf.get(id)?.send({ op: 'start', id, media, options });
  }

  update(id: string, media: MediaSpec): void {
    this.laneOf.get(id)?.send({ op: 'update', id, media });
  }

  /** A command for the AppProvider of the call's thread. */
  app(id: string, payload: unknown): void {
    this.laneOf.get(id)?.send({ op: 'app', id, payload });
  }

  /** Ringback, a prompt (a `localDone` event follows when it ended), or nothing. */
  local(id: string, audio: LocalAudio): void {
    this.laneOf.get(id)?.send({ op: 'local', id, audio });
  }

  /** Relay two calls' audio to each other; false when they are not on the same thread. */
  bridge(id: string, peer: string): boolean {
    const lane = this.laneOf.get(id);
    if (!lane || lane !== this.laneOf.get(peer)) return false;
    lane.send({ op: 'bridge', id, peer });
    return true;
  }

  sendDtmf(id: string, digit: string, durationMs: number): void {
    this.laneOf.get(id)?.send({ op: 'sendDtmf', id, digit, durationMs });
  }

  /** Close the session (sockets, port) and get its final stats. Safe to call twice. */
  async close(id: string): Promise<MediaStats | undefined> {
    const lane = this.laneOf.get(id);
    if (!lane) return undefined;
    const ev = await this.request(id, 'close', { op: 'close', id }, lane);
    this.forget(id);
    return ev.ev === 'closed' ? ev.stats : undefined;
  }

  private forget(id: string): void {
    const lane = this.laneOf.get(id);
    if (lane) lane.load--;
    this.laneOf.delete(id);
    this.listeners.delete(id);
  }

  /** Latency summaries of every data-plane thread (benchmarks, diagnostics). */
  probe(reset = false): Promise<ProbeSummary[]> {
    return new Promise((resolve) => {
      const results: ProbeSummary[] = [];
      this.probeWaiters.push((s) => {
        results.push(s);
        if (results.length === this.lanes.length) resolve(results);
        return results.length === this.lanes.length;
      });
      for (const lane of this.lanes) lane.send({ op: 'probe', reset });
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.close()));
  }
}

/** Split [min, max] into n ranges that each start on an even port and hold whole RTP/RTCP pairs. */
export function splitRange(min: number, max: number, n: number): [number, number][] {
  const first = min % 2 === 0 ? min : min + 1;
  const pairs = Math.floor((max - first + 1) / 2);
  const per = Math.floor(pairs / n);
  return Array.from({ length: n }, (_, i) => {
    const lo = first + i * per * 2;
    const hi = i === n - 1 ? first + pairs * 2 - 1 : lo + per * 2 - 1;
    return [lo, hi] as [number, number];
  });
}
