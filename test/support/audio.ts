/** Test tones and their detection: WAV files in and out, Goertzel power at candidate frequencies. */
import { WavWriter } from '../../src/media/apps/wav-writer.js';
import { readWavFile } from '../../src/media/apps/wav-reader.js';

export function writeToneWav(path: string, freq: number, seconds: number, rate = 8000, amplitude = 8000): void {
  const w = new WavWriter(path, rate);
  w.write(toneSamples(freq, seconds * 1000, rate, amplitude));
  w.close();
}

/** Reads a PCM16 WAV (the product's reader: any chunk order, stereo mixed down). */
export function readWav(path: string): { rate: number; samples: Int16Array } {
  return readWavFile(path);
}

/** Goertzel power of one frequency over a block, normalised by block length. */
export function goertzel(samples: ArrayLike<number>, start: number, len: number, freq: number, rate: number): number {
  const k = (2 * Math.cos((2 * Math.PI * freq) / rate));
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < start + len && i < samples.length; i++) {
    const s0 = (samples[i] as number) + k * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / (len * len);
}

/** The strongest of the candidate frequencies after skipping `skipSeconds`, with its share of the total. */
export function dominantTone(samples: ArrayLike<number>, rate: number, candidates: number[], skipSeconds = 0.5): { freq: number; share: number } {
  const start = Math.floor(skipSeconds * rate);
  const len = Math.max(0, samples.length - start);
  const powers = candidates.map((f) => goertzel(samples, start, len, f, rate));
  const total = powers.reduce((a, b) => a + b, 0) || 1;
  let best = 0;
  for (let i = 1; i < powers.length; i++) if ((powers[i] as number) > (powers[best] as number)) best = i;
  return { freq: candidates[best] as number, share: (powers[best] as number) / total };
}

/** `ms` of a sine tone at `rate` Hz, as PCM samples (what test phones and agents send). */
export function toneSamples(freq: number, ms: number, rate = 8000, amplitude = 8000): Int16Array {
  const n = Math.round((ms * rate) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}
