/**
 * Replay detection for qop=auth credentials (RFC 7616 §3.4: "the server can detect request replays
 * by maintaining its own copy of this count — if the same nc-value is seen twice, then the request
 * is a replay").
 *
 * Per nonce we keep the highest nc seen and a sliding window bitmap of the counts just below it
 * (the IPsec anti-replay scheme), so requests that overtake each other on UDP are still accepted
 * once each. A count older than the window is refused. Nonces live in an LRU bounded by
 * `maxNonces`; when a nonce is evicted its counts are forgotten (its replays then depend on the
 * nonce lifetime alone), which is the price of bounded memory under a flood.
 */

/** Width of the per-nonce window of counts below the highest (a 32-bit mask). */
export const NONCE_COUNT_WINDOW = 32;
export const DEFAULT_NONCE_COUNT_CACHE_SIZE = 10_000;

interface Entry { max: number; seen: number } // bit i of `seen` = count (max - i) was used

export class NonceCountCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxNonces: number = DEFAULT_NONCE_COUNT_CACHE_SIZE) {}

  /**
   * Records (nonce, nc) and returns true if it is new; false if it is a replay (seen before, or
   * older than the window). Only call this for credentials that verified, so failed attempts take no memory.
   */
  use(nonce: string, nc: number): boolean {
    const entry = this.entries.get(nonce);
    if (!entry) {
      this.insert(nonce, { max: nc, seen: 1 });
      return true;
    }
    this.entries.delete(nonce); // refresh LRU position
    this.entries.set(nonce, entry);
    if (nc > entry.max) {
      const shift = nc - entry.max;
      entry.seen = shift >= NONCE_COUNT_WINDOW ? 1 : ((entry.seen << shift) | 1) >>> 0;
      entry.max = nc;
      return true;
    }
    const offset = entry.max - nc;
    if (offset >= NONCE_COUNT_WINDOW) return false;
    const bit = (1 << offset) >>> 0;
    if ((entry.seen & bit) !== 0) return false;
    entry.seen = (entry.seen | bit) >>> 0;
    return true;
  }

  get size(): number { return this.entries.size; }

  private insert(nonce: string, entry: Entry): void {
    if (this.entries.size >= this.maxNonces) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(nonce, entry);
  }
}
