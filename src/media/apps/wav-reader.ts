/**
 * Reads a PCM WAV file (RIFF/WAVE, format 1, 16-bit, mono or stereo → mono) for prompts. Throws an Error that
 * says what is wrong with the file, so the caller can log it and play nothing rather than noise.
 */
import { readFileSync } from 'node:fs';

export interface WavAudio {
  rate: number;
  samples: Int16Array;
}

export function parseWav(buf: Buffer): WavAudio {
  if (buf.length < 12 || buf.toString('ascii', 0, 4) !== 'RIFF' || buf.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  let off = 12;
  while (off + 8 <= buf.length) {
    const id = buf.toString('ascii', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ' && size >= 16 && body + 16 <= buf.length) {
      fmt = { format: buf.readUInt16LE(body), channels: buf.readUInt16LE(body + 2), rate: buf.readUInt32LE(body + 4), bits: buf.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (!fmt) throw new Error('data chunk before fmt chunk');
      if (fmt.format !== 1 && fmt.format !== 0xfffe) throw new Error(`unsupported WAV format ${fmt.format} (need 16-bit PCM)`);
      if (fmt.bits !== 16) throw new Error(`unsupported sample size ${fmt.bits} bits (need 16)`);
      if (fmt.channels < 1 || fmt.channels > 2) throw new Error(`unsupported channel count ${fmt.channels}`);
      const end = Math.min(buf.length, body + size);
      const frames = Math.floor((end - body) / (2 * fmt.channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        const at = body + i * 2 * fmt.channels;
        samples[i] = fmt.channels === 1 ? buf.readInt16LE(at) : (buf.readInt16LE(at) + buf.readInt16LE(at + 2)) >> 1;
      }
      return { rate: fmt.rate, samples };
    }
    off = body + size + (size & 1);
  }
  throw new Error('no data chunk');
}

export function readWavFile(path: string): WavAudio {
  return parseWav(readFileSync(path));
}
