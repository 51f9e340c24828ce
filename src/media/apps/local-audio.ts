/**
 * Switchboard's own audio toward the caller (protocol LocalAudio): ringback while an operator's phone rings, or
 * a prompt read from a WAV file. The media session plays it only when the application has nothing queued, so
 * the agent's last words ("I am transferring you") are never cut, and the caller never hears dead air.
 */
import { Resampler } from '../codec/resampler.js';
import type { LocalAudio } from '../plane/protocol.js';
import { readWavFile } from './wav-reader.js';

export interface LocalSource {
  /** Next `samples` of audio; undefined when a prompt has ended. */
  pull(samples: number): Int16Array | undefined;
  /** Ringback yields to the agent for a moment of its silence; a prompt starts as soon as the queue is empty. */
  readonly waitsForSilence: boolean;
}

/** Ringback: tones summed, on/off cadence (e.g. 425 Hz 1 s on / 0.5 s off). */
export class RingbackSource implements LocalSource {
  readonly waitsForSilence = true;
  private t = 0;
  constructor(private readonly spec: Extract<LocalAudio, { kind: 'ringback' }>, private readonly rate: number) {}

  pull(samples: number): Int16Array {
    const { frequencies, onMs, offMs, amplitude } = this.spec;
    const out = new Int16Array(samples);
    const period = Math.max(1, Math.round(((onMs + offMs) * this.rate) / 1000));
    const on = Math.round((onMs * this.rate) / 1000);
    const each = amplitude / Math.max(1, frequencies.length);
    for (let i = 0; i < samples; i++) {
      const n = this.t + i;
      if (n % period >= on) continue;
      let v = 0;
      for (const f of frequencies) v += Math.sin((2 * Math.PI * f * n) / this.rate);
      out[i] = Math.round(each * v);
    }
    this.t = (this.t + samples) % (period * this.rate); // bounded, and a whole number of cadences and seconds
    return out;
  }
}

/** Decoded prompts by file and rate: a prompt is read and resampled once per thread. */
const prompts = new Map<string, Int16Array>();
const MAX_CACHED_PROMPTS = 64;

export function loadPrompt(file: string, rate: number): Int16Array {
  const key = `${rate}|${file}`;
  const hit = prompts.get(key);
  if (hit) return hit;
  const wav = readWavFile(file);
  const pcm = wav.rate === rate ? wav.samples : new Resampler(wav.rate, rate).process(wav.samples);
  if (prompts.size >= MAX_CACHED_PROMPTS) prompts.delete(prompts.keys().next().value as string);
  prompts.set(key, pcm);
  return pcm;
}

export class PromptSource implements LocalSource {
  readonly waitsForSilence = false;
  private at = 0;
  constructor(private readonly pcm: Int16Array) {}

  pull(samples: number): Int16Array | undefined {
    if (this.at >= this.pcm.length) return undefined;
    const out = new Int16Array(samples);
    out.set(this.pcm.subarray(this.at, this.at + samples));
    this.at += samples;
    return out;
  }
}

/** Throws when a prompt file cannot be read (the session reports it and plays nothing). */
export function createLocalSource(audio: LocalAudio, rate: number): LocalSource | undefined {
  switch (audio.kind) {
    case 'ringback':
      return new RingbackSource(audio, rate);
    case 'prompt':
      return new PromptSource(loadPrompt(audio.file, rate));
    case 'none':
      return undefined;
  }
}
