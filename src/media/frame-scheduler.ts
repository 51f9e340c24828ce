/**
 * One clock per data-plane thread for every session's frame work (send one RTP frame, run concealment), so
 * 300 sessions do not mean 300 × 50 timers a second. A wheel of `granularityMs` slots: each session is due
 * every ptime at its own phase, so each tick touches only the sessions due now and the work is spread over
 * the frame period instead of landing in one burst. Timer lateness is corrected against absolute times.
 */
import type { Timers, TimerHandle } from '../shared/timers.js';

export interface Tickable {
  /** Called once per ptime; `lateMs` is how far behind the ideal time this call is. */
  tick(nowMs: number, lateMs: number): void;
}

interface Entry {
  item: Tickable;
  periodMs: number;
  due: number;
  removed: boolean;
}

export class FrameScheduler {
  private readonly slots: Entry[][];
  private readonly entries = new Map<Tickable, Entry>();
  private handle?: TimerHandle;
  private nextTickAt = 0;
  private slot = 0;
  /** The entry whose tick is running (advance() applies to it). */
  private ticking?: Entry;
  /** Largest lateness seen (ms), for diagnostics. */
  maxLateMs = 0;

  constructor(private readonly timers: Timers, private readonly granularityMs = 2, private readonly maxPeriodMs = 120) {
    this.slots = Array.from({ length: Math.ceil(maxPeriodMs / granularityMs) }, () => []);
  }

  /** The clock's resolution (ms): phases move in whole steps. */
  get stepMs(): number {
    return this.granularityMs;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Start ticking `item` every `periodMs`, first at `firstDueMs` (absolute, Timers.now()). */
  add(item: Tickable, periodMs: number, firstDueMs: number): void {
    if (!this.handle) this.start();
    // Never behind the wheel's current slot (it would wait a whole lap), and in the least-loaded phase of
    // the next period, so sessions that start together do not all tick in the same slot.
    const base = Math.max(firstDueMs, this.nextTickAt);
    let bestDue = base;
    let bestLoad = Infinity;
    for (let t = base; t < base + periodMs; t += this.granularityMs) {
      const load = (this.slots[Math.floor(t / this.granularityMs) % this.slots.length] as Entry[]).length;
      if (load < bestLoad) {
        bestLoad = load;
        bestDue = t;
      }
    }
    const e: Entry = { item, periodMs, due: bestDue, removed: false };
    this.entries.set(item, e);
    this.place(e);
  }

  remove(item: Tickable): void {
    const e = this.entries.get(item);
    if (!e) return;
    e.removed = true;
    this.entries.delete(item);
    if (this.entries.size === 0) this.stop();
  }

  /**
   * Called by an item from inside its own tick: its next tick comes `ms` earlier (whole clock steps), one
   * shorter period that moves its phase for good. Never earlier than the clock's next step.
   */
  advance(item: Tickable, ms: number): void {
    const e = this.ticking;
    if (!e || e.item !== item || ms <= 0) return;
    e.due -= Math.floor(ms / this.granularityMs) * this.granularityMs;
  }

  private place(e: Entry): void {
    const idx = Math.floor(e.due / this.granularityMs) % this.slots.length;
    (this.slots[idx] as Entry[]).push(e);
  }

  private start(): void {
    const now = this.timers.now();
    this.nextTickAt = Math.ceil(now / this.granularityMs) * this.granularityMs;
    this.slot = Math.floor(this.nextTickAt / this.granularityMs) % this.slots.length;
    this.schedule();
  }

  private stop(): void {
    this.handle?.cancel();
    this.handle = undefined;
  }

  private schedule(): void {
    this.handle = this.timers.setTimeout(() => this.run(), Math.max(0, this.nextTickAt - this.timers.now()));
  }

  private run(): void {
    const now = this.timers.now();
    // Process every slot whose time has come (normally one; more after an event-loop stall).
    while (this.nextTickAt <= now) {
      const bucket = this.slots[this.slot] as Entry[];
      this.slots[this.slot] = [];
      const horizon = this.nextTickAt + this.granularityMs;
      for (const e of bucket) {
        if (e.removed) continue;
        if (e.due >= horizon) {
          this.place(e); // due in a later lap of the wheel
          continue;
        }
        const late = Math.max(0, now - e.due);
        if (late > this.maxLateMs) this.maxLateMs = late;
        this.ticking = e;
        e.item.tick(now, late);
        this.ticking = undefined;
        e.due += e.periodMs;
        if (e.due < horizon) e.due = horizon; // an advance never lands in a slot already run
        // After a long stall, realign instead of bursting to catch up (pacing never bursts).
        if (e.due < now - e.periodMs) e.due = now + e.periodMs - ((now - e.due) % e.periodMs);
        if (!e.removed) this.place(e);
      }
      this.nextTickAt += this.granularityMs;
      this.slot = (this.slot + 1) % this.slots.length;
    }
    if (this.entries.size > 0) this.schedule();
    else this.handle = undefined;
  }
}
