import type { ErrorCode } from '../shared/errors.js';
import type { TimerHandle, Timers } from '../shared/timers.js';
import type { MappedData } from './response-map.js';

/**
 * What the agent hears about one integration call, and the once-only decision that produces it.
 *
 * Events (sent to the agent as control messages):
 *   { event: 'integrationPending', integrationPending: { id, elapsedMs } }   at most once, after fillerMs
 *   { event: 'integrationResult',  integrationResult: { id, status, data, latencyMs, error? } }   exactly once
 *
 * Status: ok (fresh answer or fresh cache entry), stale (the upstream failed but a cached answer within
 * staleIfErrorSeconds exists; `error` says why), failed, timeout (the budget expired), rejected (the
 * parameters failed validation or the integration is unknown: no request was made).
 */

export type IntegrationStatus = 'ok' | 'stale' | 'failed' | 'timeout' | 'rejected';

export interface IntegrationError {
  code: ErrorCode;
  /** The upstream's HTTP status, for INTEGRATION_HTTP_STATUS and INTEGRATION_AUTH. */
  httpStatus?: number;
  /** The agent's name of the parameter that failed validation. */
  param?: string;
}

export interface IntegrationResult {
  id: string;
  status: IntegrationStatus;
  /** The mapped fields (ok, stale); null otherwise. */
  data: MappedData | null;
  /** Call start to decision, in milliseconds (0.1 ms resolution). */
  latencyMs: number;
  error?: IntegrationError;
}

export type IntegrationEvent =
  | { event: 'integrationPending'; integrationPending: { id: string; elapsedMs: number } }
  | { event: 'integrationResult'; integrationResult: IntegrationResult };

export type Emit = (event: IntegrationEvent) => void;

export interface DecisionHooks {
  /** After the result is emitted (metrics, logs). */
  onResult(result: IntegrationResult): void;
  /** `emit` threw: the runner logs it; the decision stands. */
  onEmitError(error: unknown): void;
}

/** A cached answer past its TTL that may stand in while it is within the stale-if-error window. */
interface StaleCandidate {
  data: MappedData;
  /** `timers.now()` after which it may no longer be used. */
  usableUntil: number;
}

export class Decision {
  private settled = false;
  private filler: TimerHandle | undefined;
  private stale: StaleCandidate | undefined;
  private resolve!: (r: IntegrationResult) => void;
  readonly result: Promise<IntegrationResult>;

  constructor(
    private readonly id: string,
    private readonly startedAt: number,
    private readonly timers: Timers,
    private readonly emit: Emit,
    private readonly hooks: DecisionHooks,
  ) {
    this.result = new Promise((r) => { this.resolve = r; });
  }

  get done(): boolean {
    return this.settled;
  }

  /** Send integrationPending after `fillerMs` unless decided by then. */
  pendingAfter(fillerMs: number): void {
    this.filler = this.timers.setTimeout(() => {
      this.filler = undefined;
      if (this.settled) return;
      this.send({ event: 'integrationPending', integrationPending: { id: this.id, elapsedMs: round(this.timers.now() - this.startedAt) } });
    }, fillerMs);
  }

  /** Remember a cached answer usable on failure while `timers.now() < usableUntil`. */
  offerStale(data: MappedData, usableUntil: number): void {
    this.stale = { data, usableUntil };
  }

  ok(data: MappedData): void {
    this.settle('ok', data);
  }

  rejected(error: IntegrationError): void {
    this.settle('rejected', null, error);
  }

  /** The call failed: answer with the stale candidate if it is still usable, else failed or timeout. */
  fail(error: IntegrationError): void {
    if (this.settled) return;
    if (this.stale && this.timers.now() < this.stale.usableUntil) this.settle('stale', this.stale.data, error);
    else this.settle(error.code === 'INTEGRATION_TIMEOUT' ? 'timeout' : 'failed', null, error);
  }

  private settle(status: IntegrationStatus, data: MappedData | null, error?: IntegrationError): void {
    if (this.settled) return;
    this.settled = true;
    this.filler?.cancel();
    this.filler = undefined;
    const result: IntegrationResult = { id: this.id, status, data, latencyMs: round(this.timers.now() - this.startedAt) };
    if (error) result.error = error;
    this.send({ event: 'integrationResult', integrationResult: result });
    this.resolve(result);
    this.hooks.onResult(result);
  }

  private send(event: IntegrationEvent): void {
    try {
      this.emit(event);
    } catch (e) {
      this.hooks.onEmitError(e);
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
