import type { TimerHandle, Timers } from '../../src/shared/timers.js';

interface Pending { at: number; seq: number; fn: () => void; cancelled: boolean }

/** Deterministic timers: time moves only when the test calls advance(). */
export class FakeTimers implements Timers {
  private t = 0;
  private seq = 0;
  private pending: Pending[] = [];

  now(): number { return this.t; }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const p: Pending = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.pending.push(p);
    return { cancel: () => { p.cancelled = true; } };
  }

  /** Move time forward by ms, firing due timers in order (timers added while firing are honoured). */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.pending = this.pending.filter((p) => !p.cancelled);
      let next: Pending | undefined;
      for (const p of this.pending) {
        if (p.at <= end && (!next || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      }
      if (!next) break;
      this.t = next.at;
      next.cancelled = true;
      next.fn();
    }
    this.t = end;
  }

  get pendingCount(): number { return this.pending.filter((p) => !p.cancelled).length; }
}
