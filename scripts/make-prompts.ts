/**
 * Writes the placeholder prompts shipped in dialplans/prompts/ (tone signals, 8 kHz 16-bit mono WAV):
 * transfer.wav — a two-note chime before a transfer; unavailable.wav — the ITU-T E.180 special information tone
 * (950/1400/1800 Hz, 330 ms each), the network's "your call cannot be completed". Replace them with recorded speech.
 * Run: npx tsx scripts/make-prompts.ts
 */
import { fileURLToPath } from 'node:url';
import { WavWriter } from '../src/media/apps/wav-writer.js';

const RATE = 8000;
const dir = fileURLToPath(new URL('../dialplans/prompts/', import.meta.url));

function tones(parts: [freq: number, ms: number][], amplitude = 8000): Int16Array {
  const total = parts.reduce((n, [, ms]) => n + Math.round((ms * RATE) / 1000), 0);
  const out = new Int16Array(total);
  let at = 0;
  for (const [f, ms] of parts) {
    const n = Math.round((ms * RATE) / 1000);
    const fade = Math.min(80, n >> 2); // 10 ms ramps: no clicks
    for (let i = 0; i < n; i++) {
      const env = Math.min(1, i / fade, (n - 1 - i) / fade);
      out[at + i] = f === 0 ? 0 : Math.round(amplitude * env * Math.sin((2 * Math.PI * f * i) / RATE));
    }
    at += n;
  }
  return out;
}

function writeWav(path: string, pcm: Int16Array): void {
  const w = new WavWriter(path, RATE);
  w.write(pcm);
  w.close();
}

writeWav(`${dir}transfer.wav`, tones([[660, 350], [0, 50], [550, 500], [0, 100]]));
writeWav(`${dir}unavailable.wav`, tones([[950, 330], [1400, 330], [1800, 330], [0, 300]]));
