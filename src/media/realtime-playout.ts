/**
 * The pushed application's send queue with its playout control, as both engines' sessions run it (the embedded
 * MediaSession before RTP, the drachtio ForkSession before mod_audio_fork): the application's audio goes into
 * the Pacer stamped with its arrival, and each tick asks PlayoutControl what delay to take off. See
 * playout-control.ts for the policy.
 */
import { PlayoutControl, type PlayoutAdjustment } from './playout-control.js';
import type { Pacer } from './pacer.js';
import type { MediaProbe } from './media-probe.js';

/** One second's window for the send slot, 300 ms for whole frames of backlog, 10 ms kept as a cushion. */
const WINDOW_TICKS = 50;
const BACKLOG_TICKS = 15;
const MARGIN_MS = 10;
/** Within 10 % of real-time pace counts as a real-time stream. */
const REALTIME_RATIO = 1.1;
/** A real-time stream dry for more than 200 ms has paused: what it sends next is new audio, never late. */
const MAX_LATE_TICKS = 10;
/** Audio that resumes after at most this many empty ticks was an underrun (a gap mid-stream), not a pause. */
const UNDERRUN_MAX_TICKS = 3;

export interface RealtimePlayoutInit {
  pacer: Pacer;
  frameMs: number;
  frameSamples: number;
  /** The frame clock's resolution (FrameScheduler.stepMs). */
  stepMs: number;
  now(): number;
  /** The thread's probe: queue delay of each frame sent, underruns, frames dropped late or trimmed. */
  probe?: MediaProbe;
}

export class RealtimePlayout {
  private readonly control: PlayoutControl;
  private readonly pacer: Pacer;
  /** Marks inside dropped audio (their time is over), until the caller takes them. */
  private readonly played: string[] = [];
  /** Ticks in a row that sent none of the application's audio. */
  private dryTicks = Infinity;

  constructor(private readonly o: RealtimePlayoutInit) {
    this.pacer = o.pacer;
    this.control = new PlayoutControl({
      frameMs: o.frameMs, frameSamples: o.frameSamples, windowTicks: WINDOW_TICKS, backlogTicks: BACKLOG_TICKS,
      marginMs: MARGIN_MS, stepMs: o.stepMs, realtimeRatio: REALTIME_RATIO, maxLateTicks: MAX_LATE_TICKS,
    });
  }

  /** The application's audio, as it arrives. */
  play(pcm: Int16Array): void {
    this.control.pushed(pcm.length);
    this.pacer.enqueue(pcm, this.o.now());
  }

  /** Barge-in (or a new application): the queue is dropped; returns the marks it cleared. */
  clear(): string[] {
    this.control.reset();
    return this.pacer.flush();
  }

  /** The frame clock missed `missed` slots, of which `consumed` found audio queued (sent in a burst or dropped). */
  stalled(missed: number, consumed: number): void {
    this.control.missed(missed - consumed);
  }

  /** Before the tick takes its frame: frames whose slots passed while the stream was late are dropped. Returns how many. */
  beforeSend(): number {
    const late = this.drop(this.control.lateFrames(this.queuedFrames()));
    const probe = this.o.probe;
    if (probe) {
      probe.send.late += late;
      const queued = this.pacer.queuedSamples;
      if (queued > 0) probe.sendQueue.recordMs((queued * this.o.frameMs) / this.o.frameSamples);
    }
    return late;
  }

  /** Queued frames dropped because the frame clock stalled past them (counted as late). */
  droppedAfterStall(frames: number): void {
    if (this.o.probe) this.o.probe.send.late += frames;
  }

  /**
   * After the tick: `arrivedAt` is the arrival of the application frame it sent (NaN when none). Standing delay
   * is dropped here (`dropFrames` of it); the caller moves its next tick `advanceMs` earlier (FrameScheduler.advance).
   */
  afterSend(nowMs: number, arrivedAt: number): PlayoutAdjustment | undefined {
    const probe = this.o.probe;
    if (Number.isNaN(arrivedAt)) this.dryTicks++;
    else {
      if (probe && this.dryTicks >= 1 && this.dryTicks <= UNDERRUN_MAX_TICKS) probe.send.underruns++;
      this.dryTicks = 0;
    }
    const adj = this.control.tick(nowMs, arrivedAt, this.queuedFrames());
    if (adj) {
      this.drop(adj.dropFrames);
      if (probe) probe.send.trimmed += adj.dropFrames;
    }
    return adj;
  }

  /** Take the marks of dropped audio (to report as played). */
  takePlayed(): string[] | undefined {
    return this.played.length > 0 ? this.played.splice(0) : undefined;
  }

  private queuedFrames(): number {
    return Math.floor(this.pacer.queuedSamples / this.o.frameSamples);
  }

  private drop(n: number): number {
    for (let k = 0; k < n; k++) for (const m of this.pacer.next().played) this.played.push(m);
    return n;
  }
}
