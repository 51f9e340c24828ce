import type { Timers } from '../shared/timers.js';

export interface TokenBucketOptions {
  /** Tokens added per second. */
  perSecond: number;
  /** Bucket size (the burst allowed after a quiet spell). Default: perSecond rounded up. */
  burst?: number;
  timers: Timers;
}

/**
 * A token bucket per integration, protecting fragile upstreams. It starts full; every request attempt takes one
 * token; tokens come back continuously at `perSecond`. When the bucket is empty the caller fails at once
 * (INTEGRATION_RATE_LIMITED) rather than queueing: a queued call would most likely spend its budget waiting.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly perMs: number;

  constructor(private readonly o: TokenBucketOptions) {
    this.capacity = o.burst ?? Math.max(1, Math.ceil(o.perSecond));
    this.perMs = o.perSecond / 1000;
    this.tokens = this.capacity;
    this.last = o.timers.now();
  }

  /** Take one token if there is one. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens available now (fractional while refilling). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const now = this.o.timers.now();
    if (now > this.last) {
      this.tokens = Math.min(this.capacity, this.tokens + (now - this.last) * this.perMs);
      this.last = now;
    }
  }
}
