import type { Timers } from '../shared/timers.js';

/**
 * A circuit breaker per integration (the classic three states):
 *
 * - closed: calls go through; `failures` consecutive failed calls open it (a success resets the count);
 * - open: calls fail at once (INTEGRATION_BREAKER_OPEN) for `openMs`;
 * - half-open: after `openMs` exactly one trial call goes through while the others still fail at once; its
 *   success closes the breaker, its failure opens it for another `openMs`.
 *
 * A call outcome is `success`, `failure` (the upstream misbehaved: timeout, transport, 5xx, bad answer) or
 * `neutral` (nothing was learnt about the upstream, e.g. the call was rate limited before it left or got a
 * 4xx); a neutral trial gives the half-open slot back.
 */

export type BreakerState = 'closed' | 'open' | 'half-open';
export type CallOutcome = 'success' | 'failure' | 'neutral';

export interface BreakerTicket {
  readonly trial: boolean;
}
const NORMAL: BreakerTicket = Object.freeze({ trial: false });
const TRIAL: BreakerTicket = Object.freeze({ trial: true });

export interface BreakerOptions {
  failures: number;
  openMs: number;
  timers: Timers;
  /** Told about every state change (metrics gauge, logs). */
  onStateChange?: (state: BreakerState) => void;
}

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutiveFailures = 0;
  private openedAt = 0;
  private trialInFlight = false;

  constructor(private readonly o: BreakerOptions) {}

  /** The state now (an open breaker whose time is up reads half-open). */
  get state(): BreakerState {
    if (this.current === 'open' && this.o.timers.now() - this.openedAt >= this.o.openMs) this.set('half-open');
    return this.current;
  }

  /**
   * May a call go through? Returns a ticket (in half-open, the one trial ticket) that must be passed to
   * `record()` exactly once, or undefined when the call must fail at once.
   */
  tryAcquire(): BreakerTicket | undefined {
    switch (this.state) {
      case 'closed': return NORMAL;
      case 'open': return undefined;
      case 'half-open':
        if (this.trialInFlight) return undefined;
        this.trialInFlight = true;
        return TRIAL;
    }
  }

  /** The outcome of a call that `tryAcquire()` let through. */
  record(ticket: BreakerTicket, outcome: CallOutcome): void {
    if (ticket.trial) this.trialInFlight = false;
    if (outcome === 'neutral') return;
    if (outcome === 'success') {
      this.consecutiveFailures = 0;
      if (this.current !== 'closed') this.set('closed');
      return;
    }
    this.consecutiveFailures++;
    if (ticket.trial || (this.current === 'closed' && this.consecutiveFailures >= this.o.failures)) this.open();
  }

  private open(): void {
    this.openedAt = this.o.timers.now();
    this.set('open');
  }

  private set(state: BreakerState): void {
    if (state === this.current) return;
    this.current = state;
    this.o.onStateChange?.(state);
  }
}
