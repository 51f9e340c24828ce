/** A fixed-bucket latency histogram for the load generator (0.1 ms buckets up to 5 s; no allocation per sample). */
export class Histogram {
  private readonly counts: Uint32Array;
  count = 0;
  maxMs = 0;

  constructor(private readonly bucketMs = 0.1, limitMs = 5000) {
    this.counts = new Uint32Array(Math.ceil(limitMs / bucketMs) + 1);
  }

  recordMs(ms: number): void {
    const last = this.counts.length - 1;
    const i = Math.min(last, Math.max(0, Math.floor(ms / this.bucketMs)));
    this.counts[i] = (this.counts[i] as number) + 1;
    this.count++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Upper edge of the bucket holding the p-th percentile, in ms (0 when empty). */
  percentileMs(p: number): number {
    if (this.count === 0) return 0;
    const target = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] as number;
      if (seen >= target) return Math.min(this.maxMs, (i + 1) * this.bucketMs);
    }
    return this.maxMs;
  }

  summary(): { p50Ms: number; p99Ms: number; maxMs: number } {
    return { p50Ms: this.percentileMs(50), p99Ms: this.percentileMs(99), maxMs: this.maxMs };
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.maxMs = 0;
  }
}
