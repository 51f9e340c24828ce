import { realTimers, type TimerHandle, type Timers } from './timers.js';

/**
 * A time budget: `remainingMs()`, `expired`, expiry callbacks and an AbortSignal with the semantics of
 * `AbortSignal.timeout(ms)`, but exact and testable:
 *
 * - it runs on the injected `Timers` (fake timers in tests, `realTimers` otherwise);
 * - it never fires early: if the timer callback comes before the end (timer granularity), it re-arms for the
 *   remainder; and `expired` expires it at once when the clock is already past the end, so callers that check
 *   do not wait for a late timer;
 * - the abort reason is a `DOMException` named `TimeoutError`, as with `AbortSignal.timeout`.
 *
 * On expiry the `onExpire` callbacks run first, in registration order, then the signal aborts. The
 * AbortController is only created when `signal` is first read: an AbortSignal costs an Event and a
 * DOMException per expiry, which matters when hundreds of deadlines expire in the same millisecond, so hot
 * paths use `onExpire` and `raceDeadline`.
 *
 * Call `dispose()` when the work finished early: the timer is cancelled and nothing fires afterwards.
 */
export class Deadline {
  readonly budgetMs: number;
  /** `timers.now()` when the deadline was created. */
  readonly startedAt: number;
  /** `timers.now()` value at which the budget is spent. */
  readonly endsAt: number;
  private controller: AbortController | undefined;
  private callbacks: (() => void)[] = [];
  private handle: TimerHandle | undefined;
  private fired = false;
  private disposed = false;
  private timeoutReason: DOMException | undefined;

  constructor(budgetMs: number, private readonly timers: Timers = realTimers) {
    this.budgetMs = Math.max(0, budgetMs);
    this.startedAt = timers.now();
    this.endsAt = this.startedAt + this.budgetMs;
    if (this.budgetMs === 0) this.expire();
    else this.arm(this.budgetMs);
  }

  /** Aborts (reason: DOMException `TimeoutError`) when the budget is spent. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.fired) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** The abort reason: a DOMException named TimeoutError. */
  get reason(): DOMException {
    this.timeoutReason ??= timeoutReason(this.budgetMs);
    return this.timeoutReason;
  }

  /** Milliseconds left, never negative. */
  remainingMs(): number {
    return Math.max(0, this.endsAt - this.timers.now());
  }

  /** Milliseconds since the deadline was created. */
  elapsedMs(): number {
    return this.timers.now() - this.startedAt;
  }

  /** True once the budget is spent (expiring now if the timer has not fired yet and not disposed). */
  get expired(): boolean {
    if (this.fired) return true;
    if (this.timers.now() < this.endsAt) return false;
    if (!this.disposed) this.expire();
    return true;
  }

  /**
   * Call `fn` on expiry (at once if already expired). Returns a function that unregisters it. A callback that
   * throws does not stop the others.
   */
  onExpire(fn: () => void): () => void {
    if (this.fired) {
      fn();
      return noop;
    }
    this.callbacks.push(fn);
    return () => {
      const i = this.callbacks.indexOf(fn);
      if (i >= 0) this.callbacks.splice(i, 1);
    };
  }

  /** The work finished: cancel the timer. Nothing fires afterwards. */
  dispose(): void {
    this.disposed = true;
    this.callbacks = [];
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
    if (this.fired) return;
    this.fired = true;
    this.handle?.cancel();
    this.handle = undefined;
    const callbacks = this.callbacks;
    this.callbacks = [];
    for (const fn of callbacks) {
      try {
        fn();
      } catch {
        // one failing callback must not keep the others (or the signal) from firing
      }
    }
    this.controller?.abort(this.reason);
  }
}

function noop(): void {}

/**
 * A DOMException named TimeoutError, as AbortSignal.timeout gives, created without a stack trace (it would only
 * show the timer callback), which makes it several times cheaper when many deadlines expire at once.
 */
function timeoutReason(budgetMs: number): DOMException {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new DOMException(`budget of ${budgetMs} ms expired`, 'TimeoutError');
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * Settle with `promise`, or reject with the deadline's reason as soon as it expires, whichever comes first.
 * For awaits on things that take no deadline themselves (a shared token request, a cache lookup).
 */
export function raceDeadline<T>(promise: Promise<T>, deadline: Deadline): Promise<T> {
  if (deadline.expired) {
    promise.catch(noop);
    return Promise.reject(deadline.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const off = deadline.onExpire(() => reject(deadline.reason));
    promise.then(
      (v) => { off(); resolve(v); },
      (e: unknown) => { off(); reject(e); },
    );
  });
}
