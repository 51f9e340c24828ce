/**
 * Writes the placeholder prompts shipped in dialplans/prompts/ (tone signals, 8 kHz 16-bit mono WAV):
 * transfer.wav — a two-note chime before a transfer; unavailable.wav — the ITU-T E.180 special information tone
 * (950/1400/1800 Hz, 330 ms each), the network's "your call cannot be completed". Replace them with recorded speech.
 * Run: npx tsx scripts/make-prompts.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

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

function wav(pcm: Int16Array): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + pcm.length * 2, 4); h.write('WAVE', 8);
  h.write('fmt ', 12); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22);
  h.writeUInt32LE(RATE, 24); h.writeUInt32LE(RATE * 2, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34);
  h.write('data', 36); h.writeUInt32LE(pcm.length * 2, 40);
  return Buffer.concat([h, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength)]);
}

writeFileSync(`${dir}transfer.wav`, wav(tones([[660, 350], [0, 50], [550, 500], [0, 100]])));
writeFileSync(`${dir}unavailable.wav`, wav(tones([[950, 330], [1400, 330], [1800, 330], [0, 300]])));
