/**
 * `npm run bench:e2e`: N concurrent calls through a Switchboard child process to a voice-AI agent that echoes
 * instantly, for a --duration window, on loopback. What a caller hears end to end: RTP in → the agent's
 * WebSocket → the agent → back over the WebSocket → Switchboard's paced send → RTP out.
 *
 * Two PBXs. By default the PBX is bench:media's load generator (bench/media-load.ts): our own SIP stack as UAC,
 * one RTP stream per call with every 20 ms packet tagged, and the tagged-echo round-trip histogram (SIPp cannot
 * time what comes back). With --pbx sipp it is a real SIPp playing recorded speech from a pcap on every call
 * (bench/sipp-load.ts): 500 of them take about 40 % of a core here; its verdict counts completed/failed calls. The agent is
 * bench/echo-agent.ts, forked as its own process so its CPU is measured apart from the engine's and the
 * generator's; the engine's route points at it (twilio dialect, or --dialect l16). The measuring flow is
 * bench:media's (bench/media-flow.ts): calls up, warm-up, one window, the tail of echoes.
 *
 * Reports per run: calls completed/failed, engine CPU (total and per call), agent and generator CPU, RTP-in →
 * WS-out p50/p99, WS-in → RTP-out pacing jitter p99, first audio out, RSS, and the round trip a caller hears;
 * writes bench/results/e2e.json and prints a markdown table with its legend (bench/e2e-report.ts).
 *
 *   npm run bench:e2e                                   # 500 calls, 60 s window
 *   npm run bench:e2e -- --calls 50 --duration 20       # quick
 *   npm run bench:e2e -- --dialect l16 --calls 100,500  # binary PCM agent, two runs
 *
 * Flags: --calls (comma list, default 500), --duration (s, default 60), --warmup (s, 5), --rate (calls/s set up,
 * 50), --arrivals poisson|uniform, --dialect twilio|l16, --srtp (the PBX requires SRTP), --connect-ms (the
 * route's budgets.agentConnectMs, 3000), --sip-port (35080; HTTP on the next port), --workers (media.workers),
 * --wait-idle S (wait up to S s for a quiet host first), --engine-root DIR, --engine-cpus LIST, --node-args="…",
 * --cpu-prof DIR (as in bench:media), --engine embedded|drachtio.
 *
 * --pbx sipp places the calls with a real SIPp instead (bench/sipp-load.ts: recorded PCMA speech from a pcap, looped
 * for the hold time, then BYE): calls completed/failed by SIPp's own verdict, CPU, the engine's probe figures; SIPp
 * cannot time the echoes, so there is no round trip in that mode. Needs root (SIPp's pcap playback).
 *
 * --engine drachtio runs Switchboard with engine: drachtio against running servers (DRACHTIO_ADDRESS=host[:9022],
 * DRACHTIO_SIP=host:port where drachtio-server takes SIP, FREESWITCH_ADDRESS=host[:8021], secrets DRACHTIO_SECRET /
 * FREESWITCH_SECRET): calls go to drachtio-server, FreeSWITCH does RTP and forks audio to Switchboard. The CPU of the
 * freeswitch and drachtio processes on this host is reported beside Switchboard's.
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { firstAudio, framesBehindAtEnd, perCallMinRtt } from './call-timing.js';
import type { EchoAgentStats } from './echo-agent.js';
import { printE2eRow, printE2eTable, type E2eRow } from './e2e-report.js';
import { startEngine, type EngineOptions } from './media-engine.js';
import { ENGINE_PORTS, GENERATOR_PORTS, LOAD_FLAGS, placeCallsAndWarmUp, measureWindow, sleep, startCanary, waitForIdleHost } from './media-flow.js';
import { LoadGenerator } from './media-load.js';
import { log, worst } from './media-report.js';
import { cpuSeconds, rssBytes } from './proc-stats.js';
import { startSippLoad, type SippVerdict } from './sipp-load.js';
import { hasSipp } from '../test/support/sipp.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '500' },
    ...LOAD_FLAGS,
    dialect: { type: 'string', default: 'twilio' },
    'connect-ms': { type: 'string', default: '3000' },
    engine: { type: 'string', default: 'embedded' },
    pbx: { type: 'string', default: 'generator' },
  },
});
const drachtio = values.engine === 'drachtio' ? drachtioTarget() : undefined;

function drachtioTarget() {
  const hp = (v: string | undefined, port: number): [string, number] => {
    if (!v) throw new Error('--engine drachtio needs DRACHTIO_ADDRESS and FREESWITCH_ADDRESS (host[:port])');
    const [h, p] = v.split(':');
    return [h ?? v, p ? Number(p) : port];
  };
  const [host, port] = hp(process.env.DRACHTIO_ADDRESS, 9022);
  const [fsHost, fsPort] = hp(process.env.FREESWITCH_ADDRESS, 8021);
  const [, sip] = hp(process.env.DRACHTIO_SIP ?? `${host}:5060`, 5060);
  return {
    sipPort: sip,
    config: { host, port, secret: process.env.DRACHTIO_SECRET ?? 'cymru', freeswitch: { address: fsHost, port: fsPort, secret: process.env.FREESWITCH_SECRET ?? 'ClueCon' } },
  };
}

/** pid of a server process on this host (the oldest of that name), for its CPU. */
function pidOf(name: string): number | undefined {
  const r = spawnSync('pgrep', ['-o', '-x', name], { encoding: 'utf8' });
  const pid = Number(r.stdout.trim());
  return pid > 0 ? pid : undefined;
}
const callCounts = (values.calls ?? '').split(',').map(Number).filter((n) => n > 0);
const dialect = values.dialect === 'l16' ? 'l16' : 'twilio';
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const rate = Number(values.rate);
const sipPort = Number(values['sip-port']);
const workers = values.workers !== undefined ? Number(values.workers) : undefined;
const root = new URL('..', import.meta.url).pathname;
const AGENT_START_TIMEOUT_MS = 20_000;
const AGENT_STATS_TIMEOUT_MS = 5_000;

