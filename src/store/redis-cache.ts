/**
 * The integration answer cache in Redis (the integrations module's IntegrationCache shape, met structurally):
 * `SET key {"t":<stored ms>,"d":<answer>} PX keepMs`; the age comes from the stored time. Shared by every
 * Switchboard instance of a deployment, so a cached CRM answer survives a restart and serves all of them.
 *
 * Redis must never eat a call's budget: commands are not queued while the connection is down (they fail at
 * once and the runner asks the upstream), and each command has its own timeout.
 */
import { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

export interface RedisCacheOptions {
  url: string;
  /** Prefix of every key (several deployments may share one Redis). */
  keyPrefix: string;
  /** A command that takes longer fails (the integration goes to its upstream). */
  commandTimeoutMs: number;
  /** Wall clock, ms since the epoch (ages must agree across instances). Default Date.now. */
  now?: () => number;
  logger?: Logger;
}

export interface StoredAnswer {
  data: unknown;
  ageMs: number;
}

export class RedisCache {
  private readonly redis: Redis;
  private readonly now: () => number;
  private warned = false;

  constructor(private readonly o: RedisCacheOptions) {
    this.now = o.now ?? Date.now;
    this.redis = new Redis(o.url, {
      keyPrefix: o.keyPrefix, commandTimeout: o.commandTimeoutMs, enableOfflineQueue: false, maxRetriesPerRequest: 0,
      lazyConnect: false, retryStrategy: (times) => Math.min(times * 200, 5000),
    });
    this.redis.on('error', (e: Error) => {
      if (this.warned) return;
      this.warned = true; // one line per outage, not one per reconnect attempt
      o.logger?.warn({ err: e.message }, 'integration cache: redis unavailable; integrations go to their upstreams');
    });
    this.redis.on('ready', () => {
      if (this.warned) o.logger?.info('integration cache: redis back');
      this.warned = false;
    });
  }

  /** Resolves once connected (or rejects after `ms`): for start-up checks and tests. */
  ready(ms = 2000): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`redis not ready after ${ms} ms`)), ms);
      this.redis.once('ready', () => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  async get(key: string): Promise<StoredAnswer | undefined> {
    const raw = await this.redis.get(key);
    if (raw === null) return undefined;
    try {
      const v = JSON.parse(raw) as { t?: unknown; d?: unknown };
      if (typeof v.t !== 'number') return undefined;
      return { data: v.d, ageMs: Math.max(0, this.now() - v.t) };
    } catch {
      return undefined; // not ours, or corrupted: a miss
    }
  }

  async set(key: string, data: unknown, keepMs: number): Promise<void> {
    if (keepMs <= 0) return;
    await this.redis.set(key, JSON.stringify({ t: this.now(), d: data }), 'PX', Math.ceil(keepMs));
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
