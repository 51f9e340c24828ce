/**
 * Playout delay of a real-time stream pushed into the send queue (an agent relaying live audio, or echoing).
 *
 * The send clock is free-running: each call sends one frame per ptime at its own phase. A stream pushed at
 * real-time pace therefore waits in the queue for (a) the phase gap between its arrival and the next send slot,
 * 0–1 ptime, and (b) whole frames of backlog: a frame that misses its slot (jitter, a stall anywhere on the way)
 * leaves a frame behind it for good, because the stream keeps arriving exactly as fast as it leaves. Both are
 * pure delay. This control takes them off, like a receiver's adaptive jitter buffer:
 *
 * - **Late frames.** When slots pass with nothing of a real-time stream to send (it went dry for a few ticks, or
 *   the frame clock itself stalled), the audio that should have filled them arrives late, in a burst. Their time
 *   is over: as many of the oldest queued frames as slots were missed, less one, are dropped when they turn up
 *   (one gap is heard instead of a gap and then a standing delay). The one kept is a frame of cushion, taken
 *   back by the windows below when nothing needs it; a single late frame (jitter) is never dropped.
 * - **Standing delay.** Each frame's time in the queue (arrival of its last sample → the tick that sent it) is
 *   kept for a sliding window. When the stream was pushed at real-time pace throughout, the smallest of those
 *   delays less a cushion (`marginMs`) is delay nothing needed: two or more whole frames of it are dropped over
 *   the short `backlogTicks` window (what a stall leaves); over the whole window, whole frames are dropped and
 *   the rest moves the call's send slot earlier.
 *
 * Audio sent ahead of real time (synthesised speech in bursts), or not at all, never qualifies: its queue is
 * audio still to be played, not delay. RTP timestamps are untouched (RFC 3550 §5.1: they follow the samples
 * sent); a slot moved earlier makes one packet interval shorter, which a receiver's jitter buffer takes as
 * ordinary jitter. Pure logic: the session feeds it and applies what it returns.
 */
export interface PlayoutControlOptions {
  /** Frame duration (ptime), ms. */
  frameMs: number;
  /** Samples per frame at the application's PCM rate. */
  frameSamples: number;
  /** Ticks in the sliding window that the send slot's phase follows. */
  windowTicks: number;
  /** A shorter window for two or more whole frames of standing backlog, so they go sooner; ≤ windowTicks. */
  backlogTicks: number;
  /** Delay kept as a cushion against the next window being worse than the last, ms. */
  marginMs: number;
  /** The send clock's resolution: slot moves are whole multiples of it, ms. */
  stepMs: number;
  /** The application counts as real-time when it pushed within this factor of what was sent. */
  realtimeRatio: number;
  /** A stream dry for longer than this many ticks has paused (its next audio is new, not late). */
  maxLateTicks: number;
}

/** What the session should do now: drop this many queued frames, and send the next frame this much earlier. */
export interface PlayoutAdjustment {
  dropFrames: number;
  advanceMs: number;
}

/** Ticks after a stream resumes during which its late frames may still turn up. */
const LATE_ARRIVAL_TICKS = 3;

export class PlayoutControl {
  /** The last windowTicks ticks, as a ring: each one's queue delay (ms) and the samples pushed before it. */
  private readonly delays: Float64Array;
  private readonly pushes: Float64Array;
  private at = 0;
  /** Ticks in a row that sent the stream's audio (the ring holds them up to windowTicks). */
  private run = 0;
  private pending = 0;
  /** Filled by scan(): the smallest queue delay and the samples pushed, over the short and the whole window. */
  private readonly short = { minDelay: Infinity, received: 0 };
  private readonly long = { minDelay: Infinity, received: 0 };
  /** The stream was flowing at real-time pace when it last sent (its missed slots make its next frames late). */
  private streaming = false;
  /** Slots missed while streaming, whose audio is still to turn up; ticks dry so far; ticks since it resumed. */
  private debt = 0;
  private dryTicks = 0;
  private resumedTicks = 0;
  private readonly out: PlayoutAdjustment = { dropFrames: 0, advanceMs: 0 };

  constructor(private readonly o: PlayoutControlOptions) {
    this.delays = new Float64Array(o.windowTicks);
    this.pushes = new Float64Array(o.windowTicks);
  }

  /** The application pushed `samples`. */
  pushed(samples: number): void {
    this.pending += samples;
  }

  /** Forget the stream (the queue was flushed, the application or its audio source changed). */
  reset(): void {
    this.run = 0;
    this.pending = 0;
    this.streaming = false;
    this.debt = 0;
    this.dryTicks = 0;
  }

