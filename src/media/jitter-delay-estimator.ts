/**
 * The jitter buffer's delay estimate. Each packet's transit = arrival − (RTP timestamp in ms); the smallest
 * transit over the last `windowPackets` packets is the fastest path (a sliding minimum, kept with a
 * monotonic deque), and a packet's deviation is its transit minus that minimum. The target delay is the
 * `percentile` of the deviations in the window (a histogram with 1 ms buckets), clamped to
 * [minDelayMs, maxDelayMs]: a burst of late packets raises it, and it falls again once they leave the window.
 * O(1) per packet; the percentile is recomputed lazily (≤ maxDelayMs + 1 bucket steps).
 */
export class JitterDelayEstimator {
  private readonly window: number;
  private readonly percentile: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly transits: Float64Array;
  private readonly devBucket: Uint16Array;
  private readonly histogram: Uint32Array;
  /** Sample indices whose transits increase from head to tail; the head is the window's minimum. */
  private readonly minDeque: Float64Array;
  private dqHead = 0;
  private dqLen = 0;
  private count = 0;
  private min = 0;
  private target: number;
  private stale = false;

  constructor(opts: { windowPackets: number; percentile: number; minDelayMs: number; maxDelayMs: number }) {
    this.window = Math.max(1, Math.floor(opts.windowPackets));
    this.percentile = Math.min(1, Math.max(0, opts.percentile));
    this.minDelayMs = opts.minDelayMs;
    this.maxDelayMs = Math.max(opts.minDelayMs, opts.maxDelayMs);
    this.transits = new Float64Array(this.window);
    this.devBucket = new Uint16Array(this.window);
    this.histogram = new Uint32Array(Math.ceil(this.maxDelayMs) + 1);
    this.minDeque = new Float64Array(this.window);
    this.target = this.minDelayMs;
  }

  /** Transits observed so far (since the last reset). */
  get samples(): number {
    return this.count;
  }

  /** The smallest transit in the window, ms (0 before the first sample). */
  get minTransit(): number {
    return this.min;
  }

  get targetMs(): number {
    if (this.stale) this.computeTarget();
    return this.target;
  }

  observe(transit: number): void {
    const w = this.window;
    const i = this.count;
    const pos = i % w;
    if (i >= w) this.histogram[this.devBucket[pos]!]!--;
    // The sample leaving the window (index i − w) can only be at the head.
    if (this.dqLen > 0 && this.minDeque[this.dqHead]! <= i - w) {
      this.dqHead = (this.dqHead + 1) % w;
      this.dqLen--;
    }
    this.transits[pos] = transit;
    while (this.dqLen > 0) {
      const back = this.minDeque[(this.dqHead + this.dqLen - 1) % w]!;
      if (this.transits[back % w]! < transit) break;
      this.dqLen--;
    }
    this.minDeque[(this.dqHead + this.dqLen) % w] = i;
    this.dqLen++;
    this.min = this.transits[this.minDeque[this.dqHead]! % w]!;
    const bucket = Math.min(this.histogram.length - 1, Math.floor(transit - this.min));
    this.devBucket[pos] = bucket;
    this.histogram[bucket]!++;
    this.count = i + 1;
    this.stale = true;
  }

  reset(): void {
    this.count = 0;
    this.dqHead = 0;
    this.dqLen = 0;
    this.histogram.fill(0);
    this.min = 0;
    this.target = this.minDelayMs;
    this.stale = false;
  }

  private computeTarget(): void {
    this.stale = false;
    const n = Math.min(this.count, this.window);
    const need = Math.max(1, Math.ceil(this.percentile * n));
    let cumulative = 0;
    let ms = this.histogram.length;
    for (let b = 0; b < this.histogram.length; b++) {
      cumulative += this.histogram[b]!;
      if (cumulative >= need) {
        ms = b + 1; // the bucket's upper edge
        break;
      }
    }
    this.target = Math.min(this.maxDelayMs, Math.max(this.minDelayMs, ms));
  }
}
