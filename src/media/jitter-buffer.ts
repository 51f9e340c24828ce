/**
 * Receive-side adaptive jitter buffer, as pure logic: packets go in with push(), and the session's playout
 * clock calls pop(nowMs) once per ptime to take one frame out. No timers, no sockets, no allocation per packet.
 *
 * Ordering: frames sit in a ring indexed by 32-bit-safe extended sequence numbers (the 16-bit RTP sequence
 * extended across wraps), so reordered packets are put back in order, duplicates are dropped, and a packet
 * whose playout already passed is dropped as late. The ring holds `capacityFrames`; a packet too far ahead
 * evicts the oldest frames (counted as overflow), so the buffer never grows without bound.
 *
 * Delay: for each packet, transit = arrival − (timestamp in ms). The smallest transit over the last
 * `jitterWindowPackets` packets is the fastest path; a packet's deviation is its transit minus that minimum.
 * The target delay is the `jitterPercentile` of recent deviations, clamped to [minDelayMs, maxDelayMs]. At each
 * pop the delay of the next frame, L = now − ts_ms − min transit, is steered into [target − ptime/2,
 * target + ptime): below it playout stalls one frame (a 'conceal' is returned and the frame waits), above it
 * one frame is skipped, at most once every `skipIntervalFrames` frames (beyond maxDelayMs + ptime, as many as
 * it takes at once). A frame with deviation d is in time
 * when L ≥ d, so the percentile is the share of packets the buffer aims to play rather than drop as late.
 * This also follows silence suppression: after a timestamp jump with no sequence gap the next frame simply
 * waits until it is due.
 *
 * Loss: a missing frame at its playout time gives { kind: 'conceal' } (the decoder runs PLC); after
 * `maxConcealFrames` conceals in a row it gives { kind: 'empty' } (play silence). If the buffer ran dry by
 * then, it goes back to buffering and resumes at the next packet's playout time without counting the silent
 * stretch as loss (a pause, a hold, silence suppression).
 *
 * Resync: a transit jump of more than `resyncThresholdMs` (the sender's timestamps jumped) flushes the buffer
 * and restarts the delay estimate; call reset() when the SSRC changes or the sequence restarts
 * (RtpReceiveStats reports both).
 */
import { JitterDelayEstimator } from './jitter-delay-estimator.js';

export interface JitterBufferOptions {
  /** Frame duration: pop() is called once per ptime. */
  ptimeMs?: number;
  /** RTP clock rate of the stream. */
  clockRate?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
  /** Ring size in frames: the most the buffer holds. */
  capacityFrames?: number;
  /** Packets over which the jitter percentile and the fastest transit are taken. */
  jitterWindowPackets?: number;
  /** Share of recent packets (by deviation) the target delay must cover, 0..1. */
  jitterPercentile?: number;
  /** Conceals in a row before the buffer returns 'empty' (silence) instead. */
  maxConcealFrames?: number;
  /** At most one frame skipped (to shrink the delay) per this many frames played. */
  skipIntervalFrames?: number;
  /** A transit change larger than this is a timestamp jump: flush and restart the estimate. */
  resyncThresholdMs?: number;
}

export const JITTER_BUFFER_DEFAULTS = {
  ptimeMs: 20,
  clockRate: 8000,
  minDelayMs: 20,
  maxDelayMs: 120,
  capacityFrames: 50,
  jitterWindowPackets: 250,
  jitterPercentile: 0.95,
  maxConcealFrames: 5,
  skipIntervalFrames: 10,
  resyncThresholdMs: 1000,
} as const;

export interface JitterFrame {
  readonly kind: 'frame';
  payload: Uint8Array;
  /** RTP timestamp of the frame. */
  ts: number;
  /** RTP sequence number of the frame. */
  seq: number;
}
export type JitterOutput = JitterFrame | { readonly kind: 'conceal' } | { readonly kind: 'empty' };

export interface JitterBufferCounters {
  /** Packets pushed. */
  received: number;
  /** Frames returned. */
  played: number;
  /** Packets dropped because their playout time had passed. */
  late: number;
  duplicates: number;
  /** 'conceal' outputs (lost frames, and stalls that grow the delay). */
  concealed: number;
  /** Frames evicted unplayed because the ring was full. */
  overflow: number;
  /** Frames dropped to shrink the delay. */
  skipped: number;
  /** Flushes after a timestamp jump. */
  resyncs: number;
}

const CONCEAL: JitterOutput = Object.freeze({ kind: 'conceal' });
const EMPTY: JitterOutput = Object.freeze({ kind: 'empty' });
const NO_PAYLOAD = new Uint8Array(0);
const SLOT_FREE = 0;
const SLOT_WAITING = 1;
const SLOT_PLAYED = 2;

