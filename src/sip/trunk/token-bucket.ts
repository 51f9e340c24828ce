/**
 * Token-bucket rate limiting on `Timers.now()`: a bucket holds at most `burst` tokens and refills at
 * `perSecond`; each request takes one. When empty, the answer carries the whole seconds until a
 * token is back (the value for a Retry-After header, RFC 3261 §20.33).
 *
 * KeyedRateLimiter keeps one bucket per key (source address) in an LRU bounded by `maxKeys`:
 * - a new key may evict the least recently used one only if that bucket has refilled to `burst`
 *   (it has been idle long enough that forgetting it changes nothing);
 * - otherwise — every tracked key is active, i.e. a flood from more sources than `maxKeys` — the
 *   new key shares one overflow bucket with the other untracked keys, so memory stays bounded and
 *   the flood is limited as a whole while active keys keep their own state.
 */
import { SwitchboardError } from '../../shared/errors.js';
import type { Timers } from '../../shared/timers.js';

export interface RateLimit {
  /** Sustained requests per second (may be fractional). */
  perSecond: number;
  /** Requests allowed back to back after an idle period. */
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

function validate(limit: RateLimit): void {
  if (!(Number.isFinite(limit.perSecond) && limit.perSecond > 0 && Number.isFinite(limit.burst) && limit.burst >= 1)) {
    throw new SwitchboardError('CONFIG_INVALID', 'rate limit needs perSecond > 0 and burst >= 1');
  }
}

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(private limit: RateLimit, private readonly timers: Timers) {
    validate(limit);
    this.tokens = limit.burst;
    this.updatedAt = timers.now();
  }

  take(): TakeResult {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.limit.perSecond)) };
  }

  /** Tokens available now. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Whether the bucket has refilled to its burst (nothing would be lost by forgetting it). */
  isFull(): boolean {
    return this.available() >= this.limit.burst;
  }

  /** New limits; the current level is kept (clamped to the new burst). */
  setLimit(limit: RateLimit): void {
    validate(limit);
    this.refill();
    this.limit = limit;
    this.tokens = Math.min(this.tokens, limit.burst);
  }

  private refill(): void {
    const now = this.timers.now();
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) this.tokens = Math.min(this.limit.burst, this.tokens + (elapsed * this.limit.perSecond) / 1000);
    this.updatedAt = now;
  }
}

export interface KeyedRateLimiterOptions extends RateLimit {
  timers: Timers;
  /** Most keys tracked individually; beyond it new keys share one overflow bucket. */
  maxKeys?: number;
}

export const DEFAULT_MAX_RATE_LIMIT_KEYS = 10_000;

export class KeyedRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly overflow: TokenBucket;
  private readonly timers: Timers;
  private readonly maxKeys: number;
  private limit: RateLimit;

  constructor(opts: KeyedRateLimiterOptions) {
    this.timers = opts.timers;
    this.maxKeys = opts.maxKeys ?? DEFAULT_MAX_RATE_LIMIT_KEYS;
    this.limit = { perSecond: opts.perSecond, burst: opts.burst };
    this.overflow = new TokenBucket(this.limit, this.timers);
  }

  take(key: string): TakeResult {
    return this.bucketFor(key).take();
  }

  /** New limits for every key; existing buckets keep their level (clamped to the new burst). */
  update(limit: RateLimit): void {
    validate(limit);
    this.limit = { perSecond: limit.perSecond, burst: limit.burst };
    for (const b of this.buckets.values()) b.setLimit(this.limit);
    this.overflow.setLimit(this.limit);
  }

  /** Keys tracked individually. */
  get size(): number { return this.buckets.size; }

  private bucketFor(key: string): TokenBucket {
    const existing = this.buckets.get(key);
    if (existing) {
      this.buckets.delete(key); // most recently used goes last
      this.buckets.set(key, existing);
      return existing;
    }
    if (this.buckets.size >= this.maxKeys) {
      const oldest = this.buckets.entries().next();
      if (oldest.done || !oldest.value[1].isFull()) return this.overflow;
      this.buckets.delete(oldest.value[0]);
    }
    const bucket = new TokenBucket(this.limit, this.timers);
    this.buckets.set(key, bucket);
    return bucket;
  }
}
