/**
 * The report of `npm run bench:e2e`: one row per run, printed as it ends, then a markdown table (one column per
 * run), the legend saying where each figure comes from, and the issue's targets checked on the largest run.
 */
import type { EchoAgentStats } from './echo-agent.js';
import type { ThreadCpu, ThreadProbe } from './media-engine.js';
import type { TimerLate } from './media-flow.js';
import type { FirstAudio } from './call-timing.js';
import type { WindowResult } from './media-load.js';
import { log } from './media-report.js';

/** The issue's targets on this 2-core machine. */
export const E2E_TARGETS = { calls: 500, failed: 0, wsOutP99Ms: 2, roundTripP50Ms: 50, roundTripP99Ms: 70 };

type Summary = { p50Ms: number; p99Ms: number; maxMs: number };

export interface E2eRow {
  dialect: 'twilio' | 'l16';
  srtp: boolean;
  /** Calls placed, answered, and how the others failed at setup (status line or local reason → count). */
  placed: number;
  answered: number;
  setupFailures: Record<string, number>;
  /** Answered calls the engine ended (BYE from Switchboard) before we hung up. */
  endedByEngine: number;
  /** Answered and still up when we hung up; `failed` = setup failures + ended by the engine. */
  completed: number;
  failed: number;
  seconds: number;
  engineCpuPct: number;
  cpuPerCallPct: number;
  agentCpuPct: number;
  generatorCpuPct: number;
  otherCpuPct: number;
  /** The probe's arrival→frame: RTP datagram handled → its frame written to the agent's WebSocket. */
  rtpInToWsOut: Summary & { count: number };
  /** The probe's pacing jitter: |interval between two RTP sends of a call − ptime|. */
  pacingJitter: Summary & { count: number };
  schedulerMaxLateMs: number;
  /** The probe's send queue: agent audio queued ahead of each frame as it left as RTP (worst thread). */
  sendQueue: Summary & { count: number };
  /** Frames, all threads: gaps mid-stream (underruns), dropped after frame-clock stalls, trimmed from a standing backlog. */
  send: { underruns: number; late: number; trimmed: number };
  firstAudioOut: FirstAudio;
  /** Tagged-echo round trip, RTP sent by the caller → the same audio back as RTP. */
  roundTrip: Summary;
  /** The round trip per tenth of the window (by send time): a backlog that builds up shows as a trend. */
  roundTripByTenth: Summary[];
  perCallMinRtt: { minMs: number; p50Ms: number; maxMs: number; calls: number };
  /** Calls by how many 20 ms frames later than their shortest trip their last echo came back (index = frames). */
  framesBehindAtEnd: number[];
  sent: number;
  lost: number;
  loss: WindowResult['loss'];
  engineSocketDrops: number;
  generatorSocketDrops: number;
  generatorSkippedFrames: number;
  rssMb: number;
  baselineRssMb: number;
  rssPerCallKb: number;
  agentRssMb: number;
  agent: EchoAgentStats;
  hostTimerLate: TimerLate;
  generatorSendLate: Summary;
  tailMs: number;
  enginePid: number;
  engineThreads: ThreadCpu[];
  workerThreads: ThreadProbe[];
  loadavgBefore: number;
}

const f = (x: number, d = 2): string => x.toFixed(d);
const pp = (s: Summary, d = 1): string => `${f(s.p50Ms, d)} / ${f(s.p99Ms, d)}`;

