/**
 * What the demo phone says: a 1 kHz tone with a short break in it. The tone proves the audio came back; the
 * break, found in both what was sent and what was heard, times the round trip.
 */
import { writeFileSync } from 'node:fs';

export const CALLER_TONE = { freq: 1000, amplitude: 8000, breakAtMs: 2500, breakMs: 200 } as const;

export function callerTone(seconds: number, rate = 8000): Int16Array {
  const pcm = new Int16Array(Math.round(seconds * rate));
  const from = (CALLER_TONE.breakAtMs * rate) / 1000;
  const to = ((CALLER_TONE.breakAtMs + CALLER_TONE.breakMs) * rate) / 1000;
  for (let i = 0; i < pcm.length; i++) {
    if (i >= from && i < to) continue;
    pcm[i] = Math.round(CALLER_TONE.amplitude * Math.sin((2 * Math.PI * CALLER_TONE.freq * i) / rate));
  }
  return pcm;
}

/** A PCM16 mono WAV file (what baresip's aufile source plays). */
export function writeWav(path: string, pcm: Int16Array, rate = 8000): void {
  const data = Buffer.alloc(pcm.length * 2);
  pcm.forEach((s, i) => data.writeInt16LE(s, i * 2));
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8); h.write('fmt ', 12);
  h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22); h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34); h.write('data', 36); h.writeUInt32LE(data.length, 40);
  writeFileSync(path, Buffer.concat([h, data]));
}
