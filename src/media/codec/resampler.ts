/**
 * Sample-rate conversion between the telephony and agent rates (8, 16, 24 kHz; any integer rates whose
 * reduced ratio L/M has L <= MAX_INTERPOLATION work).
 *
 * Polyphase windowed-sinc: conceptually upsample by L (zero stuffing), low-pass at the lower of the two
 * Nyquist frequencies, keep every M-th sample. Only the non-zero products are computed: output n uses phase
 * p = nM mod L of the prototype filter and the input samples ending at floor(nM / L). The prototype is a
 * Kaiser-windowed sinc; its polyphase table is built once per (ratio, options) and shared by every instance.
 *
 * The filter is causal: the resampler keeps the last (taps-per-phase - 1) input samples, so feeding a signal
 * in 20 ms frames gives exactly the samples of feeding it in one go (no clicks at frame boundaries), and
 * every 20 ms in gives exactly 20 ms out (160 → 320, 320 → 480, ...). The price is a fixed group delay of
 * half the filter length (2 ms with the defaults).
 */
import { SwitchboardError } from '../../shared/errors.js';

export interface ResamplerOptions {
  /**
   * Filter length, counted in samples of the lower of the two rates (so the same value gives the same
   * transition band, in Hz, for every ratio). Longer is sharper and slower: CPU grows linearly.
   */
  taps?: number;
  /** Stop-band attenuation the Kaiser window is designed for, in dB. */
  stopbandDb?: number;
  /** Pass-band edge as a fraction of the lower rate's Nyquist frequency (0.85 at 8 kHz = 3400 Hz). */
  passband?: number;
}

/**
 * Defaults: 32 taps at the lower rate (4 ms), 70 dB. At 8 kHz: flat (< 0.01 dB) to 3.4 kHz, -6 dB near
 * 3.95 kHz, >= 70 dB down from 4.5 kHz. At 16 kHz (16k <-> 24k): flat to 6.8 kHz, >= 70 dB down from 9 kHz.
 * 48 taps narrows the transition to 3.4-4.2 kHz for about 1.5x the CPU.
 */
export const RESAMPLER_DEFAULTS: Required<ResamplerOptions> = { taps: 32, stopbandDb: 70, passband: 0.85 };

/** Largest interpolation factor L accepted (keeps the polyphase table small). */
export const MAX_INTERPOLATION = 64;

interface PolyphaseTable {
  up: number; // L
  down: number; // M
  perPhase: number; // taps per phase (input samples per output)
  coeffs: Float64Array; // [phase * perPhase + t], ordered oldest → newest input sample
}

const tables = new Map<string, PolyphaseTable>();

