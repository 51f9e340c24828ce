import { readFileSync } from 'node:fs';
import { Deadline, raceDeadline } from '../shared/deadline.js';
import { SwitchboardError } from '../shared/errors.js';
import { realTimers, type Timers } from '../shared/timers.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createAuth, type AuthScheme, type OutgoingRequest } from './auth/index.js';
import { CircuitBreaker, type BreakerState, type CallOutcome } from './breaker.js';
import { cacheKey, MemoryCache, type IntegrationCache } from './cache.js';
import { ConcurrencyLimit, type Release } from './concurrency.js';
import { Decision, type Emit, type IntegrationError, type IntegrationResult } from './decision.js';
import { compileDefinition, readCa, upstreamTls, type CompiledDefinition } from './definition.js';
import { HttpClient, type HttpClientOptions, type Upstream } from './http-client.js';
import { TokenBucket } from './rate-limit.js';
import type { IntegrationDefinition, IntegrationTrigger } from './schema.js';
import type { CallFields } from './template.js';
import { asIntegrationError, breakerOutcome, callUpstream, httpStatusOf } from './upstream-call.js';

/**
 * Runs integrations: `run(name, params, context, emit)`.
 *
 * 1. Unknown name or invalid parameters → `rejected` at once; no request leaves.
 * 2. A Deadline starts (the integration's budgetMs, else the context's, else defaultBudgetMs). When it expires the
 *    decision is made there and then (stale or timeout), whatever the upstream is doing, and the request is
 *    aborted. integrationPending goes out after fillerMs if no decision was made by then.
 * 3. Cache: a fresh entry → `ok` without a request; an entry within stale-if-error is kept as a fallback.
 * 4. Gates, each failing fast: breaker (INTEGRATION_BREAKER_OPEN), rate limit (INTEGRATION_RATE_LIMITED), then
 *    the concurrency cap (waiting within the deadline).
 * 5. The request, with the retries that fit (upstream-call.ts); the answer mapped; cached; `ok`.
 *    On failure: the stale fallback → `stale`, else `failed` (or `timeout`).
 */

export type IntegrationMetrics = Pick<Metrics, 'integrationLatency' | 'integrationResults' | 'integrationBreakerState'>;

export interface IntegrationRunnerOptions {
  /** Validated definitions with defaults filled (the dialplans' `integrations:`, or parseIntegration()). */
  integrations: readonly IntegrationDefinition[];
  timers?: Timers;
  /** Wall-clock ms since the epoch (HMAC timestamps). Default Date.now. */
  wallClock?: () => number;
  http?: HttpClientOptions;
  /** Answer store (default: an in-process MemoryCache). */
  cache?: IntegrationCache;
  metrics?: IntegrationMetrics;
  logger?: Logger;
  /** Budget when neither the integration nor the context gives one. Default 500. */
  defaultBudgetMs?: number;
  /** OAuth2 token request limit. Default 5000. */
  tokenTimeoutMs?: number;
  /** Reads certificate, key and CA files. Default fs.readFileSync. */
  readFile?: (path: string) => Buffer;
}

export interface RunContext {
  /** Echoed in the events (the agent's request id). */
  id: string;
  call: CallFields;
  /** The route's budgets.integrationMs; the integration's own budgetMs takes precedence. */
  budgetMs?: number;
}

interface Integration {
  compiled: CompiledDefinition;
  def: IntegrationDefinition;
  auth: AuthScheme;
  upstream: Upstream;
  breaker: CircuitBreaker;
  bucket: TokenBucket | undefined;
  concurrency: ConcurrencyLimit;
}

const BREAKER_GAUGE: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

export class IntegrationRunner {
  private readonly byName = new Map<string, Integration>();
  private readonly timers: Timers;
  private readonly http: HttpClient;
  private readonly cache: IntegrationCache;
  private readonly defaultBudgetMs: number;

