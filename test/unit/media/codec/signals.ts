/** Test signals and measurements for the codec tests (tone generation, levels, SNR at the best alignment). */

/** A sine of `amplitude` at `freq` Hz, `n` samples at `rate`. */
export function tone(freq: number, rate: number, n: number, amplitude = 8000, phase = 0): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate + phase));
  return out;
}

/** Deterministic pseudo-random integers (a 32-bit LCG), so failures reproduce. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
}

/**
 * One second of 16 kHz "speech-like" test signal: tones at 440 Hz, 2.2 kHz and 5.5 kHz (so both G.722 sub-bands
 * are busy) plus low-level noise, peaking well below full scale. Used for the interoperability vectors.
 */
export function wideband(n = 16000): Int16Array {
  const rnd = lcg(722);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / 16000;
    const v = 6000 * Math.sin(2 * Math.PI * 440 * t) + 3000 * Math.sin(2 * Math.PI * 2200 * t + 0.3)
      + 2000 * Math.sin(2 * Math.PI * 5500 * t + 1.1) + ((rnd() & 2047) - 1024);
    out[i] = Math.round(v);
  }
  return out;
}

/** Root-mean-square level of samples [start, end). */
export function rms(x: ArrayLike<number>, start = 0, end = x.length): number {
  let sum = 0;
  for (let i = start; i < end; i++) sum += (x[i] as number) ** 2;
  return Math.sqrt(sum / Math.max(1, end - start));
}

export function db(ratio: number): number {
  return 20 * Math.log10(ratio);
}

/**
 * Signal-to-noise ratio of `output` against `input` over input samples [start, end), with the output delayed by
 * the lag in [0, maxLag] that gives the best ratio (a codec's or filter's fixed group delay).
 */
export function snrAtBestLag(input: Int16Array, output: Int16Array, start: number, end: number, maxLag: number): { snrDb: number; lag: number } {
  let best = { snrDb: -Infinity, lag: 0 };
  for (let lag = 0; lag <= maxLag; lag++) {
    let signal = 0;
    let noise = 0;
    for (let i = start; i < end && i + lag < output.length; i++) {
      const x = input[i] as number;
      signal += x * x;
      noise += ((output[i + lag] as number) - x) ** 2;
    }
    const snrDb = 10 * Math.log10(signal / Math.max(noise, 1e-9));
    if (snrDb > best.snrDb) best = { snrDb, lag };
  }
  return best;
}

/** Largest absolute difference between neighbouring samples in [start, end). */
export function maxStep(x: Int16Array, start = 1, end = x.length): number {
  let m = 0;
  for (let i = Math.max(1, start); i < end; i++) m = Math.max(m, Math.abs((x[i] as number) - (x[i - 1] as number)));
  return m;
}

export function concat(chunks: Int16Array[]): Int16Array {
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
