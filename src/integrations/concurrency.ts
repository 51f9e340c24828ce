import type { Deadline } from '../shared/deadline.js';
import { SwitchboardError } from '../shared/errors.js';

/**
 * A cap on requests in flight per integration. Callers beyond the cap wait in arrival order, each only until
 * its own Deadline expires; then it fails with INTEGRATION_TIMEOUT and its place is dropped.
 */
export type Release = () => void;

interface Waiter {
  grant: (release: Release) => void;
  off: () => void;
}

export class ConcurrencyLimit {
  private inFlight = 0;
  private readonly waiters: Waiter[] = [];

  constructor(readonly max: number) {}

  get active(): number {
    return this.inFlight;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** A slot now, or undefined when all are taken. */
  tryAcquire(): Release | undefined {
    if (this.inFlight >= this.max) return undefined;
    this.inFlight++;
    return this.releaser();
  }

  /** A slot, waiting within `deadline`. */
  acquire(deadline: Deadline): Promise<Release> {
    const now = this.tryAcquire();
    if (now) return Promise.resolve(now);
    if (deadline.expired) return Promise.reject(timeout());
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = { grant: resolve, off: () => undefined };
      waiter.off = deadline.onExpire(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(timeout());
      });
      this.waiters.push(waiter);
    });
  }

  private releaser(): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiters.shift();
      if (next) {
        // The slot passes straight to the next waiter; inFlight stays the same.
        next.off();
        next.grant(this.releaser());
      } else {
        this.inFlight--;
      }
    };
  }
}

function timeout(): SwitchboardError {
  return new SwitchboardError('INTEGRATION_TIMEOUT', 'budget expired waiting for a free request slot');
}