interface AgentProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Reset its counters at the start of the window. */
  startWindow(): void;
  stats(): Promise<EchoAgentStats>;
  stop(): Promise<void>;
}

/** Fork bench/echo-agent.ts on an ephemeral port and wait until it listens. */
async function startAgent(): Promise<AgentProcess> {
  const child = fork(join(root, 'bench/echo-agent.ts'), ['--dialect', dialect], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('the echo agent did not start')), AGENT_START_TIMEOUT_MS);
    child.once('exit', (code) => reject(new Error(`the echo agent exited with ${code}`)));
    child.on('message', (m: { type?: string; port?: number }) => {
      if (m.type !== 'ready' || typeof m.port !== 'number') return;
      clearTimeout(t);
      resolve(m.port);
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child, pid: child.pid as number, url: `ws://127.0.0.1:${port}/`,
    startWindow: () => child.send('start'),
    stats: () => new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the echo agent did not answer')), AGENT_STATS_TIMEOUT_MS);
      const on = (m: { type?: string }): void => {
        if (m.type !== 'stats') return;
        clearTimeout(t);
        child.off('message', on);
        resolve(m as EchoAgentStats);
      };
      child.on('message', on);
      child.send('stats');
    }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.send('exit');
        await exited;
      }
    },
  };
}

function engineOptions(agent: AgentProcess): EngineOptions {
  return {
    sipPort, httpPort: sipPort + 1, mediaPortMin: ENGINE_PORTS[0], mediaPortMax: ENGINE_PORTS[1], startTimeoutMs: 20_000,
    agent: { url: agent.url, protocol: dialect, connectMs: Number(values['connect-ms']) },
    ...(workers !== undefined ? { workers } : {}),
    ...(values['cpu-prof'] ? { cpuProfDir: values['cpu-prof'] } : {}),
    ...(values['engine-cpus'] ? { cpus: values['engine-cpus'] } : {}),
    ...(values['node-args'] ? { nodeArgs: values['node-args'].split(' ').filter(Boolean) } : {}),
    ...(drachtio ? { drachtio: drachtio.config } : {}),
  };
}