  constructor(private readonly o: IntegrationRunnerOptions) {
    this.timers = o.timers ?? realTimers;
    this.http = new HttpClient(o.http);
    this.cache = o.cache ?? new MemoryCache({ timers: this.timers });
    this.defaultBudgetMs = o.defaultBudgetMs ?? 500;
    const readFile = o.readFile ?? ((p: string) => readFileSync(p));
    const authCtx = {
      http: this.http, timers: this.timers, wallClock: o.wallClock ?? Date.now, readFile,
      ...(o.tokenTimeoutMs !== undefined ? { tokenTimeoutMs: o.tokenTimeoutMs } : {}),
    };
    const names = new Set<string>();
    const compiled = o.integrations.map((def) => {
      if (names.has(def.name)) throw new SwitchboardError('CONFIG_INVALID', `integration ${def.name} is defined twice`);
      names.add(def.name);
      const c = compileDefinition(def);
      const ca = def.tls?.ca !== undefined ? { path: def.tls.ca, pem: readCa(def, def.tls.ca, readFile) } : undefined;
      const auth = createAuth(def.auth, authCtx, ca);
      return { c, auth };
    });
    // One pool per upstream key; its connections are the sum of the caps of the integrations sharing it.
    const connections = new Map<string, number>();
    for (const { c } of compiled) connections.set(c.upstreamKey, (connections.get(c.upstreamKey) ?? 0) + (c.def.maxConcurrent ?? 10));
    for (const { c, auth } of compiled) {
      const def = c.def;
      const tls = upstreamTls(def, auth, readFile);
      const upstream = this.http.upstream(c.upstreamKey, c.request.url.origin, { connections: connections.get(c.upstreamKey) ?? 1, ...(tls ? { tls } : {}) });
      const gauge = o.metrics?.integrationBreakerState.labels({ integration: def.name });
      gauge?.set(0);
      const breaker = new CircuitBreaker({
        failures: def.breaker?.failures ?? 5,
        openMs: (def.breaker?.openSeconds ?? 30) * 1000,
        timers: this.timers,
        onStateChange: (state) => {
          gauge?.set(BREAKER_GAUGE[state]);
          o.logger?.warn({ integration: def.name, breaker: state }, 'integration breaker state changed');
        },
      });
      const bucket = def.rateLimit
        ? new TokenBucket({ perSecond: def.rateLimit.perSecond, ...(def.rateLimit.burst !== undefined ? { burst: def.rateLimit.burst } : {}), timers: this.timers })
        : undefined;
      this.byName.set(def.name, { compiled: c, def, auth, upstream, breaker, bucket, concurrency: new ConcurrencyLimit(def.maxConcurrent ?? 10) });
    }
  }

  /** The definition of `name`, if any. */
  definition(name: string): IntegrationDefinition | undefined {
    return this.byName.get(name)?.def;
  }

  /** Names of the integrations with this trigger, in definition order. */
  namesFor(on: IntegrationTrigger): string[] {
    return [...this.byName.values()].filter((i) => (i.def.on ?? 'request') === on).map((i) => i.def.name);
  }

  breakerState(name: string): BreakerState | undefined {
    return this.byName.get(name)?.breaker.state;
  }

  /** Run one integration call. Emits the events and also resolves with the result (never rejects). */
  run(name: string, params: unknown, context: RunContext, emit: Emit): Promise<IntegrationResult> {
    const startedAt = this.timers.now();
    const it = this.byName.get(name);
    const decision = new Decision(context.id, startedAt, this.timers, emit, {
      onResult: (r) => this.record(it ? name : '(unknown)', r),
      onEmitError: (e) => this.o.logger?.error({ err: e, integration: name }, 'integration event handler threw'),
    });
    if (!it) {
      decision.rejected({ code: 'INTEGRATION_UNKNOWN' });
      return decision.result;
    }
    const checked = it.compiled.params.check(params);
    if (!checked.ok) {
      decision.rejected({ code: 'INTEGRATION_INVALID_PARAMS', param: checked.param });
      return decision.result;
    }
    let request: OutgoingRequest;
    try {
      request = it.compiled.request.render({ params: checked.values, call: context.call });
    } catch (e) {
      decision.rejected({ code: e instanceof SwitchboardError ? e.code : 'INTEGRATION_INVALID_PARAMS' });
      return decision.result;
    }
    const deadline = new Deadline(it.def.budgetMs ?? context.budgetMs ?? this.defaultBudgetMs, this.timers);
    // Registered first: on expiry the decision goes out before anything else reacts.
    deadline.onExpire(() => decision.fail({ code: 'INTEGRATION_TIMEOUT' }));
    if (it.def.fillerMs !== undefined && it.def.fillerMs < deadline.budgetMs) decision.pendingAfter(it.def.fillerMs);
    const key = it.def.cache ? cacheKey(name, checked.values, context.call, it.compiled.request.callFieldsUsed) : undefined;
    this.work(it, request, key, deadline, decision)
      .catch((e: unknown) => decision.fail({ code: asIntegrationError(e, deadline).code }))
      .finally(() => deadline.dispose());
    return decision.result;
  }

