/** The report of `npm run bench:media`: one row per (mode, calls) run, printed as it ends and as a markdown table. */
import type { ThreadCpu, ThreadProbe } from './media-engine.js';
import type { WindowResult } from './media-load.js';

export type Mode = 'plain' | 'srtp';

/** The issue's targets, checked on the plain run with the most calls. */
export const TARGETS = { calls: 600, cpuPerCallPct: 0.25, arrivalToFrameP99Ms: 2, pacingP99Ms: 2 };

export interface Row {
  mode: Mode;
  calls: number;
  failedCalls: Record<string, number>;
  seconds: number;
  engineCpuPct: number;
  cpuPerCallPct: number;
  sent: number;
  echoed: number;
  /** Sent in the window, never echoed. */
  lost: number;
  /** Datagrams the kernel dropped at full receive buffers during the window and tail (part of `lost`):
   * at the engine's media sockets, and at the generator's. */
  engineSocketDrops: number;
  generatorSocketDrops: number;
  receivedFromEngine: number;
  loss: WindowResult['loss'];
  generatorSendErrors: number;
  /** Frames the generator skipped (starved for 20 ms or more) instead of bursting them. */
  generatorSkippedFrames: number;
  arrivalToFrame: { p50Ms: number; p99Ms: number; maxMs: number; count: number };
  pacingJitter: { p50Ms: number; p99Ms: number; maxMs: number; count: number };
  schedulerMaxLateMs: number;
  rssMb: number;
  baselineRssMb: number;
  rssPerCallKb: number;
  addedRssPerCallKb: number;
  generatorCpuPct: number;
  /** Everything else that ran on the host during the window (other processes, kernel), % of one core. */
  otherCpuPct: number;
  echoRtt: { p50Ms: number; p99Ms: number; maxMs: number };
  /** How long after the window the generator waited for the window's last echoes. */
  tailMs: number;
  /** Lateness of a 2 ms timer in an idle process during the window: what the host alone adds to pacing. */
  hostTimerLate: { p50Ms: number; p99Ms: number; maxMs: number };
  generatorSendLate: { p50Ms: number; p99Ms: number; maxMs: number };
  endedByEngine: number;
  enginePid: number;
  engineThreads: ThreadCpu[];
  workerThreads: ThreadProbe[];
  loadavgBefore: number;
}

/** The worst p50/p99/max over the data-plane threads; count is their sum. */
export function worst(threads: ThreadProbe[], key: 'arrivalToFrame' | 'pacingJitter' | 'sendQueue'): Row['arrivalToFrame'] {
  return {
    p50Ms: Math.max(0, ...threads.map((t) => t[key].p50Ms)),
    p99Ms: Math.max(0, ...threads.map((t) => t[key].p99Ms)),
    maxMs: Math.max(0, ...threads.map((t) => t[key].maxMs)),
    count: threads.reduce((a, t) => a + t[key].count, 0),
  };
}

export function log(s: string): void {
  process.stdout.write(`${s}\n`);
}

const f = (x: number, d = 2): string => x.toFixed(d);