/** switchboard_calls_active from the engine's GET /metrics. */
async function activeCalls(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${sipPort + 1}/metrics`)).text();
  return Number(/^switchboard_calls_active (\d+)/m.exec(text)?.[1] ?? 0);
}

interface SippRow {
  pbx: 'sipp';
  placed: number;
  /** Calls up at once during the window (switchboard_calls_active). */
  concurrent: number;
  verdict: Omit<SippVerdict, 'output'>;
  seconds: number;
  engineCpuPct: number;
  cpuPerCallPct: number;
  agentCpuPct: number;
  sippCpuPct: number;
  rtpInToWsOut: E2eRow['rtpInToWsOut'];
  pacingJitter: E2eRow['pacingJitter'];
  sendQueue: E2eRow['sendQueue'];
  send: E2eRow['send'];
  rssMb: number;
  agent: EchoAgentStats;
}

/** --pbx sipp: N concurrent SIPp calls with pcap speech through Switchboard to the echo agent. */
async function runSippLoad(n: number): Promise<SippRow> {
  if (!hasSipp()) throw new Error('--pbx sipp needs SIPp (apt-get install sip-tester)');
  const agent = await startAgent();
  const engine = await startEngine(values['engine-root'] ?? root, engineOptions(agent)).catch(async (e: unknown) => {
    await agent.stop();
    throw e;
  });
  const load = startSippLoad({
    target: `127.0.0.1:${drachtio?.sipPort ?? sipPort}`, calls: n, rate, holdSeconds: n / rate + warmup + duration + 15,
    localPort: sipPort - 10, mediaPort: GENERATOR_PORTS[0], service: '100',
  });
  try {
    const t0 = performance.now();
    while ((await activeCalls()) < n) {
      if (performance.now() - t0 > (n / rate + 30) * 1000) throw new Error(`only ${await activeCalls()} of ${n} SIPp calls came up`);
      await sleep(500);
    }
    log(`  ${n}/${n} SIPp calls up in ${((performance.now() - t0) / 1000).toFixed(1)} s; warm-up ${warmup} s`);
    await sleep(warmup * 1000);
    agent.startWindow();
    await engine.probe(true);
    const cpu0 = [cpuSeconds(engine.pid), cpuSeconds(agent.pid), cpuSeconds(load.pid)];
    const w0 = performance.now();
    await sleep(duration * 1000);
    const seconds = (performance.now() - w0) / 1000;
    const cpu = [cpuSeconds(engine.pid), cpuSeconds(agent.pid), cpuSeconds(load.pid)].map((c, i) => (100 * (c - (cpu0[i] as number))) / seconds);
    const concurrent = await activeCalls();
    const probe = await engine.probe(false);
    const rssMb = rssBytes(engine.pid) / 2 ** 20;
    const agentStats = await agent.stats();
    const verdict = await load.done;
    if (verdict.code !== 0) log(`  SIPp exited with ${verdict.code}:\n${verdict.output}`);
    return {
      pbx: 'sipp', placed: n, concurrent, verdict: { code: verdict.code, successful: verdict.successful, failed: verdict.failed }, seconds,
      engineCpuPct: cpu[0] as number, cpuPerCallPct: (cpu[0] as number) / n, agentCpuPct: cpu[1] as number, sippCpuPct: cpu[2] as number,
      rtpInToWsOut: worst(probe, 'arrivalToFrame'), pacingJitter: worst(probe, 'pacingJitter'), sendQueue: worst(probe, 'sendQueue'),
      send: probe.reduce((a, t) => ({ underruns: a.underruns + t.send.underruns, late: a.late + t.send.late, trimmed: a.trimmed + t.send.trimmed }), { underruns: 0, late: 0, trimmed: 0 }),
      rssMb, agent: agentStats,
    };
  } finally {
    load.kill();
    await engine.stop(10_000);
    await agent.stop();
  }
}

function printSippRow(r: SippRow): void {
  const f = (x: number, d = 1): string => x.toFixed(d);
  log(`  SIPp: ${r.placed} calls placed, ${r.concurrent} up at once in the window, ${r.verdict.successful} successful, ${r.verdict.failed} failed (exit code ${r.verdict.code})`);
  log(`  CPU (% of one core): engine ${f(r.engineCpuPct)} = ${f(r.cpuPerCallPct, 3)} %/call; echo agent ${f(r.agentCpuPct)}; SIPp ${f(r.sippCpuPct)}; engine RSS ${f(r.rssMb, 0)} MB`);
  log(`  RTP-in → WS-out p50 ${f(r.rtpInToWsOut.p50Ms, 3)} p99 ${f(r.rtpInToWsOut.p99Ms, 3)} ms (${r.rtpInToWsOut.count} frames); pacing jitter p99 ${f(r.pacingJitter.p99Ms, 3)} ms; send queue p50 ${f(r.sendQueue.p50Ms)} p99 ${f(r.sendQueue.p99Ms)} ms`);
  log(`  agent: ${r.agent.framesIn} frames in, ${r.agent.framesOut} echoed, ${r.agent.open} sockets open; frames underruns ${r.send.underruns}, late ${r.send.late}, trimmed ${r.send.trimmed}`);
  log('');
  log(`| metric | ${r.placed} SIPp calls, ${f(r.seconds, 0)} s | target |`);
  log('|---|---:|---|');
  log(`| calls completed / failed (SIPp) | ${r.verdict.successful} / ${r.verdict.failed} | 0 failed |`);
  log(`| engine CPU % of a core (per call) | ${f(r.engineCpuPct)} (${f(r.cpuPerCallPct, 3)}) |  |`);
  log(`| RTP-in → WS-out p50 / p99 ms | ${f(r.rtpInToWsOut.p50Ms, 3)} / ${f(r.rtpInToWsOut.p99Ms, 3)} | p99 <= 2 |`);
  log(`| WS-in → RTP-out pacing jitter p99 ms | ${f(r.pacingJitter.p99Ms, 3)} |  |`);
  log('| round trip | not measured: SIPp cannot time echoes (run without --pbx sipp) |  |');
}

async function runOne(n: number): Promise<E2eRow> {
  const loadavgBefore = loadavg()[0] ?? 0;
  const agent = await startAgent();
  const engine = await startEngine(values['engine-root'] ?? root, engineOptions(agent)).catch(async (e: unknown) => {
    await agent.stop();
    throw e;
  });
  const gen = await LoadGenerator.create({
    sipPort: drachtio?.sipPort ?? sipPort, srtp: values.srtp, portMin: GENERATOR_PORTS[0], portMax: GENERATOR_PORTS[1], callsPerSecond: rate,
    arrivals: values.arrivals === 'uniform' ? 'uniform' : 'poisson', maxSeconds: n / rate + warmup + duration + 60, setupTimeoutMs: 32_000,
  });
  const canary = startCanary(root, values['engine-cpus']);
  try {
    const { baselineRss, setupFailures } = await placeCallsAndWarmUp(gen, engine.pid, n, warmup);

    agent.startWindow();
    const servers = drachtio ? [pidOf('freeswitch'), pidOf('drachtio')].filter((p): p is number => p !== undefined) : [];
    const m = await measureWindow(engine, gen, canary, duration, [agent.pid, ...servers], true);
    if (drachtio) {
      const pct = (i: number) => ((100 * (m.othersCpuSeconds[i] ?? 0)) / m.seconds).toFixed(1);
      log(`  drachtio engine: freeswitch ${pct(1)} % of a core, drachtio-server ${pct(2)} %, Switchboard ${((100 * m.engineCpuSeconds) / m.seconds).toFixed(1)} %`);
    }
    const agentStats = await agent.stats();
    const w = m.window;
    const calls = gen.answered;
    const setupFailed = [...gen.failed.values()].reduce((a, b) => a + b, 0);
    const engineCpuPct = (100 * m.engineCpuSeconds) / m.seconds;
    const agentCpu = m.othersCpuSeconds[0] ?? 0;
    return {
      dialect, srtp: values.srtp, placed: n, answered: calls, setupFailures, endedByEngine: gen.endedByEngine,
      completed: calls - gen.endedByEngine, failed: setupFailed + gen.endedByEngine, seconds: m.seconds,
      engineCpuPct, cpuPerCallPct: engineCpuPct / Math.max(1, calls), agentCpuPct: (100 * agentCpu) / m.seconds,
      generatorCpuPct: (100 * m.generatorCpuSeconds) / m.seconds,
      otherCpuPct: (100 * (m.hostBusySeconds - m.engineCpuSeconds - m.generatorCpuSeconds - agentCpu)) / m.seconds,
      ...(drachtio ? { engine: 'drachtio', mediaServerCpuPct: (100 * (m.othersCpuSeconds[1] ?? 0)) / m.seconds, drachtioCpuPct: (100 * (m.othersCpuSeconds[2] ?? 0)) / m.seconds } : {}),
      rtpInToWsOut: worst(m.probe, 'arrivalToFrame'), pacingJitter: worst(m.probe, 'pacingJitter'),
      schedulerMaxLateMs: Math.max(0, ...m.probe.map((t) => t.schedulerMaxLateMs)),
      sendQueue: worst(m.probe, 'sendQueue'),
      send: m.probe.reduce((a, t) => ({ underruns: a.underruns + t.send.underruns, late: a.late + t.send.late, trimmed: a.trimmed + t.send.trimmed }), { underruns: 0, late: 0, trimmed: 0 }),
      firstAudioOut: firstAudio(gen.calls), roundTrip: w.rtt, roundTripByTenth: w.rttByTenth ?? [], perCallMinRtt: perCallMinRtt(gen.calls),
      framesBehindAtEnd: framesBehindAtEnd(gen.calls),
      sent: w.sent, lost: w.missing, loss: w.loss, engineSocketDrops: m.engineSocketDrops, generatorSocketDrops: m.generatorSocketDrops,
      generatorSkippedFrames: gen.skippedFrames,
      rssMb: m.engineRssBytes / 2 ** 20, baselineRssMb: baselineRss / 2 ** 20, rssPerCallKb: m.engineRssBytes / 1024 / Math.max(1, calls),
      agentRssMb: (m.othersRssBytes[0] ?? 0) / 2 ** 20, agent: agentStats,
      hostTimerLate: m.hostTimerLate, generatorSendLate: w.sendLate, tailMs: m.tailMs,
      enginePid: engine.pid, engineThreads: m.engineThreads, workerThreads: m.probe, loadavgBefore,
    };
  } finally {
    canary.child.send('exit');
    await gen.hangUp(200);
    await engine.stop(10_000);
    await gen.close();
    await agent.stop();
  }
}

async function main(): Promise<void> {
  if (values.pbx === 'sipp') {
    const sippRows: SippRow[] = [];
    for (const n of callCounts) {
      await waitForIdleHost(Number(values['wait-idle']));
      log(`e2e ${dialect} with SIPp as the PBX: ${n} calls to an echo agent, ${duration} s window`);
      const row = await runSippLoad(n);
      printSippRow(row);
      sippRows.push(row);
      await sleep(2000);
    }
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/e2e-sipp.json'), JSON.stringify({ date: new Date().toISOString(), node: process.version, duration, warmup, dialect, rows: sippRows }, null, 2));
    const bad = sippRows.filter((r) => r.verdict.failed > 0 || r.verdict.code !== 0 || r.concurrent < r.placed || r.verdict.successful < r.placed).length;
    log(`targets: ${bad === 0 ? 'met' : 'MISSED'}: every SIPp call completed (0 failed, all up at once)`);
    return;
  }
  const rows: E2eRow[] = [];
  for (const n of callCounts) {
    await waitForIdleHost(Number(values['wait-idle']));
    log(`e2e ${dialect}${values.srtp ? ' srtp' : ''}: ${n} calls to an echo agent, ${duration} s window`);
    const row = await runOne(n);
    printE2eRow(row);
    rows.push(row);
    await sleep(2000); // let the ports of the last run close
  }
  printE2eTable(rows);
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/e2e.json'), JSON.stringify({
    date: new Date().toISOString(), node: process.version, duration, warmup, callsPerSecond: rate, arrivals: values.arrivals, dialect, rows,
  }, null, 2));
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
