/**
 * Cheap latency histograms for the hot path, per data-plane thread: time from a packet's arrival to its PCM
 * frame reaching the application, and how far each sent packet strays from its ideal ptime spacing. Fixed
 * 10 µs buckets up to 50 ms (no allocation per sample); read by benchmarks and /metrics.
 */
const BUCKET_US = 10;
const BUCKETS = 5000;

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS + 1);
  count = 0;
  maxUs = 0;

  recordMs(ms: number): void {
    const us = ms * 1000;
    const i = us >= BUCKETS * BUCKET_US ? BUCKETS : Math.floor(us / BUCKET_US);
    this.counts[i] = (this.counts[i] as number) + 1;
    this.count++;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Percentile in ms (upper edge of the bucket). */
  percentileMs(p: number): number {
    if (this.count === 0) return 0;
    const target = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i <= BUCKETS; i++) {
      seen += this.counts[i] as number;
      if (seen >= target) return ((i + 1) * BUCKET_US) / 1000;
    }
    return this.maxUs / 1000;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.maxUs = 0;
  }
}

export interface ProbeSummary {
  arrivalToFrame: { count: number; p50Ms: number; p99Ms: number; maxMs: number };
  pacingJitter: { count: number; p50Ms: number; p99Ms: number; maxMs: number };
  sessions: number;
  schedulerMaxLateMs: number;
}

export class MediaProbe {
  readonly arrivalToFrame = new LatencyHistogram();
  readonly pacingJitter = new LatencyHistogram();

  summary(sessions: number, schedulerMaxLateMs: number): ProbeSummary {
    const s = (h: LatencyHistogram) => ({ count: h.count, p50Ms: h.percentileMs(50), p99Ms: h.percentileMs(99), maxMs: h.maxUs / 1000 });
    return { arrivalToFrame: s(this.arrivalToFrame), pacingJitter: s(this.pacingJitter), sessions, schedulerMaxLateMs };
  }

  reset(): void {
    this.arrivalToFrame.reset();
    this.pacingJitter.reset();
  }
}