export class JitterBuffer {
  readonly counters: JitterBufferCounters = { received: 0, played: 0, late: 0, duplicates: 0, concealed: 0, overflow: 0, skipped: 0, resyncs: 0 };
  private readonly ptimeMs: number;
  private readonly msPerTick: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly cap: number;
  private readonly maxConceal: number;
  private readonly skipInterval: number;
  private readonly resyncMs: number;

  // Ring of frames, slot = extended seq % cap.
  private readonly slotSeq: Float64Array;
  private readonly slotState: Uint8Array;
  private readonly slotExtTs: Float64Array;
  private readonly slotTs: Uint32Array;
  private readonly slotPayload: (Uint8Array | undefined)[];
  private buffered = 0;

  // Sequence and timestamp extension.
  private started = false;
  private highestExt = 0;
  private refTs = 0;
  private refExtTs = 0;

  // Playout.
  private playing = false;
  /** Next extended seq to play; packets below it are late. */
  private playoutSeq = 0;
  private lastDelivered = -1;
  private concealRun = 0;
  private sinceSkip = 0;
  private readonly frame: JitterFrame = { kind: 'frame', payload: NO_PAYLOAD, ts: 0, seq: 0 };

  private readonly estimator: JitterDelayEstimator;
  private lastDelay = 0;

  constructor(opts: JitterBufferOptions = {}) {
    const d = JITTER_BUFFER_DEFAULTS;
    this.ptimeMs = opts.ptimeMs ?? d.ptimeMs;
    this.msPerTick = 1000 / (opts.clockRate ?? d.clockRate);
    this.minDelayMs = opts.minDelayMs ?? d.minDelayMs;
    this.maxDelayMs = Math.max(this.minDelayMs, opts.maxDelayMs ?? d.maxDelayMs);
    this.cap = Math.max(2, opts.capacityFrames ?? d.capacityFrames);
    this.maxConceal = opts.maxConcealFrames ?? d.maxConcealFrames;
    this.skipInterval = opts.skipIntervalFrames ?? d.skipIntervalFrames;
    this.resyncMs = opts.resyncThresholdMs ?? d.resyncThresholdMs;
    this.slotSeq = new Float64Array(this.cap).fill(-1);
    this.slotState = new Uint8Array(this.cap);
    this.slotExtTs = new Float64Array(this.cap);
    this.slotTs = new Uint32Array(this.cap);
    this.slotPayload = new Array<Uint8Array | undefined>(this.cap).fill(undefined);
    this.estimator = new JitterDelayEstimator({
      windowPackets: opts.jitterWindowPackets ?? d.jitterWindowPackets,
      percentile: opts.jitterPercentile ?? d.jitterPercentile,
      minDelayMs: this.minDelayMs,
      maxDelayMs: this.maxDelayMs,
    });
  }

  /** The delay the buffer currently aims for, ms (minDelayMs..maxDelayMs). */
  get targetDelayMs(): number {
    return this.estimator.targetMs;
  }

  /** The delay of the last frame looked at by pop(), ms after its earliest possible arrival. */
  get delayMs(): number {
    return this.lastDelay;
  }

  /** Frames waiting to be played. */
  get size(): number {
    return this.buffered;
  }

  /** Adds one received packet (payload is kept by reference until played). */
  push(seq: number, ts: number, payload: Uint8Array, arrivalMs: number): void {
    this.counters.received++;
    if (!this.started) this.begin(seq, ts);
    const ext = this.highestExt + ((((seq - this.highestExt) & 0xffff) << 16) >> 16);
    if (ext > this.highestExt) this.highestExt = ext;
    const extTs = this.refExtTs + ((ts - this.refTs) | 0);
    this.refTs = ts;
    this.refExtTs = extTs;
    const slot = ext % this.cap;
    if (this.slotSeq[slot] === ext) {
      this.counters.duplicates++;
      return;
    }
    const transit = arrivalMs - extTs * this.msPerTick;
    const est = this.estimator;
    if (est.samples > 0 && Math.abs(transit - est.minTransit) > this.resyncMs) this.resync(ext);
    est.observe(transit);
    if (ext < this.playoutSeq) {
      this.counters.late++;
      return;
    }
    if (ext - this.playoutSeq >= this.cap) this.evictBelow(ext - this.cap + 1);
    this.slotSeq[slot] = ext;
    this.slotState[slot] = SLOT_WAITING;
    this.slotExtTs[slot] = extTs;
    this.slotTs[slot] = ts;
    this.slotPayload[slot] = payload;
    this.buffered++;
  }

