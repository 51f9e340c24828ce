/** Test tones and their detection: WAV files in and out, Goertzel power at candidate frequencies. */
import { readFileSync, writeFileSync } from 'node:fs';

export function writeToneWav(path: string, freq: number, seconds: number, rate = 8000, amplitude = 8000): void {
  const n = Math.round(seconds * rate);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate)), i * 2);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8); h.write('fmt ', 12);
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34); h.write('data', 36); h.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([h, data]));
}

/** Reads a PCM16 mono WAV (finds the data chunk). */
export function readWav(path: string): { rate: number; samples: Int16Array } {
  const b = readFileSync(path);
  const rate = b.readUInt32LE(24);
  let off = 12;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const len = b.readUInt32LE(off + 4);
    if (id === 'data') {
      const end = Math.min(b.length, off + 8 + len);
      const samples = new Int16Array((end - off - 8) >> 1);
      for (let i = 0; i < samples.length; i++) samples[i] = b.readInt16LE(off + 8 + i * 2);
      return { rate, samples };
    }
    off += 8 + len + (len & 1);
  }
  return { rate, samples: new Int16Array(0) };
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
