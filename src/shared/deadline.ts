import { realTimers, type TimerHandle, type Timers } from './timers.js';

/**
 * A time budget turned into an AbortSignal, like `AbortSignal.timeout(ms)` but exact and testable:
 *
 * - it runs on the injected `Timers` (fake timers in tests, `realTimers` otherwise);
 * - it never fires early: if the timer callback comes before the end (timer granularity), it re-arms for the
 *   remainder; and `expired` aborts the signal at once when the clock is already past the end, so callers that
 *   check do not wait for a late timer;
 * - the abort reason is a `DOMException` named `TimeoutError`, as with `AbortSignal.timeout`.
 *
 * Call `dispose()` when the work finished early: the timer is cancelled and the signal never aborts.
 */
export class Deadline {
  readonly budgetMs: number;
  /** `timers.now()` when the deadline was created. */
  readonly startedAt: number;
  /** `timers.now()` value at which the budget is spent. */
  readonly endsAt: number;
  private readonly controller = new AbortController();
  private handle: TimerHandle | undefined;
  private disposed = false;

  constructor(budgetMs: number, private readonly timers: Timers = realTimers) {
    this.budgetMs = Math.max(0, budgetMs);
    this.startedAt = timers.now();
    this.endsAt = this.startedAt + this.budgetMs;
    if (this.budgetMs === 0) this.expire();
    else this.arm(this.budgetMs);
  }

  /** Aborts (reason: DOMException `TimeoutError`) when the budget is spent. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.endsAt - this.timers.now());
  }

  /** Milliseconds since the deadline was created. */
  elapsedMs(): number {
    return this.timers.now() - this.startedAt;
  }

  /** True once the budget is spent (aborting the signal now if the timer has not fired yet and not disposed). */
  get expired(): boolean {
    if (this.controller.signal.aborted) return true;
    if (this.timers.now() < this.endsAt) return false;
    if (!this.disposed) this.expire();
    return true;
  }

  /** The work finished: cancel the timer. The signal will not abort afterwards. */
  dispose(): void {
    this.disposed = true;
    this.handle?.cancel();
    this.handle = undefined;
  }

  private arm(ms: number): void {
    this.handle = this.timers.setTimeout(() => this.onTimer(), ms);
  }

  private onTimer(): void {
    this.handle = undefined;
    if (this.disposed) return;
    const left = this.endsAt - this.timers.now();
    if (left > 0) this.arm(left);
    else this.expire();
  }

  private expire(): void {
    this.handle?.cancel();
    this.handle = undefined;
    if (this.controller.signal.aborted) return;
    this.controller.abort(new DOMException(`budget of ${this.budgetMs} ms expired`, 'TimeoutError'));
  }
}

/**
 * Settle with `promise`, or reject with the signal's reason as soon as it aborts, whichever comes first.
 * For awaits on things that do not take a signal themselves (a shared token request, a cache lookup).
 */
export function raceSignal<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e); },
    );
  });
}