  /** `slots` send slots passed and none carried the stream's audio (a dry tick, or ticks the clock missed). */
  missed(slots: number): void {
    if (slots <= 0) return;
    this.run = 0;
    this.pending = 0;
    // The first slot of a dry spell is not owed: its frame plays late instead, one frame more of cushion that the
    // windows take back if it is not needed. A stream with recurring jitter so keeps a cushion rather than losing a
    // frame each time; a stall (several slots) loses the rest.
    const owed = this.dryTicks === 0 ? slots - 1 : slots;
    this.dryTicks += slots;
    if (!this.streaming || this.dryTicks > this.o.maxLateTicks) {
      this.streaming = false;
      this.debt = 0;
      return;
    }
    this.debt = Math.min(this.debt + owed, this.o.maxLateTicks);
    this.resumedTicks = 0;
  }

  /** Before a tick sends: how many of the oldest queued frames are late (their slots passed) and go unsent. */
  lateFrames(queuedFrames: number): number {
    if (this.debt === 0) return 0;
    if (queuedFrames > 0 && this.resumedTicks++ >= LATE_ARRIVAL_TICKS) {
      this.debt = 0; // they never came: the stream just resumed
      return 0;
    }
    const drop = Math.min(this.debt, Math.max(0, queuedFrames - 1));
    this.debt -= drop;
    return drop;
  }

  /**
   * After a tick. `sentArrivedAt`: when the last sample of the frame just sent arrived (NaN when this tick sent
   * none of the stream's audio); `queuedFrames`: whole frames still queued after it. Returns an adjustment when
   * the sliding windows show delay to spare, else undefined.
   */
  tick(nowMs: number, sentArrivedAt: number, queuedFrames: number): PlayoutAdjustment | undefined {
    if (Number.isNaN(sentArrivedAt)) {
      this.missed(1);
      return undefined;
    }
    const o = this.o;
    this.dryTicks = 0;
    this.delays[this.at] = nowMs - sentArrivedAt;
    this.pushes[this.at] = this.run === 0 ? o.frameSamples : this.pending; // the first one's pushes came before
    this.pending = 0;
    this.at = (this.at + 1) % o.windowTicks;
    if (++this.run < o.backlogTicks) return undefined;
    const full = this.run >= o.windowTicks;
    this.scan(full ? o.windowTicks : o.backlogTicks);
    // Whole frames of standing backlog, over the short window.
    this.streaming = this.realtime(this.short.received, o.backlogTicks);
    const shortSpare = this.streaming ? this.short.minDelay - o.marginMs : 0;
    // One spare frame is what a single late frame leaves (a cushion the stream may need again): only the whole
    // window takes that back. Two or more are what a stall leaves: they go now.
    const shortFrames = Math.floor(shortSpare / o.frameMs);
    let dropFrames = shortFrames >= 2 ? Math.min(shortFrames, queuedFrames) : 0;
    let advanceMs = 0;
    if (full) {
      // The send slot's phase, over the whole window (less what the short window already takes).
      const spare = this.realtime(this.long.received, o.windowTicks) ? this.long.minDelay - o.marginMs - dropFrames * o.frameMs : 0;
      if (spare >= o.stepMs) {
        const more = Math.min(Math.floor(spare / o.frameMs), Math.max(0, queuedFrames - dropFrames));
        dropFrames += more;
        const rest = Math.min(spare - more * o.frameMs, o.frameMs - o.stepMs);
        advanceMs = Math.floor(rest / o.stepMs) * o.stepMs;
      }
    }
    if (dropFrames === 0 && advanceMs === 0) return undefined;
    // The window now reads as if the new phase had applied all along, so nothing is taken twice.
    const taken = dropFrames * o.frameMs + advanceMs;
    for (let i = 0; i < o.windowTicks; i++) this.delays[i] = (this.delays[i] as number) - taken;
    this.out.dropFrames = dropFrames;
    this.out.advanceMs = advanceMs;
    return this.out;
  }

  /** One pass back over the last `ticks` ticks (≥ backlogTicks): fills `short` (the last backlogTicks) and `long` (all). */
  private scan(ticks: number): void {
    const n = this.o.windowTicks;
    let minDelay = Infinity;
    let received = 0;
    for (let k = 1, i = this.at; k <= ticks; k++) {
      i = i === 0 ? n - 1 : i - 1;
      const d = this.delays[i] as number;
      if (d < minDelay) minDelay = d;
      received += this.pushes[i] as number;
      if (k === this.o.backlogTicks) {
        this.short.minDelay = minDelay;
        this.short.received = received;
      }
    }
    this.long.minDelay = minDelay;
    this.long.received = received;
  }

  /** Pushed at real-time pace: within realtimeRatio of what `ticks` ticks sent. */
  private realtime(received: number, ticks: number): boolean {
    const sent = ticks * this.o.frameSamples;
    return received >= sent / this.o.realtimeRatio && received <= sent * this.o.realtimeRatio;
  }
}
