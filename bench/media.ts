/**
 * `npm run bench:media`: N concurrent calls of real RTP (or SRTP) through a Switchboard child process on
 * loopback. Every call is answered by a line-test echo route (decode → PCM → encode, paced by the engine);
 * the load generator (bench/media-load.ts) plays the PBX. After all calls are up and a warm-up, one window of
 * --duration seconds is measured: engine CPU (all threads, from /proc) in total and per call, packets sent
 * to the engine and echoes that never came back, the engine's own arrival→frame and send-pacing histograms
 * (GET /debug/media, max over its worker threads), and RSS per call. Prints a markdown table and writes
 * bench/results/media.json. Each (mode, calls) pair gets a fresh engine.
 *
 *   npm run bench:media -- --calls 600 --modes plain,srtp --duration 60
 *   npm run bench:media -- --calls 100 --duration 20 --cpu-prof /tmp/prof   # V8 profiles of the engine
 *   (then: npx tsx bench/cpuprofile-top.ts /tmp/prof/*.cpuprofile)
 *
 * Flags: --calls (comma list), --modes plain,srtp (or --srtp), --duration, --warmup, --rate (calls/s set up),
 * --arrivals poisson|uniform (uniform: exactly one call per 1/rate s, i.e. every call at the same phase of the
 * 20 ms frame period when rate divides 50), --workers (media.workers), --engine-root DIR (run the Switchboard checked out there, e.g. an exported commit,
 * to compare versions), --engine-cpus LIST (taskset the engine, e.g. 1, with `taskset -c 0 npm run …` for the
 * generator: no CPU contention between the two), --node-args="..." (extra node flags for the engine, e.g.
 * --node-args=--trace-gc), --wait-idle S (wait up to S s for a quiet host first: the generator and the engine
 * share its cores, and any other load shows up as pacing jitter). A timer canary in a third, idle process
 * (bench/timer-canary.ts) reports what the host alone adds to timer lateness during the window.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startEngine } from './media-engine.js';
import { ENGINE_PORTS, GENERATOR_PORTS, LOAD_FLAGS, placeCallsAndWarmUp, measureWindow, sleep, startCanary, waitForIdleHost } from './media-flow.js';
import { LoadGenerator } from './media-load.js';
import { log, printRow, printTable, worst, type Mode, type Row } from './media-report.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '100,300,600' },
    modes: { type: 'string' },
    ...LOAD_FLAGS,
  },
});
const callCounts = (values.calls ?? '').split(',').map(Number).filter((n) => n > 0);
const modes = (values.modes ?? (values.srtp ? 'srtp' : 'plain')).split(',').map((m) => m.trim()).filter((m): m is Mode => m === 'plain' || m === 'srtp');
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const rate = Number(values.rate);
const sipPort = Number(values['sip-port']);
const workers = values.workers !== undefined ? Number(values.workers) : undefined;
const root = new URL('..', import.meta.url).pathname;

async function runOne(mode: Mode, n: number): Promise<Row> {
  const loadavgBefore = loadavg()[0] ?? 0;
  const engine = await startEngine(values['engine-root'] ?? root, {
    sipPort, httpPort: sipPort + 1, mediaPortMin: ENGINE_PORTS[0], mediaPortMax: ENGINE_PORTS[1], startTimeoutMs: 20_000,
    ...(workers !== undefined ? { workers } : {}),
    ...(values['cpu-prof'] ? { cpuProfDir: values['cpu-prof'] } : {}),
    ...(values['engine-cpus'] ? { cpus: values['engine-cpus'] } : {}),
    ...(values['node-args'] ? { nodeArgs: values['node-args'].split(' ').filter(Boolean) } : {}),
  });
  const gen = await LoadGenerator.create({
    sipPort, srtp: mode === 'srtp', portMin: GENERATOR_PORTS[0], portMax: GENERATOR_PORTS[1], callsPerSecond: rate,
    arrivals: values.arrivals === 'uniform' ? 'uniform' : 'poisson', maxSeconds: n / rate + warmup + duration + 60, setupTimeoutMs: 32_000,
  });
  const canary = startCanary(root, values['engine-cpus']);
  try {
    const { baselineRss, setupFailures: failed } = await placeCallsAndWarmUp(gen, engine.pid, n, warmup);

    const m = await measureWindow(engine, gen, canary, duration);
    const wall = m.seconds;
    const cpu = m.engineCpuSeconds;
    const probe = m.probe;
    const rss = m.engineRssBytes;
    const w = m.window;
    const calls = gen.answered;
    const engineCpuPct = (100 * cpu) / wall;
    return {
      mode, calls, failedCalls: failed, seconds: wall,
      engineCpuPct, cpuPerCallPct: engineCpuPct / Math.max(1, calls),
      sent: w.sent, echoed: w.sent - w.missing, lost: w.missing,
      engineSocketDrops: m.engineSocketDrops, generatorSocketDrops: m.generatorSocketDrops,
      receivedFromEngine: w.received, loss: w.loss, generatorSendErrors: gen.totals.sendErrors, generatorSkippedFrames: gen.skippedFrames,
      arrivalToFrame: worst(probe, 'arrivalToFrame'), pacingJitter: worst(probe, 'pacingJitter'),
      schedulerMaxLateMs: Math.max(0, ...probe.map((t) => t.schedulerMaxLateMs)),
      rssMb: rss / 2 ** 20, baselineRssMb: baselineRss / 2 ** 20,
      rssPerCallKb: rss / 1024 / Math.max(1, calls), addedRssPerCallKb: (rss - baselineRss) / 1024 / Math.max(1, calls),
      generatorCpuPct: (100 * m.generatorCpuSeconds) / wall,
      otherCpuPct: (100 * (m.hostBusySeconds - cpu - m.generatorCpuSeconds)) / wall,
      echoRtt: w.rtt, tailMs: m.tailMs, hostTimerLate: m.hostTimerLate, generatorSendLate: w.sendLate, endedByEngine: gen.endedByEngine,
      enginePid: engine.pid, engineThreads: m.engineThreads, workerThreads: probe, loadavgBefore,
    };
  } finally {
    canary.child.send('exit');
    await gen.hangUp(200);
    await engine.stop(10_000);
    await gen.close();
  }
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const mode of modes) {
    for (const n of callCounts) {
      await waitForIdleHost(Number(values['wait-idle']));
      log(`${mode}: ${n} calls, ${duration} s window`);
      const row = await runOne(mode, n);
      printRow(row);
      rows.push(row);
      await sleep(2000); // let the ports of the last run close
    }
  }
  printTable(rows);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/media.json'), JSON.stringify({
    date: new Date().toISOString(), node: process.version, duration, warmup, callsPerSecond: rate, arrivals: values.arrivals, rows,
  }, null, 2));
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