export function printE2eRow(r: E2eRow): void {
  log(`  calls: ${r.placed} placed, ${r.answered} answered, ${r.completed} completed, ${r.failed} failed (setup ${JSON.stringify(r.setupFailures)}, ended by the engine ${r.endedByEngine})`);
  log(`  CPU (% of one core): engine ${f(r.engineCpuPct, 1)} = ${f(r.cpuPerCallPct, 3)} %/call; echo agent ${f(r.agentCpuPct, 1)}; generator ${f(r.generatorCpuPct, 1)}; everything else ${r.otherCpuPct < 0 ? '~0' : f(r.otherCpuPct, 1)} (load avg before ${f(r.loadavgBefore)})`);
  log(`  RTP-in → WS-out p50 ${f(r.rtpInToWsOut.p50Ms, 3)} p99 ${f(r.rtpInToWsOut.p99Ms, 3)} max ${f(r.rtpInToWsOut.maxMs)} ms (${r.rtpInToWsOut.count} frames); WS-in → RTP-out pacing jitter p50 ${f(r.pacingJitter.p50Ms, 3)} p99 ${f(r.pacingJitter.p99Ms, 3)} max ${f(r.pacingJitter.maxMs)} ms; scheduler max late ${f(r.schedulerMaxLateMs)} ms`);
  log(`  send queue (agent audio ahead of each frame as it left) p50 ${f(r.sendQueue.p50Ms, 1)} p99 ${f(r.sendQueue.p99Ms, 1)} max ${f(r.sendQueue.maxMs, 1)} ms; frames: underruns ${r.send.underruns}, dropped late ${r.send.late}, trimmed from standing backlogs ${r.send.trimmed}`);
  log(`  round trip (tagged echo) p50 ${f(r.roundTrip.p50Ms, 1)} p99 ${f(r.roundTrip.p99Ms, 1)} max ${f(r.roundTrip.maxMs, 1)} ms; shortest trip per call: min ${f(r.perCallMinRtt.minMs, 1)} median ${f(r.perCallMinRtt.p50Ms, 1)} max ${f(r.perCallMinRtt.maxMs, 1)} ms over ${r.perCallMinRtt.calls} calls`);
  log(`  round trip by tenth of the window, p50/p99 ms: ${r.roundTripByTenth.map((s) => `${f(s.p50Ms, 1)}/${f(s.p99Ms, 1)}`).join(' ')}`);
  log(`  calls by frames of backlog at the end of the window (last trip − shortest trip, in 20 ms): ${r.framesBehindAtEnd.map((n, k) => `${k}: ${n}`).join(', ')}`);
  log(`  first audio out (answer → first echo heard) p50 ${f(r.firstAudioOut.answerToEcho.p50Ms, 1)} p99 ${f(r.firstAudioOut.answerToEcho.p99Ms, 1)} ms; first packet → its echo p50 ${f(r.firstAudioOut.firstPacketToEcho.p50Ms, 1)} p99 ${f(r.firstAudioOut.firstPacketToEcho.p99Ms, 1)} ms; never echoed ${r.firstAudioOut.neverEchoed}`);
  log(`  packets: sent ${r.sent}, not echoed ${r.lost} (socket drops: engine ${r.engineSocketDrops}, generator ${r.generatorSocketDrops}); generator skipped ${r.generatorSkippedFrames} frames while starved, clock late p99 ${f(r.generatorSendLate.p99Ms)} max ${f(r.generatorSendLate.maxMs, 1)} ms`);
  if (r.lost) log(`  missing echoes: ${r.loss.calls} calls, at most ${r.loss.maxPerCall} in one call; ${r.loss.deadCalls} calls echoed nothing all window; by tenth of the window: ${r.loss.byTenth.join(' ')}`);
  log(`  agent: ${r.agent.framesIn} frames in, ${r.agent.framesOut} echoed, ${r.agent.open} sockets open, ${r.agent.invalid} invalid; its event loop late p99 ${f(r.agent.loopDelay.p99Ms)} max ${f(r.agent.loopDelay.maxMs, 1)} ms; RSS ${f(r.agentRssMb, 0)} MB`);
  log(`  engine RSS ${f(r.rssMb, 0)} MB (idle ${f(r.baselineRssMb, 0)} MB) = ${f(r.rssPerCallKb, 0)} KB/call; host timer canary late p99 ${f(r.hostTimerLate.p99Ms)} max ${f(r.hostTimerLate.maxMs, 1)} ms`);
  log(`  engine threads (CPU s): ${r.engineThreads.slice(0, 6).map((t) => `${t.tid === r.enginePid ? 'main' : `${t.name}/${t.tid}`} ${f(t.seconds, 1)}`).join(', ')}`);
}

