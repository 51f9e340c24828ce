/**
 * Sample-rate conversion between the telephony and agent rates (8, 16, 24 kHz; any integer rates whose
 * reduced ratio L/M has L <= MAX_INTERPOLATION work).
 *
 * Polyphase windowed-sinc: conceptually upsample by L (zero stuffing), low-pass at the lower of the two
 * Nyquist frequencies, keep every M-th sample. Only the non-zero products are computed: output n uses branch
 * p = nM mod L of the prototype filter and the input samples ending at floor(nM / L). The filter design and
 * its sparse forms are in resampler-design.ts; tables are built once per ratio and shared by all instances.
 *
 * The filter is causal: the resampler keeps the last (taps-per-phase - 1) input samples, so feeding a signal
 * in 20 ms frames gives exactly the samples of feeding it in one go (no clicks at frame boundaries), and
 * every 20 ms in gives exactly 20 ms out (160 → 320, 320 → 480, ...). The price is a fixed group delay of
 * half the filter length (2 ms with the defaults). Equal rates pass samples through untouched.
 */
import { SwitchboardError } from '../../shared/errors.js';
import { RESAMPLER_DEFAULTS, polyphaseTable, type PolyphaseTable, type ResamplerOptions } from './resampler-design.js';

export { MAX_INTERPOLATION, RESAMPLER_DEFAULTS, polyphaseTable, type PolyphaseTable, type ResamplerOptions } from './resampler-design.js';

function toSample(acc: number): number {
  const s = Math.round(acc);
  return s > 32767 ? 32767 : s < -32768 ? -32768 : s;
}

