/**
 * `npm run bench:e2e`: N concurrent calls through a Switchboard child process to a voice-AI agent that echoes
 * instantly, for a --duration window, on loopback. What a caller hears end to end: RTP in → the agent's
 * WebSocket → the agent → back over the WebSocket → Switchboard's paced send → RTP out.
 *
 * The issue asks for SIPp (pcap playback, `-rtp_echo` style); SIPp cannot drive 500 RTP streams cheaply on two
 * cores, so the PBX is bench:media's load generator (bench/media-load.ts): our own SIP stack as UAC, one RTP
 * stream per call with every 20 ms packet tagged, and the tagged-echo round-trip histogram. The agent is
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
import { startEngine } from './media-engine.js';
import { ENGINE_PORTS, GENERATOR_PORTS, placeCallsAndWarmUp, measureWindow, sleep, startCanary, waitForIdleHost } from './media-flow.js';
import { LoadGenerator } from './media-load.js';
import { log, worst } from './media-report.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '500' },
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '5' },
    rate: { type: 'string', default: '50' },
    arrivals: { type: 'string', default: 'poisson' },
    dialect: { type: 'string', default: 'twilio' },
    srtp: { type: 'boolean', default: false },
    'connect-ms': { type: 'string', default: '3000' },
    'sip-port': { type: 'string', default: '35080' },
    workers: { type: 'string' },
    'cpu-prof': { type: 'string' },
    'wait-idle': { type: 'string', default: '0' },
    'engine-root': { type: 'string' },
    'node-args': { type: 'string' },
    'engine-cpus': { type: 'string' },
    engine: { type: 'string', default: 'embedded' },
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

async function runOne(n: number): Promise<E2eRow> {
  const loadavgBefore = loadavg()[0] ?? 0;
  const agent = await startAgent();
  const engine = await startEngine(values['engine-root'] ?? root, {
    sipPort, httpPort: sipPort + 1, mediaPortMin: ENGINE_PORTS[0], mediaPortMax: ENGINE_PORTS[1], startTimeoutMs: 20_000,
    agent: { url: agent.url, protocol: dialect, connectMs: Number(values['connect-ms']) },
    ...(workers !== undefined ? { workers } : {}),
    ...(values['cpu-prof'] ? { cpuProfDir: values['cpu-prof'] } : {}),
    ...(values['engine-cpus'] ? { cpus: values['engine-cpus'] } : {}),
    ...(values['node-args'] ? { nodeArgs: values['node-args'].split(' ').filter(Boolean) } : {}),
    ...(drachtio ? { drachtio: drachtio.config } : {}),
  }).catch(async (e: unknown) => {
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
