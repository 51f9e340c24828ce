/**
 * The clock and timers every time-dependent component receives, so tests can drive time
 * (see test/support/fake-timers.ts) instead of waiting for it.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Timers {
  /** Monotonic milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

export const realTimers: Timers = {
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  },
};