  private async work(it: Integration, request: OutgoingRequest, key: string | undefined, deadline: Deadline, decision: Decision): Promise<void> {
    const cacheDef = it.def.cache;
    if (key !== undefined && cacheDef) {
      const ttlMs = cacheDef.ttlSeconds * 1000;
      const keepMs = ttlMs + (cacheDef.staleIfErrorSeconds ?? 0) * 1000;
      const hit = await raceDeadline(this.cache.get(key), deadline).catch(() => undefined);
      if (decision.done) return;
      if (hit && hit.ageMs < ttlMs) return decision.ok(hit.data);
      if (hit && hit.ageMs < keepMs) decision.offerStale(hit.data, this.timers.now() + (keepMs - hit.ageMs));
    }
    const ticket = it.breaker.tryAcquire();
    if (!ticket) return decision.fail({ code: 'INTEGRATION_BREAKER_OPEN' });
    let outcome: CallOutcome = 'neutral';
    let release: Release | undefined;
    let sent = false;
    try {
      if (it.bucket && !it.bucket.tryTake()) throw new SwitchboardError('INTEGRATION_RATE_LIMITED');
      release = it.concurrency.tryAcquire() ?? (await it.concurrency.acquire(deadline));
      sent = true;
      const data = await callUpstream({
        upstream: it.upstream,
        auth: it.auth,
        response: it.compiled.response,
        idempotent: it.compiled.request.idempotent,
        retries: it.def.retry?.attempts ?? 0,
        minRemainingMs: it.def.retry?.minRemainingMs ?? 50,
        timers: this.timers,
        takeToken: () => !it.bucket || it.bucket.tryTake(),
      }, request, deadline);
      outcome = 'success';
      if (key !== undefined && cacheDef) {
        const keepMs = (cacheDef.ttlSeconds + (cacheDef.staleIfErrorSeconds ?? 0)) * 1000;
        this.cache.set(key, data, keepMs).catch((e: unknown) => this.o.logger?.warn({ err: e, integration: it.def.name }, 'integration cache write failed'));
      }
      decision.ok(data);
    } catch (e) {
      const err = asIntegrationError(e, deadline);
      // Only a request that left tells the breaker something about the upstream.
      if (sent) outcome = breakerOutcome(err);
      const error: IntegrationError = { code: err.code };
      const status = httpStatusOf(err);
      if (status !== undefined) error.httpStatus = status;
      decision.fail(error);
    } finally {
      release?.();
      it.breaker.record(ticket, outcome);
    }
  }

  private record(label: string, r: IntegrationResult): void {
    const m = this.o.metrics;
    if (m) {
      m.integrationLatency.labels({ integration: label }).observe(r.latencyMs / 1000);
      m.integrationResults.labels({ integration: label, status: r.status, code: r.error?.code ?? 'none' }).inc();
    }
    this.o.logger?.debug({ integration: label, id: r.id, status: r.status, code: r.error?.code, latencyMs: r.latencyMs }, 'integration result');
  }

  /** Close the connection pools (in-flight requests end by their deadlines). */
  close(): Promise<void> {
    return this.http.close();
  }
}
