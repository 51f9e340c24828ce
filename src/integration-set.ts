/**
 * The integrations of the dialplans in force, as one IntegrationRunner. A dialplan reload that leaves the
 * definitions unchanged keeps the runner (its breakers, token buckets, OAuth2 tokens and connection pools); a
 * changed set gets a new runner, and the old one's pools close once its in-flight calls are past their budgets.
 */
import { IntegrationRunner, type IntegrationCache, type IntegrationDefinition, type MappedData } from './integrations/index.js';
import type { RedisCache } from './store/redis-cache.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';

/** Longest budget an integration may have (schema maximum), plus a margin: then the old pools can close. */
const RETIRE_AFTER_MS = 65_000;

export interface IntegrationSetOptions {
  metrics: Metrics;
  logger: Logger;
  cache?: IntegrationCache;
}

export class IntegrationSet {
  private runner?: IntegrationRunner;
  private signature = '';
  private readonly retiring = new Set<Promise<void>>();

  constructor(private readonly o: IntegrationSetOptions) {}

  get current(): IntegrationRunner | undefined {
    return this.runner;
  }

  update(defs: readonly IntegrationDefinition[]): void {
    const signature = JSON.stringify(defs);
    if (signature === this.signature && this.runner) return;
    const old = this.runner;
    this.runner = new IntegrationRunner({
      integrations: defs, metrics: this.o.metrics, logger: this.o.logger, ...(this.o.cache ? { cache: this.o.cache } : {}),
    });
    this.signature = signature;
    if (old) {
      const done = new Promise<void>((resolve) => setTimeout(resolve, RETIRE_AFTER_MS).unref())
        .then(() => old.close())
        .finally(() => this.retiring.delete(done));
      this.retiring.add(done);
    }
  }

  async close(): Promise<void> {
    await this.runner?.close();
  }
}

/** The Redis store as the runner's cache: entries that are not a mapped answer (an object) count as misses. */
export function integrationCacheOf(store: RedisCache): IntegrationCache {
  return {
    async get(key) {
      const hit = await store.get(key);
      if (!hit || typeof hit.data !== 'object' || hit.data === null || Array.isArray(hit.data)) return undefined;
      return { data: hit.data as MappedData, ageMs: hit.ageMs };
    },
    set: (key, data, keepMs) => store.set(key, data, keepMs),
  };
}
