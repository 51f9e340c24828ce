/**
 * The measuring flow shared by `npm run bench:media` and `npm run bench:e2e`: port ranges, the timer canary in
 * its own process, waiting for a quiet host, one measurement window over the engine and the load generator
 * (plus any other child processes whose CPU is to be counted apart, e.g. the echo agent), and the tail that
 * waits out the window's last echoes.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cpuSeconds, rssBytes } from './proc-stats.js';
import { hostCpu, threadCpu, threadCpuDelta, udpDrops, type Engine, type ThreadCpu, type ThreadProbe } from './media-engine.js';
import type { LoadGenerator, WindowResult } from './media-load.js';
import { log } from './media-report.js';

export const ENGINE_PORTS = [20000, 39999] as const;
export const GENERATOR_PORTS = [40000, 59999] as const;

/** The parseArgs flags bench:media and bench:e2e share (each one's header says what they do). */
export const LOAD_FLAGS = {
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '5' },
    rate: { type: 'string', default: '50' },
    arrivals: { type: 'string', default: 'poisson' },
    srtp: { type: 'boolean', default: false },
    'sip-port': { type: 'string', default: '35080' },
    workers: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'wait-idle': { type: 'string', default: '0' },
    'engine-root': { type: 'string' },
    'node-args': { type: 'string' },
    'engine-cpus': { type: 'string' },
} as const;
// After the window, the streams keep running until the window's echoes stop arriving: at least TAIL_MIN_MS, then
// until no new echo came for TAIL_QUIET_MS, at most TAIL_MAX_MS (past the echo app's 6 s buffer, so a late echo
// is counted as late, not lost).
const TAIL_MIN_MS = 1000;
const TAIL_QUIET_MS = 1000;
const TAIL_MAX_MS = 8000;
const IDLE_BUSY_PCT = 25; // the host counts as idle when everything on it uses less than this much of one core

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Calls up: let the engine settle, note its idle RSS, place `n` calls, log how they went, then warm up.
 * Returns the idle RSS and the setup failures (status or local reason → count).
 */
export async function placeCallsAndWarmUp(gen: LoadGenerator, enginePid: number, n: number, warmupS: number): Promise<{ baselineRss: number; setupFailures: Record<string, number> }> {
  await sleep(1000);
  const baselineRss = rssBytes(enginePid);
  const t0 = performance.now();
  await gen.placeCalls(n, (k) => log(`  ${k} calls up`));
  const setupFailures = Object.fromEntries(gen.failed);
  log(`  ${gen.answered}/${n} calls answered in ${((performance.now() - t0) / 1000).toFixed(1)} s${gen.failed.size ? ` (failed: ${JSON.stringify(setupFailures)})` : ''}; warm-up ${warmupS} s`);
  await sleep(warmupS * 1000);
  return { baselineRss, setupFailures };
}

export interface TimerLate { p50Ms: number; p99Ms: number; maxMs: number }

export interface Canary {
  child: ChildProcess;
  start(): void;
  stop(): Promise<TimerLate>;
}

