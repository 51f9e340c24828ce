/**
 * Background teardown of aborted requests.
 *
 * When a Deadline expires the decision is made synchronously in the abort handler; tearing the request down
 * (undici aborts it, destroys the socket, rejects a chain of promises) costs far more. When hundreds of calls
 * expire within a few milliseconds, doing that work inline, or all of it in one setImmediate batch, would
 * delay the decisions of the calls expiring just after. So teardowns are queued and done one per event-loop
 * turn (with the promise reactions it causes): the timers phase, where deadlines fire, runs between them.
 * Teardown errors are created without stack frames (see pump).
 */
export class TeardownQueue {
  private readonly queue: (() => void)[] = [];
  private head = 0;
  private scheduled = false;

  get length(): number {
    return this.queue.length - this.head;
  }

  /** Run `fn` in a later event-loop turn. */
  defer(fn: () => void): void {
    this.queue.push(fn);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.pump);
    }
  }

  private readonly pump = (): void => {
    const fn = this.queue[this.head];
    this.queue[this.head++] = noop;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    if (this.length > 0) setImmediate(this.pump);
    else this.scheduled = false;
    // Errors created while tearing down (undici's, the socket's) are never shown to anyone, but Node formats the
    // stack of every error a stream is destroyed with; without frames that costs next to nothing.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      fn?.();
    } catch {
      // a teardown that throws has nothing left to tear down
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}

function noop(): void {}
