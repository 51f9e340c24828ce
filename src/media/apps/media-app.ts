/**
 * The audio application on the far side of a media session until the agent link replaces it: it receives the
 * caller's PCM frames and may produce PCM to send. Echo (after a delay), silence, or a steady tone.
 */
import type { MediaApp } from '../plane/protocol.js';

/** The media session's send side, for applications that push audio (an agent) rather than being pulled. */
export interface SendSink {
  play(pcm: Int16Array): void;
  mark(name: string): void;
  /** Drops all queued audio (barge-in); returns the pending marks, now cleared. */
  clear(): string[];
}

export interface AppSink {
  /** The caller's audio, one frame at the PCM rate. */
  onFrame(pcm: Int16Array): void;
  /** Audio to send, pulled once per frame time; undefined = nothing this time. */
  pull(samples: number): Int16Array | undefined;
  /** Push-based applications get the send side when the session starts. */
  attach?(sink: SendSink): void;
  /** Marks whose audio has left as RTP. */
  marksPlayed?(names: readonly string[]): void;
  onDtmf?(digit: string, durationMs: number): void;
  /** Counters for the call's end statistics (e.g. frames dropped toward a slow agent). */
  stats?(): Record<string, number>;
  close?(): void;
}

/** Supplies applications the media layer does not know (the agent link), and handles their commands. */
export interface AppProvider {
  create(id: string, app: MediaApp, pcmRate: number): AppSink | undefined;
  command(id: string, payload: unknown, emit: (payload: unknown) => void): void;
  release(id: string): void;
}

export function createApp(app: MediaApp, rate: number): AppSink {
  switch (app.kind) {
    case 'echo':
      return new EchoApp(Math.round((app.delayMs * rate) / 1000));
    case 'tone':
      return new ToneApp(app.frequency, app.amplitude, rate);
    default:
      return { onFrame: () => undefined, pull: () => undefined };
  }
}

/** Frames an echo may lag behind its delay before the oldest are dropped (2 of drift + 5 of a stall's catch-up). */
const ECHO_MAX_BEHIND_FRAMES = 7;

/** Plays back what the caller said, `delay` samples later (a ring buffer; silence until it fills). */
class EchoApp implements AppSink {
  private readonly ring: Int16Array;
  private w = 0;
  private r = 0;
  private filled = 0;

  constructor(private readonly delay: number) {
    this.ring = new Int16Array(Math.max(1, delay) + 48000);
  }

  onFrame(pcm: Int16Array): void {
    const n = this.ring.length;
    for (let i = 0; i < pcm.length; i++) {
      this.ring[this.w] = pcm[i] as number;
      this.w = this.w + 1 === n ? 0 : this.w + 1;
    }
    this.filled = Math.min(n, this.filled + pcm.length);
  }

  private out = new Int16Array(0);

  pull(samples: number): Int16Array | undefined {
    if (this.filled < this.delay + samples) return undefined;
    const n = this.ring.length;
    // The caller's clock and ours drift: never let the echo fall more than a few frames behind its delay (the
    // frames of a short stall, which the media session pulls at once afterwards, are within that).
    const excess = this.filled - (this.delay + ECHO_MAX_BEHIND_FRAMES * samples);
    if (excess > 0) {
      this.r = (this.r + excess) % n;
      this.filled -= excess;
    }
    if (this.out.length !== samples) this.out = new Int16Array(samples);
    const out = this.out;
    for (let i = 0; i < samples; i++) {
      out[i] = this.ring[this.r] as number;
      this.r = this.r + 1 === n ? 0 : this.r + 1;
    }
    this.filled -= samples;
    return out;
  }
}

class ToneApp implements AppSink {
  private phase = 0;
  constructor(private readonly freq: number, private readonly amplitude: number, private readonly rate: number) {}
  onFrame(): void {}
  pull(samples: number): Int16Array {
    const out = new Int16Array(samples);
    const step = (2 * Math.PI * this.freq) / this.rate;
    for (let i = 0; i < samples; i++) {
      out[i] = Math.round(this.amplitude * Math.sin(this.phase));
      this.phase += step;
    }
    this.phase %= 2 * Math.PI;
    return out;
  }
}