/** The timer canary (bench/timer-canary.ts) in its own process; with `cpus`, pinned to the engine's CPUs. */
export function startCanary(root: string, cpus?: string): Canary {
  const child = fork(join(root, 'bench/timer-canary.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // With --engine-cpus, the canary shares the engine's CPUs: it shows what those cores alone add.
  if (cpus && child.pid) execFileSync('taskset', ['-p', '-c', cpus, String(child.pid)], { stdio: 'ignore' });
  return {
    child,
    start: () => child.send('start'),
    stop: () => new Promise((resolve) => {
      child.once('message', (m) => resolve(m as TimerLate));
      child.send('stop');
    }),
  };
}

/** Wait up to `maxSeconds` for other work on the shared host to quiet down (3 s samples). */
export async function waitForIdleHost(maxSeconds: number): Promise<void> {
  if (maxSeconds <= 0) return;
  const until = performance.now() + maxSeconds * 1000;
  for (;;) {
    const a = hostCpu();
    await sleep(3000);
    const b = hostCpu();
    const pct = (100 * (b.busy - a.busy)) / ((b.total - a.total) / b.cores);
    if (pct < IDLE_BUSY_PCT) return;
    if (performance.now() > until) return log(`  host still busy (${pct.toFixed(0)} % of a core), starting anyway`);
  }
}

/** Wait out the echoes of the window's last packets; returns how long that took. */
export async function waitForEchoes(gen: LoadGenerator): Promise<number> {
  const t0 = performance.now();
  let missing = gen.windowMissing();
  let changedAt = t0;
  for (;;) {
    await sleep(250);
    const now = performance.now();
    const m = gen.windowMissing();
    if (m !== missing) {
      missing = m;
      changedAt = now;
    }
    if (m === 0 || now - t0 >= TAIL_MAX_MS || (now - t0 >= TAIL_MIN_MS && now - changedAt >= TAIL_QUIET_MS)) return now - t0;
  }
}

/** What one window measured. CPU figures are seconds spent during the window; `seconds` is its length. */
export interface WindowMeasurement {
  seconds: number;
  engineCpuSeconds: number;
  engineThreads: ThreadCpu[];
  generatorCpuSeconds: number;
  /** CPU seconds of each extra process (same order as the pids passed in). */
  othersCpuSeconds: number[];
  /** Busy seconds of the whole host (all cores). */
  hostBusySeconds: number;
  hostTimerLate: TimerLate;
  probe: ThreadProbe[];
  engineRssBytes: number;
  othersRssBytes: number[];
  tailMs: number;
  engineSocketDrops: number;
  generatorSocketDrops: number;
  window: WindowResult;
}

/**
 * One measurement window of `durationS`: resets the engine's probe, snapshots CPU (engine per thread, the
 * generator, the extra `otherPids`, the host) and socket drops, runs the window with the canary, reads it
 * all back, then waits out the tail of echoes before taking the generator's window result. `rttByTenth`: also
 * split the generator's round trips by tenth of the window.
 */
export async function measureWindow(engine: Engine, gen: LoadGenerator, canary: Canary, durationS: number, otherPids: number[] = [], rttByTenth = false): Promise<WindowMeasurement> {
  await engine.probe(true);
  const cpu0 = cpuSeconds(engine.pid);
  const threads0 = threadCpu(engine.pid);
  const others0 = otherPids.map((p) => cpuSeconds(p));
  const drops0 = [udpDrops(ENGINE_PORTS[0], ENGINE_PORTS[1]), udpDrops(GENERATOR_PORTS[0], GENERATOR_PORTS[1])];
  const host0 = hostCpu();
  const gen0 = process.cpuUsage();
  const w0 = performance.now();
  gen.startWindow(rttByTenth ? durationS * 1000 : undefined);
  canary.start();
  await sleep(durationS * 1000);
  gen.endWindow();
  const hostTimerLate = await canary.stop();
  const seconds = (performance.now() - w0) / 1000;
  const engineCpuSeconds = cpuSeconds(engine.pid) - cpu0;
  const engineThreads = threadCpuDelta(threads0, threadCpu(engine.pid));
  const genCpu = process.cpuUsage(gen0);
  const othersCpuSeconds = otherPids.map((p, i) => cpuSeconds(p) - (others0[i] as number));
  const hostBusySeconds = hostCpu().busy - host0.busy;
  const probe = await engine.probe(false);
  const engineRssBytes = rssBytes(engine.pid);
  const othersRssBytes = otherPids.map((p) => rssBytes(p));
  const tailMs = await waitForEchoes(gen);
  const drops1 = [udpDrops(ENGINE_PORTS[0], ENGINE_PORTS[1]), udpDrops(GENERATOR_PORTS[0], GENERATOR_PORTS[1])];
  return {
    seconds, engineCpuSeconds, engineThreads, generatorCpuSeconds: (genCpu.user + genCpu.system) / 1e6, othersCpuSeconds,
    hostBusySeconds, hostTimerLate, probe, engineRssBytes, othersRssBytes, tailMs,
    engineSocketDrops: (drops1[0] as number) - (drops0[0] as number), generatorSocketDrops: (drops1[1] as number) - (drops0[1] as number),
    window: gen.windowResult(),
  };
}
