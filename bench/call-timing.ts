/**
 * Per-call timing of bench:e2e, from the load generator's calls after a window: when each caller first heard
 * audio back, each call's shortest round trip, and how much backlog each call's audio carried at the end.
 */
import { Histogram } from './histogram.js';
import type { Call } from './media-load.js';
import { PTIME_MS } from './media-stream.js';

type Summary = { p50Ms: number; p99Ms: number; maxMs: number };

/** When the caller first hears audio back ("first audio out", seen from the PBX side). */
export interface FirstAudio {
  /** From the 200 OK to the first echo of one of our packets. */
  answerToEcho: Summary;
  /** From our first RTP packet to that first echo. */
  firstPacketToEcho: Summary;
  /** Answered calls that never heard an echo. */
  neverEchoed: number;
}

export function firstAudio(calls: readonly Call[]): FirstAudio {
  const fromAnswer = new Histogram();
  const fromPacket = new Histogram();
  let neverEchoed = 0;
  for (const c of calls) {
    const s = c.stream;
    if (s.firstEchoAt < 0) {
      neverEchoed++;
      continue;
    }
    fromAnswer.recordMs(s.firstEchoAt - c.answeredAt);
    fromPacket.recordMs(s.firstEchoAt - s.firstSentAt);
  }
  return { answerToEcho: fromAnswer.summary(), firstPacketToEcho: fromPacket.summary(), neverEchoed };
}

/**
 * Each call's shortest round trip in the window, summarised over the calls (min, median, max). The shortest
 * trip of a call is its path with the least queueing; how it spreads over the calls shows the fixed per-call
 * part, e.g. the phase of the engine's send slot against the caller's.
 */
export function perCallMinRtt(calls: readonly Call[]): { minMs: number; p50Ms: number; maxMs: number; calls: number } {
  const h = new Histogram();
  let min = Infinity;
  for (const c of calls) {
    const m = c.stream.winMinRttMs;
    if (m === Infinity) continue;
    h.recordMs(m);
    if (m < min) min = m;
  }
  return { minMs: h.count ? min : 0, p50Ms: h.percentileMs(50), maxMs: h.maxMs, calls: h.count };
}

/**
 * How many ptimes longer than its shortest trip each call's last round trip in the window was, rounded:
 * index k = calls whose audio came back k frames later than it can. A sender that queues what it gets and
 * sends one frame per ptime keeps every frame of backlog that a burst of late arrivals left behind; this
 * shows that backlog per call at the end of the window.
 */
export function framesBehindAtEnd(calls: readonly Call[]): number[] {
  const out: number[] = [];
  for (const c of calls) {
    const s = c.stream;
    if (s.winMinRttMs === Infinity) continue;
    const k = Math.max(0, Math.round((s.winLastRttMs - s.winMinRttMs) / PTIME_MS));
    while (out.length <= k) out.push(0);
    out[k] = (out[k] as number) + 1;
  }
  return out;
}
