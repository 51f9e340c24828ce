/**
 * Turns one observed demo call into checks and a short report a newcomer can read: the call flow, time to
 * answer, first audio, the greeting's three beeps, and the caller's tone coming back one echo delay later.
 */
import { GREETING } from '../../src/demo/tones.js';
import { findBeeps, findTone, firstSoundMs, toneMs, toneRuns, toneTimeline, type ToneRun } from '../../test/support/tone-timeline.js';
import type { Audio, CallObservation } from './call-observation.js';
import { CALLER_TONE } from './caller-tone.js';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ReportLimits {
  echoDelayMs: number;
  /** The greeting's first sound must reach the phone within this long after the answer. */
  firstAudioMaxMs: number;
  /** Allowed extra round-trip time on top of the echo delay (jitter buffers, pacing, loopback). */
  roundTripSlackMs: number;
}

export const REPORT_DEFAULTS = { firstAudioMaxMs: 1000, roundTripSlackMs: 300 } as const;

const ms = (v: number) => `${Math.round(v)} ms`;

export function checkCall(o: CallObservation, limits: ReportLimits): Check[] {
  const checks: Check[] = [];
  const invite = o.events.find((e) => e.direction === 'out' && e.label === 'INVITE');
  const answer = o.events.find((e) => e.direction === 'in' && /^200 .*\(INVITE\)$/.test(e.label));
  const final = o.events.find((e) => e.direction === 'in' && /^[3-6]\d\d .*\(INVITE\)$/.test(e.label));
  checks.push(answer && invite
    ? { name: 'answered', ok: true, detail: `${ms(answer.atMs - invite.atMs)} after the INVITE` }
    : { name: 'answered', ok: false, detail: final ? `Switchboard answered ${final.label}` : 'no 200 OK to the INVITE' });

  const heard = o.heard;
  const first = heard ? firstSoundMs(heard.samples, heard.rate) : undefined;
  if (!heard || first === undefined || !answer) {
    checks.push({ name: 'first audio', ok: false, detail: heard ? 'the phone heard only silence' : 'no audio reached the phone' });
  } else {
    const after = heard.startMs + first - answer.atMs;
    // Media may overtake the 200 OK's log line by a millisecond: that is "with the answer".
    const when = after < 1 ? 'with the answer' : `${ms(after)} after the answer`;
    checks.push({ name: 'first audio', ok: after <= limits.firstAudioMaxMs, detail: `${when} (the greeting's first sound at the phone)` });
  }

  const timeline = heard ? toneTimeline(heard.samples, heard.rate, [...GREETING.frequencies, CALLER_TONE.freq]) : undefined;
  const greeting = timeline ? findBeeps(timeline, GREETING.frequencies) : undefined;
  checks.push(greeting
    ? { name: 'greeting', ok: true, detail: greeting.beeps.map((b) => `${b.label} Hz at ${ms(b.startMs - (greeting.beeps[0] as ToneRun).startMs)}`).join(', ') }
    : { name: 'greeting', ok: false, detail: `no ${GREETING.frequencies.join('/')} Hz beeps heard${timeline ? `: ${describeRuns(timeline)}` : ''}` });

  checks.push(echoCheck(o, limits, timeline, greeting?.endMs ?? 0));

  const bye = o.events.find((e) => e.label === 'BYE');
  const byeOk = o.events.some((e) => e.label.startsWith('200 ') && e.label.endsWith('(BYE)'));
  checks.push({ name: 'hang-up', ok: Boolean(bye && byeOk), detail: bye ? (byeOk ? `BYE (${bye.direction === 'out' ? 'phone' : 'Switchboard'}) answered 200 OK` : 'BYE not answered') : 'no BYE' });
  return checks;
}

function echoCheck(o: CallObservation, limits: ReportLimits, timeline: ReturnType<typeof toneTimeline> | undefined, fromMs: number): Check {
  const name = 'echo';
  if (!timeline || !o.heard) return { name, ok: false, detail: 'nothing heard' };
  const back = findTone(timeline, CALLER_TONE.freq, fromMs, 500);
  if (!back) return { name, ok: false, detail: `the caller's ${CALLER_TONE.freq} Hz tone never came back: ${describeRuns(timeline)}` };
  const heardMs = toneMs(timeline, CALLER_TONE.freq, fromMs);
  // The break in the caller's tone, where it was sent and where it was heard, times the round trip.
  const sentBreak = o.sent ? breakIn(o.sent, 0) : undefined;
  const heardBreak = breakIn(o.heard, back.startMs);
  if (sentBreak === undefined || heardBreak === undefined) {
    return { name, ok: false, detail: `${CALLER_TONE.freq} Hz came back (${(heardMs / 1000).toFixed(1)} s) but the break in it was not found, so the delay is unknown` };
  }
  const roundTrip = heardBreak - sentBreak;
  const ok = roundTrip >= limits.echoDelayMs - 20 && roundTrip <= limits.echoDelayMs + limits.roundTripSlackMs;
  return {
    name, ok,
    detail: `your ${CALLER_TONE.freq} Hz came back ${ms(roundTrip)} later (the agent's echo delay is ${ms(limits.echoDelayMs)}; measured ±20 ms); ${(heardMs / 1000).toFixed(1)} s of it heard`,
  };
}

/** When the caller tone's break starts in `a` (ms after the INVITE), looking from `fromMs` into the audio. */
function breakIn(a: Audio, fromMs: number): number | undefined {
  const t = toneTimeline(a.samples, a.rate, [CALLER_TONE.freq]);
  const runs = toneRuns(t);
  for (let i = 1; i < runs.length; i++) {
    const r = runs[i] as ToneRun;
    const before = runs[i - 1] as ToneRun;
    if (r.startMs >= fromMs && r.label === 0 && before.label === CALLER_TONE.freq && before.ms >= 500 && Math.abs(r.ms - CALLER_TONE.breakMs) <= 40) {
      return a.startMs + r.startMs;
    }
  }
  return undefined;
}

function describeRuns(t: ReturnType<typeof toneTimeline>): string {
  const names = (l: number) => (l === 0 ? 'silence' : l < 0 ? 'other sound' : `${l} Hz`);
  return toneRuns(t).slice(0, 12).map((r) => `${names(r.label)} ${r.ms} ms`).join(', ') || 'nothing';
}

export function formatReport(o: CallObservation, checks: Check[], intro: string[]): string {
  const out = [...intro, '', 'Call flow (ms after the INVITE)'];
  for (const e of o.events) out.push(`  ${String(Math.round(e.atMs)).padStart(6)}  ${e.direction === 'out' ? 'phone → Switchboard' : 'phone ← Switchboard'}  ${e.label}`);
  if (o.events.length === 0) out.push('  (no SIP messages seen)');
  out.push('', 'Checks');
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const c of checks) out.push(`  ${c.ok ? 'PASS' : 'FAIL'}  ${c.name.padEnd(width)}  ${c.detail}`);
  const failed = checks.filter((c) => !c.ok).length;
  out.push('', failed === 0 ? 'All checks passed.' : `${failed} check(s) failed.`);
  return out.join('\n');
}
