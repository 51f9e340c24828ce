/**
 * What a recording sounds like, block by block: each 20 ms block is silence, one of a few candidate tones
 * (Goertzel), or something else. Used to find the demo agent's greeting (three beeps in order) and the
 * caller's tone coming back, in baresip's recordings and in RTP received by `npm run demo`.
 */
import { goertzel } from './audio.js';

export interface ToneTimelineOptions {
  blockMs?: number;
  /** RMS below this is silence. */
  silenceRms?: number;
  /** Share of the candidates' total power the strongest needs to name the block. */
  minShare?: number;
}

/** One block's label: a candidate frequency, 0 for silence, -1 for anything else. */
export type BlockLabel = number;

export interface ToneTimeline {
  blockMs: number;
  labels: BlockLabel[];
}

export interface ToneRun {
  label: BlockLabel;
  startMs: number;
  ms: number;
}

export function toneTimeline(samples: ArrayLike<number>, rate: number, candidates: readonly number[], o: ToneTimelineOptions = {}): ToneTimeline {
  const blockMs = o.blockMs ?? 20;
  const len = Math.round((rate * blockMs) / 1000);
  const labels: BlockLabel[] = [];
  for (let start = 0; start + len <= samples.length; start += len) {
    let energy = 0;
    for (let i = start; i < start + len; i++) energy += (samples[i] as number) ** 2;
    if (Math.sqrt(energy / len) < (o.silenceRms ?? 200)) {
      labels.push(0);
      continue;
    }
    const powers = candidates.map((f) => goertzel(samples, start, len, f, rate));
    const total = powers.reduce((a, b) => a + b, 0) || 1;
    let best = 0;
    for (let i = 1; i < powers.length; i++) if ((powers[i] as number) > (powers[best] as number)) best = i;
    labels.push((powers[best] as number) / total >= (o.minShare ?? 0.6) ? (candidates[best] as number) : -1);
  }
  return { blockMs, labels };
}

/** Consecutive blocks with the same label, merged. */
export function toneRuns(t: ToneTimeline): ToneRun[] {
  const runs: ToneRun[] = [];
  t.labels.forEach((label, i) => {
    const last = runs[runs.length - 1];
    if (last && last.label === label) last.ms += t.blockMs;
    else runs.push({ label, startMs: i * t.blockMs, ms: t.blockMs });
  });
  return runs;
}

/** Where a sample first exceeds `threshold` in magnitude, in ms; undefined for a silent recording. */
export function firstSoundMs(samples: ArrayLike<number>, rate: number, threshold = 500): number | undefined {
  for (let i = 0; i < samples.length; i++) if (Math.abs(samples[i] as number) > threshold) return (i * 1000) / rate;
  return undefined;
}

export interface Beeps {
  beeps: ToneRun[];
  /** End of the last beep, ms from the start of the recording. */
  endMs: number;
}

/**
 * The first occurrence of `freqs` as tone runs in that order, each at least `minMs` long, with nothing but
 * silence (or blocks that straddle a beep's edge) between them.
 */
export function findBeeps(t: ToneTimeline, freqs: readonly number[], minMs = 100): Beeps | undefined {
  const runs = toneRuns(t);
  for (let i = 0; i < runs.length; i++) {
    const beeps: ToneRun[] = [];
    let j = i;
    for (const f of freqs) {
      while (j < runs.length && beeps.length > 0 && (runs[j] as ToneRun).label !== f && (runs[j] as ToneRun).ms <= 100 && (runs[j] as ToneRun).label <= 0) j++;
      const r = runs[j];
      if (!r || r.label !== f || r.ms < minMs) break;
      beeps.push(r);
      j++;
    }
    if (beeps.length === freqs.length) {
      const last = beeps[beeps.length - 1] as ToneRun;
      return { beeps, endMs: last.startMs + last.ms };
    }
  }
  return undefined;
}

/** The first run of `freq` lasting at least `minMs` that starts at or after `fromMs`. */
export function findTone(t: ToneTimeline, freq: number, fromMs: number, minMs: number): ToneRun | undefined {
  return toneRuns(t).find((r) => r.label === freq && r.startMs >= fromMs && r.ms >= minMs);
}

/** Total ms of blocks labelled `freq` at or after `fromMs`. */
export function toneMs(t: ToneTimeline, freq: number, fromMs = 0): number {
  let n = 0;
  t.labels.forEach((l, i) => {
    if (l === freq && i * t.blockMs >= fromMs) n++;
  });
  return n * t.blockMs;
}