export function printRow(r: Row): void {
  log(`  engine CPU ${f(r.engineCpuPct, 1)} % of a core = ${f(r.cpuPerCallPct, 3)} %/call; generator CPU ${f(r.generatorCpuPct, 1)} %; everything else on the host ${r.otherCpuPct < 0 ? '~0' : f(r.otherCpuPct, 1)} % (load avg before ${f(r.loadavgBefore)})`);
  log(`  packets: sent ${r.sent}, echoed ${r.echoed}, lost ${r.lost} (of which dropped at full socket buffers: engine ${r.engineSocketDrops}, generator ${r.generatorSocketDrops}); from engine ${r.receivedFromEngine}`);
  log(`  arrival→frame p50 ${f(r.arrivalToFrame.p50Ms, 3)} ms p99 ${f(r.arrivalToFrame.p99Ms, 3)} ms max ${f(r.arrivalToFrame.maxMs)} ms; pacing jitter p99 ${f(r.pacingJitter.p99Ms, 3)} ms max ${f(r.pacingJitter.maxMs)} ms; scheduler max late ${f(r.schedulerMaxLateMs)} ms`);
  log(`  RSS ${f(r.rssMb, 0)} MB (idle ${f(r.baselineRssMb, 0)} MB): ${f(r.rssPerCallKb, 0)} KB/call, +${f(r.addedRssPerCallKb, 0)} KB/call over idle; echo RTT p50 ${f(r.echoRtt.p50Ms, 1)} p99 ${f(r.echoRtt.p99Ms, 1)} ms; generator clock late p99 ${f(r.generatorSendLate.p99Ms)} ms`);
  log(`  engine threads (CPU s): ${r.engineThreads.slice(0, 6).map((t) => `${t.tid === r.enginePid ? 'main' : `${t.name}/${t.tid}`} ${f(t.seconds, 1)}`).join(', ')}`);
  if (r.lost) log(`  missing echoes: ${r.loss.calls} calls, at most ${r.loss.maxPerCall} in one call; ${r.loss.deadCalls} calls echoed nothing all window (${r.loss.deadCallPackets} packets); by tenth of the window: ${r.loss.byTenth.join(' ')}`);
  log(`  host timer canary (idle process, 2 ms timer) late p50 ${f(r.hostTimerLate.p50Ms)} p99 ${f(r.hostTimerLate.p99Ms)} max ${f(r.hostTimerLate.maxMs)} ms`);
  log(`  echo RTT max ${f(r.echoRtt.maxMs, 1)} ms (waited ${f(r.tailMs / 1000, 1)} s after the window for the last echoes); generator clock late max ${f(r.generatorSendLate.maxMs, 1)} ms; generator send errors ${r.generatorSendErrors}, frames skipped while starved ${r.generatorSkippedFrames}`);
  if (r.endedByEngine) log(`  calls ended by the engine: ${r.endedByEngine}`);
}

export function printTable(rows: Row[]): void {
  log('\n| mode | calls | engine CPU % (of 1 core) | CPU %/call | sent | not echoed | p50 / p99 arrival→frame ms | p99 pacing jitter ms | RSS MB (idle) | RSS/call KB | generator CPU % | other CPU % | host timer p99 ms |');
  log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    log(`| ${r.mode} | ${r.calls} | ${f(r.engineCpuPct, 1)} | ${f(r.cpuPerCallPct, 3)} | ${r.sent} | ${r.lost}${r.loss.deadCalls ? ` (${r.loss.deadCalls} dead calls)` : ''}${r.engineSocketDrops + r.generatorSocketDrops ? ` (socket drops: ${r.engineSocketDrops} engine, ${r.generatorSocketDrops} generator)` : ''} | ${f(r.arrivalToFrame.p50Ms, 3)} / ${f(r.arrivalToFrame.p99Ms, 3)} | ${f(r.pacingJitter.p99Ms, 3)} | ${f(r.rssMb, 0)} (${f(r.baselineRssMb, 0)}) | ${f(r.rssPerCallKb, 0)} | ${f(r.generatorCpuPct, 1)} | ${r.otherCpuPct < 0 ? '~0' : f(r.otherCpuPct, 0)} | ${f(r.hostTimerLate.p99Ms, 1)} |`);
  }
  const target = rows.find((r) => r.mode === 'plain' && r.calls >= TARGETS.calls);
  if (!target) return;
  const checks: [string, boolean][] = [
    [`${TARGETS.calls} calls up`, target.calls >= TARGETS.calls],
    ['0 packets lost in the engine (every echo came back)', target.lost === 0],
    [`p99 arrival→frame <= ${TARGETS.arrivalToFrameP99Ms} ms`, target.arrivalToFrame.p99Ms <= TARGETS.arrivalToFrameP99Ms],
    [`p99 pacing jitter <= ${TARGETS.pacingP99Ms} ms`, target.pacingJitter.p99Ms <= TARGETS.pacingP99Ms],
    [`<= ${TARGETS.cpuPerCallPct} % of a core per call`, target.cpuPerCallPct <= TARGETS.cpuPerCallPct],
  ];
  log(`\ntargets (plain, ${target.calls} calls): ${checks.map(([name, ok]) => `${ok ? 'met' : 'MISSED'}: ${name}`).join('; ')}`);
  const srtp = rows.find((r) => r.mode === 'srtp' && r.calls === target.calls);
  if (srtp) log(`SRTP beside it: ${f(srtp.cpuPerCallPct, 3)} % of a core per call (${f(srtp.engineCpuPct, 1)} % total), lost ${srtp.lost}, p99 arrival→frame ${f(srtp.arrivalToFrame.p99Ms, 3)} ms, p99 pacing ${f(srtp.pacingJitter.p99Ms, 3)} ms`);
}