const LEGEND = [
  'How each figure is measured (the PBX is bench/media-load.ts, not SIPp: our own SIP stack places the calls and sends one',
  'tagged 20 ms PCMU packet per call every 20 ms; the agent is bench/echo-agent.ts in its own process):',
  '- calls failed: setup failures (no 200 OK, e.g. 480 when the agent could not be reached) + calls the engine ended (its BYE) before we hung up.',
  '- CPU: utime+stime from /proc over the window, in % of one core; "per call" = engine CPU / calls up.',
  '- RTP-in → WS-out: the engine\'s own probe (arrival→frame, GET /debug/media, worst worker thread). A frame is handed to the',
  '  agent\'s WebSocket (encode, dialect frame, ws.send → socket write) in the same event-loop turn as its packet was read, so the',
  '  probe, from the datagram\'s handling to the end of that turn, covers it. Not included: time in the kernel socket queue before.',
  '- WS-in → RTP-out pacing jitter: the probe\'s pacing histogram, |gap between two RTP packets of a call − 20 ms|. Agent audio',
  '  is queued and leaves on the call\'s next 20 ms send slot, so this is how regular that clock is, not how long audio waits.',
  '  The slot of a call whose agent streams in real time moves (2 ms steps) so its audio waits about 10 ms: those moves',
  '  show here as one shorter interval.',
  '- send queue: the probe\'s queued agent audio ahead of each frame as it leaves (20 ms = the frame itself). Frames',
  '  "dropped late" came after their send slot had passed (stalls); "underruns" are slots that went out without audio',
  '  mid-stream; "trimmed" frames were standing delay behind a real-time stream (src/media/playout-control.ts).',
  '- first audio out: not in the probe; seen from the caller: 200 OK → first echoed packet heard. It includes our ACK, the',
  '  wait for the call\'s first send slot (≤ 20 ms) and one round trip.',
  '- round trip: every packet is a loud 20 ms burst (1 kHz tone) carrying its number in its first payload octets; the agent',
  '  echoes it at once and G.711 decode/encode keeps those octets, so each packet that comes back is matched to the one sent:',
  '  the time from sending a burst as RTP until the same burst comes back as RTP, for every packet of the window.',
];

/** One column per run; the targets are checked on the run with the most calls. */
export function printE2eTable(rows: E2eRow[]): void {
  const t = E2E_TARGETS;
  const metrics: [string, (r: E2eRow) => string, string][] = [
    ['calls up (answered / placed)', (r) => `${r.answered} / ${r.placed}`, `${t.calls}`],
    ['calls completed / failed', (r) => `${r.completed} / ${r.failed}`, `${t.failed} failed`],
    ['engine CPU % of a core (per call)', (r) => `${f(r.engineCpuPct, 1)} (${f(r.cpuPerCallPct, 3)})`, ''],
    ['echo agent CPU %', (r) => f(r.agentCpuPct, 1), ''],
    ['generator CPU %', (r) => f(r.generatorCpuPct, 1), ''],
    ['RTP-in → WS-out p50 / p99 ms', (r) => pp(r.rtpInToWsOut, 3), `p99 <= ${t.wsOutP99Ms}`],
    ['WS-in → RTP-out pacing jitter p99 ms', (r) => f(r.pacingJitter.p99Ms, 3), ''],
    ['first audio out p50 / p99 ms', (r) => pp(r.firstAudioOut.answerToEcho), ''],
    ['engine RSS MB (idle) / agent RSS MB', (r) => `${f(r.rssMb, 0)} (${f(r.baselineRssMb, 0)}) / ${f(r.agentRssMb, 0)}`, ''],
    ['**round trip a caller hears** p50 / p99 ms', (r) => `**${pp(r.roundTrip)}**`, `p50 <= ${t.roundTripP50Ms}, p99 <= ${t.roundTripP99Ms}`],
    ['packets sent / not echoed', (r) => `${r.sent} / ${r.lost}`, ''],
    ['host timer canary late p99 ms', (r) => f(r.hostTimerLate.p99Ms, 1), ''],
  ];
  log(`\n| metric | ${rows.map((r) => `${r.answered} calls ${r.dialect}${r.srtp ? ' srtp' : ''}, ${f(r.seconds, 0)} s`).join(' | ')} | target |`);
  log(`|---|${rows.map(() => '---:').join('|')}|---|`);
  for (const [name, value, target] of metrics) log(`| ${name} | ${rows.map(value).join(' | ')} | ${target} |`);
  log('');
  for (const l of LEGEND) log(l);
  const r = rows.reduce<E2eRow | undefined>((a, b) => (!a || b.placed > a.placed ? b : a), undefined);
  if (!r) return;
  const checks: [string, boolean][] = [
    [`${t.calls} concurrent calls`, r.answered >= t.calls],
    [`${t.failed} failed`, r.failed <= t.failed],
    [`RTP-in → WS-out p99 <= ${t.wsOutP99Ms} ms`, r.rtpInToWsOut.p99Ms <= t.wsOutP99Ms],
    [`round trip p50 <= ${t.roundTripP50Ms} ms`, r.roundTrip.p50Ms <= t.roundTripP50Ms],
    [`round trip p99 <= ${t.roundTripP99Ms} ms`, r.roundTrip.p99Ms <= t.roundTripP99Ms],
  ];
  log(`\ntargets (${r.placed} calls placed): ${checks.map(([name, ok]) => `${ok ? 'met' : 'MISSED'}: ${name}`).join('; ')}`);
}
