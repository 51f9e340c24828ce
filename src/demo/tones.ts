/**
 * The demo agent's sounds, as the Twilio dialect carries them: 8 kHz μ-law in 20 ms frames, base64-encoded.
 * The greeting is three rising beeps (C5 E5 G5) a listener — or a Goertzel filter — recognises at once; a
 * digit is answered with its own DTMF pair (ITU-T Q.23 frequencies), so the caller hears the key they pressed.
 */
import { encodeUlaw } from '../media/codec/g711.js';

export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000;

/** The greeting: one beep per frequency, rising, each `beepMs` long with `gapMs` of silence between. */
export const GREETING = { frequencies: [523, 659, 784], beepMs: 150, gapMs: 50, amplitude: 10000 } as const;

/** How long the digit tone lasts, and each of its two components' amplitude. */
export const DIGIT_TONE = { ms: 200, amplitude: 6000 } as const;

/** Fade in/out so a beep starts and stops without a click. */
const RAMP_MS = 5;

/** ITU-T Q.23: row (low group) and column (high group) frequencies of the 16-key pad. */
const DTMF_ROWS = [697, 770, 852, 941] as const;
const DTMF_COLUMNS = [1209, 1336, 1477, 1633] as const;
const DTMF_KEYS = ['123A', '456B', '789C', '*0#D'] as const;

/** The frequency pair of a DTMF key (0-9, *, #, A-D), or undefined for anything else. */
export function dtmfPair(digit: string): [number, number] | undefined {
  if (digit.length !== 1) return undefined;
  const key = digit.toUpperCase();
  for (let row = 0; row < DTMF_KEYS.length; row++) {
    const col = (DTMF_KEYS[row] as string).indexOf(key);
    if (col !== -1) return [DTMF_ROWS[row] as number, DTMF_COLUMNS[col] as number];
  }
  return undefined;
}

interface Segment {
  /** Frequencies summed in this segment; empty for silence. */
  freqs: readonly number[];
  ms: number;
  amplitude: number;
}

function render(segments: readonly Segment[]): Int16Array {
  const total = segments.reduce((n, s) => n + Math.round((s.ms * SAMPLE_RATE) / 1000), 0);
  const pcm = new Int16Array(Math.ceil(total / FRAME_SAMPLES) * FRAME_SAMPLES); // pads with silence to whole frames
  const ramp = (RAMP_MS * SAMPLE_RATE) / 1000;
  let at = 0;
  for (const s of segments) {
    const n = Math.round((s.ms * SAMPLE_RATE) / 1000);
    for (let i = 0; i < n && s.freqs.length > 0; i++) {
      const gain = Math.min(1, i / ramp, (n - 1 - i) / ramp);
      let v = 0;
      for (const f of s.freqs) v += Math.sin((2 * Math.PI * f * i) / SAMPLE_RATE);
      pcm[at + i] = Math.round(s.amplitude * gain * v);
    }
    at += n;
  }
  return pcm;
}

/** μ-law frames of 20 ms, base64 as a `media` message's payload. */
function payloads(pcm: Int16Array): string[] {
  const out: string[] = [];
  const bytes = Buffer.alloc(FRAME_SAMPLES);
  for (let at = 0; at < pcm.length; at += FRAME_SAMPLES) {
    encodeUlaw(pcm.subarray(at, at + FRAME_SAMPLES), bytes);
    out.push(bytes.toString('base64'));
  }
  return out;
}

let greeting: readonly string[] | undefined;
let silence: string | undefined;

/** One frame of silence as a `media` payload. */
export function silencePayload(): string {
  silence ??= payloads(new Int16Array(FRAME_SAMPLES))[0] as string;
  return silence;
}

/** The greeting as `media` payloads (computed once, shared by every call). */
export function greetingPayloads(): readonly string[] {
  if (!greeting) {
    const segments: Segment[] = [];
    GREETING.frequencies.forEach((f, i) => {
      if (i > 0) segments.push({ freqs: [], ms: GREETING.gapMs, amplitude: 0 });
      segments.push({ freqs: [f], ms: GREETING.beepMs, amplitude: GREETING.amplitude });
    });
    greeting = payloads(render(segments));
  }
  return greeting;
}

const digits = new Map<string, readonly string[]>();

/** The DTMF pair of `digit` as `media` payloads, or undefined when it is not a DTMF key. */
export function digitPayloads(digit: string): readonly string[] | undefined {
  const pair = dtmfPair(digit);
  if (!pair) return undefined;
  const key = digit.toUpperCase();
  let frames = digits.get(key);
  if (!frames) {
    frames = payloads(render([{ freqs: pair, ms: DIGIT_TONE.ms, amplitude: DIGIT_TONE.amplitude }]));
    digits.set(key, frames);
  }
  return frames;
}