  /**
   * Takes the frame for this ptime. A 'frame' result is one object reused by every call: read it before the
   * next pop().
   */
  pop(nowMs: number): JitterOutput {
    const target = this.estimator.targetMs;
    if (!this.playing) {
      // Buffering: start once the earliest frame has waited out the target delay.
      if (this.buffered === 0) return EMPTY;
      const first = this.earliestWaiting();
      if (this.delayOf(first, nowMs) < target) return EMPTY;
      this.playing = true;
      this.playoutSeq = first;
      this.sinceSkip = 0;
    }
    let slot = this.playoutSeq % this.cap;
    if (this.isWaiting(this.playoutSeq)) {
      let delay = this.delayOf(this.playoutSeq, nowMs);
      if (delay < target - this.ptimeMs / 2) {
        this.lastDelay = delay;
        return this.concealOrEmpty(); // stall: the delay grows by a frame
      }
      // Shrink by skipping a frame, at most one per skipIntervalFrames; beyond maxDelayMs catch up at once.
      while (delay >= target + this.ptimeMs && this.isWaiting(this.playoutSeq + 1)
        && (this.sinceSkip >= this.skipInterval || delay >= this.maxDelayMs + this.ptimeMs)) {
        this.consume(slot);
        this.counters.skipped++;
        this.lastDelivered = this.playoutSeq++;
        this.sinceSkip = 0;
        slot = this.playoutSeq % this.cap;
        delay = this.delayOf(this.playoutSeq, nowMs);
      }
      this.lastDelay = delay;
      const f = this.frame;
      f.payload = this.slotPayload[slot] ?? NO_PAYLOAD;
      f.ts = this.slotTs[slot]!;
      f.seq = this.playoutSeq & 0xffff;
      this.consume(slot);
      this.lastDelivered = this.playoutSeq++;
      this.concealRun = 0;
      this.sinceSkip++;
      this.counters.played++;
      return f;
    }
    // The frame is missing at its playout time: lost, or later than the delay allows.
    this.playoutSeq++;
    const out = this.concealOrEmpty();
    if (this.concealRun > this.maxConceal && this.buffered === 0) {
      // Dry for longer than concealment lasts: back to buffering, and do not hold the silent stretch against
      // the packets that come next (they resume from the last frame played).
      this.playing = false;
      if (this.lastDelivered >= 0) this.playoutSeq = this.lastDelivered + 1;
    }
    return out;
  }

  /** Forgets every frame and estimate (SSRC change, sequence restart); keeps the counters. */
  reset(): void {
    this.clearFrames();
    this.estimator.reset();
    this.started = false;
    this.playing = false;
    this.lastDelivered = -1;
    this.concealRun = 0;
  }

  private begin(seq: number, ts: number): void {
    this.started = true;
    // Offset so the extended numbers stay positive; half the ring is left below for early reordering.
    this.highestExt = seq + 0x10000;
    this.playoutSeq = this.highestExt - (this.cap >> 1);
    this.refTs = ts;
    this.refExtTs = ts;
  }

  private resync(ext: number): void {
    this.counters.resyncs++;
    this.clearFrames();
    this.estimator.reset();
    this.playing = false;
    this.playoutSeq = Math.max(this.lastDelivered + 1, ext - (this.cap >> 1));
  }

  private concealOrEmpty(): JitterOutput {
    this.concealRun++;
    if (this.concealRun > this.maxConceal) return EMPTY;
    this.counters.concealed++;
    return CONCEAL;
  }

  private isWaiting(ext: number): boolean {
    const slot = ext % this.cap;
    return this.slotSeq[slot] === ext && this.slotState[slot] === SLOT_WAITING;
  }

  private delayOf(ext: number, nowMs: number): number {
    return nowMs - this.slotExtTs[ext % this.cap]! * this.msPerTick - this.estimator.minTransit;
  }

  private earliestWaiting(): number {
    const last = Math.min(this.highestExt, this.playoutSeq + this.cap - 1);
    for (let s = this.playoutSeq; s <= last; s++) if (this.isWaiting(s)) return s;
    return this.playoutSeq; // unreachable while buffered > 0: every waiting frame lies in that range
  }

  private consume(slot: number): void {
    this.slotState[slot] = SLOT_PLAYED;
    this.slotPayload[slot] = undefined;
    this.buffered--;
  }

  /** Drops waiting frames below `floor` (ring full) and moves playout up to it. */
  private evictBelow(floor: number): void {
    if (floor - this.playoutSeq >= this.cap) {
      this.counters.overflow += this.buffered;
      this.clearFrames();
    } else {
      for (let s = this.playoutSeq; s < floor; s++) {
        if (!this.isWaiting(s)) continue;
        const slot = s % this.cap;
        this.slotState[slot] = SLOT_FREE;
        this.slotSeq[slot] = -1;
        this.slotPayload[slot] = undefined;
        this.buffered--;
        this.counters.overflow++;
      }
    }
    this.playoutSeq = floor;
  }

  private clearFrames(): void {
    this.slotSeq.fill(-1);
    this.slotState.fill(SLOT_FREE);
    this.slotPayload.fill(undefined);
    this.buffered = 0;
  }
}