export class Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  private readonly table: PolyphaseTable;
  private readonly history: number; // perPhase - 1 samples kept between calls
  private work: Float64Array; // history followed by the current input
  private inPos = 0; // input index (relative to the current call's input) of the next output
  private phase = 0; // polyphase branch of the next output

  constructor(fromRate: number, toRate: number, options: ResamplerOptions = {}) {
    if (!Number.isInteger(fromRate) || !Number.isInteger(toRate) || fromRate <= 0 || toRate <= 0) {
      throw new SwitchboardError('CONFIG_INVALID', `resampler rates must be positive integers (${fromRate} → ${toRate})`);
    }
    this.fromRate = fromRate;
    this.toRate = toRate;
    this.table = polyphaseTable(fromRate, toRate, { ...RESAMPLER_DEFAULTS, ...options });
    this.history = this.table.perPhase - 1;
    this.work = new Float64Array(this.history + Math.ceil(fromRate / 50)); // room for 20 ms; grows if needed
  }

  /** Exact number of samples the next process() call returns for `inputLength` input samples. */
  outputLength(inputLength: number): number {
    const { up, down } = this.table;
    const room = (inputLength - this.inPos) * up - this.phase;
    return room > 0 ? Math.ceil(room / down) : 0;
  }

  /**
   * Converts one block. Writes into `out` when given (it must hold outputLength(input.length) samples; the
   * result is `out` itself when the lengths match exactly, else a subarray view of it) or a new array.
   */
  process(input: Int16Array, out?: Int16Array): Int16Array {
    const count = this.outputLength(input.length);
    const dst = out ?? new Int16Array(count);
    if (dst.length < count) {
      throw new SwitchboardError('CONFIG_INVALID', `resampler output buffer holds ${dst.length} samples, needs ${count}`);
    }
    const { up, down, perPhase, coeffs } = this.table;
    const hist = this.history;
    if (this.work.length < hist + input.length) {
      const grown = new Float64Array(hist + input.length);
      grown.set(this.work.subarray(0, hist));
      this.work = grown;
    }
    const work = this.work;
    for (let i = 0; i < input.length; i++) work[hist + i] = input[i] as number;

    const stepWhole = Math.floor(down / up);
    const stepFrac = down - stepWhole * up;
    let pos = this.inPos;
    let phase = this.phase;
    for (let n = 0; n < count; n++) {
      // Output n depends on input samples pos - perPhase + 1 .. pos, i.e. work[pos .. pos + hist].
      // Four partial sums: the adds then overlap instead of waiting on one another (perPhase is a multiple of 4).
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      const c0 = phase * perPhase;
      for (let t = 0; t < perPhase; t += 4) {
        const c = c0 + t;
        const w = pos + t;
        a0 += (coeffs[c] as number) * (work[w] as number);
        a1 += (coeffs[c + 1] as number) * (work[w + 1] as number);
        a2 += (coeffs[c + 2] as number) * (work[w + 2] as number);
        a3 += (coeffs[c + 3] as number) * (work[w + 3] as number);
      }
      const s = Math.round(a0 + a1 + (a2 + a3));
      dst[n] = s > 32767 ? 32767 : s < -32768 ? -32768 : s;
      pos += stepWhole;
      phase += stepFrac;
      if (phase >= up) {
        phase -= up;
        pos++;
      }
    }
    this.inPos = pos - input.length;
    this.phase = phase;
    // Keep the newest `hist` samples (older history too, when the input was shorter than the history).
    work.copyWithin(0, input.length, input.length + hist);
    return count === dst.length ? dst : dst.subarray(0, count);
  }

  /** Forgets all history (a new stream starts from silence). */
  reset(): void {
    this.work.fill(0);
    this.inPos = 0;
    this.phase = 0;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** The shared polyphase table for one ratio and option set, designed on first use. */
export function polyphaseTable(fromRate: number, toRate: number, options: Required<ResamplerOptions>): PolyphaseTable {
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  const key = `${up}/${down}:${options.taps}:${options.stopbandDb}:${options.passband}`;
  const cached = tables.get(key);
  if (cached) return cached;
  if (up > MAX_INTERPOLATION) {
    throw new SwitchboardError('CONFIG_INVALID', `resampling ${fromRate} → ${toRate} needs interpolation by ${up} (max ${MAX_INTERPOLATION})`);
  }
  if (!(options.taps >= 2 && options.stopbandDb > 0 && options.passband > 0 && options.passband < 1)) {
    throw new SwitchboardError('CONFIG_INVALID', 'resampler options out of range');
  }
  const lowRate = Math.min(fromRate, toRate);
  const perPhase = 4 * Math.max(1, Math.round((options.taps * fromRate) / lowRate / 4)); // a multiple of 4
  const length = up * perPhase;
  const upRate = fromRate * up;
  const proto = kaiserLowPass(length, upRate, lowRate, options);
  const coeffs = new Float64Array(length);
  for (let p = 0; p < up; p++) {
    // Branch p holds proto[p + up*j] for input x[i0 - j]; store oldest-first and normalise to unity DC gain.
    let sum = 0;
    for (let j = 0; j < perPhase; j++) sum += proto[p + up * j] as number;
    for (let j = 0; j < perPhase; j++) coeffs[p * perPhase + (perPhase - 1 - j)] = (proto[p + up * j] as number) / sum;
  }
  const table = { up, down, perPhase, coeffs };
  tables.set(key, table);
  return table;
}

/**
 * Kaiser-windowed sinc low-pass of `length` taps at `rate`, with the transition band placed from
 * passband * (lowRate / 2) upward by the width the Kaiser formula gives for this length and attenuation
 * (Kaiser 1974: N - 1 = (A - 7.95) / (14.36 Δf / fs)).
 */
function kaiserLowPass(length: number, rate: number, lowRate: number, o: Required<ResamplerOptions>): Float64Array {
  const a = o.stopbandDb;
  const beta = a > 50 ? 0.1102 * (a - 8.7) : a >= 21 ? 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21) : 0;
  const transition = ((a - 7.95) / (14.36 * Math.max(1, length - 1))) * rate;
  const edge = o.passband * (lowRate / 2);
  const cutoff = Math.min(edge + transition / 2, rate / 2) / rate; // cycles per sample at `rate`
  const centre = (length - 1) / 2;
  const h = new Float64Array(length);
  const i0beta = besselI0(beta);
  for (let k = 0; k < length; k++) {
    const x = k - centre;
    const sinc = x === 0 ? 2 * cutoff : Math.sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
    const r = centre === 0 ? 0 : x / centre;
    h[k] = sinc * (besselI0(beta * Math.sqrt(Math.max(0, 1 - r * r))) / i0beta);
  }
  return h;
}

/** Modified Bessel function of the first kind, order 0 (power series). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-16) break;
  }
  return sum;
}
