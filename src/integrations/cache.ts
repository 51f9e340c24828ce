import { createHash } from 'node:crypto';
import type { Timers } from '../shared/timers.js';
import type { MappedData } from './response-map.js';
import type { CallField, CallFields, ParamValue } from './template.js';

/**
 * The integration answer cache. The runner decides freshness (ttlSeconds) and stale-if-error
 * (staleIfErrorSeconds) from an entry's age; a store only keeps entries for `keepMs` (ttl + stale window)
 * and reports their age. A Redis store implements the same interface (SET key value PX keepMs, with the
 * storing time inside the value).
 */
export interface CachedAnswer {
  /** The mapped answer (the agent's view). Treat as read-only. */
  data: MappedData;
  /** Milliseconds since it was stored. */
  ageMs: number;
}

export interface IntegrationCache {
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, data: MappedData, keepMs: number): Promise<void>;
}

export interface MemoryCacheOptions {
  timers: Timers;
  /** Entries beyond this are evicted, oldest stored first. Default 10000. */
  maxEntries?: number;
}

/** In-process store: a Map in storing order, expired entries dropped when read or when room is needed. */
export class MemoryCache implements IntegrationCache {
  private readonly entries = new Map<string, { data: MappedData; storedAt: number; dropAt: number }>();
  private readonly maxEntries: number;

  constructor(private readonly opts: MemoryCacheOptions) {
    this.maxEntries = opts.maxEntries ?? 10000;
  }

  get(key: string): Promise<CachedAnswer | undefined> {
    const e = this.entries.get(key);
    if (!e) return Promise.resolve(undefined);
    const now = this.opts.timers.now();
    if (now >= e.dropAt) {
      this.entries.delete(key);
      return Promise.resolve(undefined);
    }
    return Promise.resolve({ data: e.data, ageMs: now - e.storedAt });
  }

  set(key: string, data: MappedData, keepMs: number): Promise<void> {
    const now = this.opts.timers.now();
    this.entries.delete(key);
    this.entries.set(key, { data, storedAt: now, dropAt: now + keepMs });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
    return Promise.resolve();
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The cache key of one call: integration name, the parameters under their template names (sorted) and the call
 * fields the templates use (an answer that depends on the caller's number is per caller). Hashed (SHA-256), so
 * a shared store never holds parameter values such as national ids in clear.
 */
export function cacheKey(
  name: string,
  params: Readonly<Record<string, ParamValue>>,
  call: CallFields,
  callFieldsUsed: ReadonlySet<CallField>,
): string {
  const p = Object.keys(params).sort().map((k) => [k, params[k]]);
  const c = [...callFieldsUsed].sort().map((k) => [k, call[k] ?? null]);
  return `integration:${name}:${createHash('sha256').update(JSON.stringify([p, c])).digest('hex')}`;
}