export class Resampler {
  readonly fromRate: number;
  readonly toRate: number;
  private readonly table: PolyphaseTable;
  private readonly history: number; // perPhase - 1 samples kept between calls
  private work: Float64Array; // history followed by the current input
  private inPos = 0; // input index (relative to the current call's input) of the next output
  private phase = 0; // polyphase branch of the next output
  private acc = new Float64Array(160); // per-branch output accumulators; grows if needed

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
    if (this.fromRate === this.toRate) return inputLength;
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
    if (this.fromRate === this.toRate) {
      dst.set(input);
      return count === dst.length ? dst : dst.subarray(0, count);
    }
    const hist = this.history;
    if (this.work.length < hist + input.length) {
      const grown = new Float64Array(hist + input.length);
      grown.set(this.work.subarray(0, hist));
      this.work = grown;
    }
    for (let i = 0; i < input.length; i++) this.work[hist + i] = input[i] as number;
    // Outputs k, k + L, k + 2L, ... share branch p and step M input samples apart: run each branch over all of
    // its outputs of this call at once.
    const { up, down } = this.table;
    let pos = this.inPos;
    let phase = this.phase;
    for (let k = 0; k < up && k < count; k++) {
      this.branch(phase, pos, Math.ceil((count - k) / up), dst, k);
      phase += down;
      pos += Math.floor(phase / up);
      phase %= up;
    }
    const total = this.phase + count * down;
    this.inPos += Math.floor(total / up) - input.length;
    this.phase = total % up;
    // Keep the newest `hist` samples (older history too, when the input was shorter than the history).
    this.work.copyWithin(0, input.length, input.length + hist);
    return count === dst.length ? dst : dst.subarray(0, count);
  }

  /**
   * Computes `n` outputs of branch `phase`, the first depending on input samples ending at work[pos + hist],
   * each next one M samples later, into dst[first], dst[first + L], ... The loops run tap by tap over all n
   * outputs (long inner loops: several times faster in V8 than one short dot product per output), into the
   * scratch accumulator; every output still sums its taps in the same order, whatever the framing.
   */
  private branch(phase: number, pos: number, n: number, dst: Int16Array, first: number): void {
    const t = this.table;
    const { up, down } = t;
    const work = this.work;
    if (this.acc.length < n) this.acc = new Float64Array(n);
    const acc = this.acc;
    const tap = t.passthrough[phase] as number;
    if (tap >= 0) {
      // The identity branch of an upsampling Nyquist filter.
      for (let q = 0, w = pos + tap, o = first; q < n; q++, w += down, o += up) dst[o] = work[w] as number;
      return;
    }
    if (t.kind === 'fold') this.foldedTaps(pos, n);
    else this.denseTaps(phase, pos, n);
    for (let q = 0, o = first; q < n; q++, o += up) dst[o] = toSample(acc[q] as number);
  }

  /** acc = the centre tap, then each symmetric pair of non-zero taps (distances r, r + M, ... for r = 1 .. M-1). */
  private foldedTaps(pos: number, n: number): void {
    const t = this.table;
    const down = t.down;
    const work = this.work;
    const acc = this.acc;
    const mid = pos + t.centre;
    const cc = t.centreCoeff;
    for (let q = 0, w = mid; q < n; q++, w += down) acc[q] = cc * (work[w] as number);
    const pairCoeff = t.pairCoeff;
    const m1 = down;
    const m2 = 2 * down;
    const m3 = 3 * down;
    for (let r = 1, k = 0; r < down; r++) {
      const end = k + (t.pairRunLength[r] as number);
      let d = r;
      for (; k + 3 < end; k += 4, d += 4 * down) {
        // Four pairs (distances d, d + M, d + 2M, d + 3M) per pass over the outputs.
        const ca = pairCoeff[k] as number;
        const cb = pairCoeff[k + 1] as number;
        const cc2 = pairCoeff[k + 2] as number;
        const cd = pairCoeff[k + 3] as number;
        for (let q = 0, lo = mid - d, hi = mid + d; q < n; q++, lo += down, hi += down) {
          acc[q] = (acc[q] as number)
            + (ca * ((work[lo] as number) + (work[hi] as number)) + cb * ((work[lo - m1] as number) + (work[hi + m1] as number)))
            + (cc2 * ((work[lo - m2] as number) + (work[hi + m2] as number)) + cd * ((work[lo - m3] as number) + (work[hi + m3] as number)));
        }
      }
      for (; k < end; k++, d += down) {
        const c = pairCoeff[k] as number;
        for (let q = 0, lo = mid - d, hi = mid + d; q < n; q++, lo += down, hi += down) {
          acc[q] = (acc[q] as number) + c * ((work[lo] as number) + (work[hi] as number));
        }
      }
    }
  }

  /** acc = branch `phase`'s taps, eight (then four, then one) per pass over the outputs. */
  private denseTaps(phase: number, pos: number, n: number): void {
    const { down, perPhase, coeffs } = this.table;
    const work = this.work;
    const acc = this.acc;
    acc.fill(0, 0, n);
    const c0 = phase * perPhase;
    let k = 0;
    for (; k + 7 < perPhase; k += 8) {
      const ca = coeffs[c0 + k] as number;
      const cb = coeffs[c0 + k + 1] as number;
      const cc = coeffs[c0 + k + 2] as number;
      const cd = coeffs[c0 + k + 3] as number;
      const ce = coeffs[c0 + k + 4] as number;
      const cf = coeffs[c0 + k + 5] as number;
      const cg = coeffs[c0 + k + 6] as number;
      const ch = coeffs[c0 + k + 7] as number;
      for (let q = 0, w = pos + k; q < n; q++, w += down) {
        acc[q] = (acc[q] as number) + ((ca * (work[w] as number) + cb * (work[w + 1] as number)) + (cc * (work[w + 2] as number) + cd * (work[w + 3] as number)))
          + ((ce * (work[w + 4] as number) + cf * (work[w + 5] as number)) + (cg * (work[w + 6] as number) + ch * (work[w + 7] as number)));
      }
    }
    for (; k + 3 < perPhase; k += 4) {
      const ca = coeffs[c0 + k] as number;
      const cb = coeffs[c0 + k + 1] as number;
      const cc = coeffs[c0 + k + 2] as number;
      const cd = coeffs[c0 + k + 3] as number;
      for (let q = 0, w = pos + k; q < n; q++, w += down) {
        acc[q] = (acc[q] as number) + (ca * (work[w] as number) + cb * (work[w + 1] as number)) + (cc * (work[w + 2] as number) + cd * (work[w + 3] as number));
      }
    }
    for (; k < perPhase; k++) {
      const c = coeffs[c0 + k] as number;
      for (let q = 0, w = pos + k; q < n; q++, w += down) acc[q] = (acc[q] as number) + c * (work[w] as number);
    }
  }

  /** Forgets all history (a new stream starts from silence). */
  reset(): void {
    this.work.fill(0);
    this.inPos = 0;
    this.phase = 0;
  }
}

