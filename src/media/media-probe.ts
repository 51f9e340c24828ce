/**
 * Cheap latency histograms for the hot path, per data-plane thread: time from a packet's arrival to its PCM
 * frame reaching the application, and how far each sent packet strays from its ideal ptime spacing. Fixed
 * 10 µs buckets up to 50 ms (no allocation per sample); read by benchmarks and /metrics.
 */
export class LatencyHistogram {
  private readonly counts: Uint32Array;
  count = 0;
  maxUs = 0;

  /** `bucketUs` wide buckets, `buckets` of them; larger values share the last one (their max is kept). */
  constructor(private readonly bucketUs = 10, private readonly buckets = 5000) {
    this.counts = new Uint32Array(buckets + 1);
  }

  recordMs(ms: number): void {
    const us = ms * 1000;
    const i = us >= this.buckets * this.bucketUs ? this.buckets : Math.floor(us / this.bucketUs);
    this.counts[i] = (this.counts[i] as number) + 1;
    this.count++;
    if (us > this.maxUs) this.maxUs = us;
  }

  /** Percentile in ms (upper edge of the bucket). */
  percentileMs(p: number): number {
    if (this.count === 0) return 0;
    const target = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i <= this.buckets; i++) {
      seen += this.counts[i] as number;
      if (seen >= target) return i === this.buckets ? this.maxUs / 1000 : ((i + 1) * this.bucketUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.maxUs = 0;
  }
}

export interface HistogramSummary { count: number; p50Ms: number; p99Ms: number; maxMs: number }

/** What the send side did to the application's audio stream (frames). */
export interface SendCounters {
  /** Ticks that found the queue empty right after sending application audio: a gap heard mid-stream. */
  underruns: number;
  /** Frames dropped because their send slot had passed (the frame clock stalled, or they arrived after it). */
  late: number;
  /** Frames dropped to shed a standing backlog behind a real-time stream. */
  trimmed: number;
}

export interface ProbeSummary {
  arrivalToFrame: HistogramSummary;
  pacingJitter: HistogramSummary;
  /** Application audio queued ahead of each frame as it left (ms): the playout delay the send queue adds. */
  sendQueue: HistogramSummary;
  send: SendCounters;
  sessions: number;
  schedulerMaxLateMs: number;
}

export class MediaProbe {
  readonly arrivalToFrame = new LatencyHistogram();
  readonly pacingJitter = new LatencyHistogram();
  readonly sendQueue = new LatencyHistogram(1000, 2000);
  readonly send: SendCounters = { underruns: 0, late: 0, trimmed: 0 };

  summary(sessions: number, schedulerMaxLateMs: number): ProbeSummary {
    const s = (h: LatencyHistogram): HistogramSummary => ({ count: h.count, p50Ms: h.percentileMs(50), p99Ms: h.percentileMs(99), maxMs: h.maxUs / 1000 });
    return { arrivalToFrame: s(this.arrivalToFrame), pacingJitter: s(this.pacingJitter), sendQueue: s(this.sendQueue), send: { ...this.send }, sessions, schedulerMaxLateMs };
  }

  reset(): void {
    this.arrivalToFrame.reset();
    this.pacingJitter.reset();
    this.sendQueue.reset();
    this.send.underruns = this.send.late = this.send.trimmed = 0;
  }
}
