/**
 * The receive-side buffer for an agent: latency first. A voice-AI agent consumes audio as fast as it comes,
 * so frames that arrive in order are released at once (no playout delay); the buffer only holds frames
 * behind a gap, waiting for the missing packet an adaptive 20–120 ms (from the stream's interarrival jitter,
 * RFC 3550 A.8) before concealing it. It reorders, drops duplicates and late packets, survives sequence wraps
 * (extended sequence numbers), and never grows beyond `capacity` frames. Pure logic: the session calls
 * push() on arrival and drain() on arrival and on its frame clock.
 */

export interface ReorderBufferOptions {
  ptimeMs: number;
  minWaitMs?: number;
  maxWaitMs?: number;
  /** Frames held at most (a packet further ahead forces a resync). */
  capacity?: number;
  /** Longest run of missing frames that is concealed; a longer gap is skipped (the stream jumped or paused). */
  maxConcealFrames?: number;
}

export const REORDER_BUFFER_DEFAULTS = { minWaitMs: 20, maxWaitMs: 120, capacity: 64, maxConcealFrames: 5 } as const;

export type ReorderOutput = { kind: 'frame'; payload: Uint8Array; seq: number } | { kind: 'conceal' };

export interface ReorderCounters {
  received: number;
  duplicates: number;
  late: number;
  concealed: number;
  skipped: number;
  resyncs: number;
}

export class ReorderBuffer {
  private readonly slots: (Uint8Array | undefined)[];
  private readonly slotSeq: Int32Array;
  private readonly cap: number;
  private readonly minWait: number;
  private readonly maxWait: number;
  private readonly maxConceal: number;
  private next = -1; // extended sequence number of the next frame to release
  private highest = -1;
  private waitingSince = -1; // arrival time of the first packet held behind the current gap
  private jitterMs = 0;
  readonly counters: ReorderCounters = { received: 0, duplicates: 0, late: 0, concealed: 0, skipped: 0, resyncs: 0 };

  constructor(private readonly o: ReorderBufferOptions) {
    this.cap = o.capacity ?? REORDER_BUFFER_DEFAULTS.capacity;
    this.minWait = o.minWaitMs ?? REORDER_BUFFER_DEFAULTS.minWaitMs;
    this.maxWait = o.maxWaitMs ?? REORDER_BUFFER_DEFAULTS.maxWaitMs;
    this.maxConceal = o.maxConcealFrames ?? REORDER_BUFFER_DEFAULTS.maxConcealFrames;
    this.slots = new Array<Uint8Array | undefined>(this.cap);
    this.slotSeq = new Int32Array(this.cap).fill(-1);
  }

  /** How long a gap is waited for: twice the jitter plus one frame, within [minWait, maxWait]. */
  get waitMs(): number {
    return Math.min(this.maxWait, Math.max(this.minWait, 2 * this.jitterMs + this.o.ptimeMs));
  }

  /** The stream's interarrival jitter in ms (from RtpReceiveStats), which sets the wait. */
  setJitter(ms: number): void {
    this.jitterMs = ms;
  }

  get held(): number {
    if (this.next < 0) return 0; // nothing has arrived yet
    return this.highest >= this.next ? this.highest - this.next + 1 : 0;
  }

  push(seq: number, payload: Uint8Array, arrivalMs: number): void {
    this.counters.received++;
    if (this.next < 0) {
      this.next = seq;
      this.highest = seq - 1;
    }
    // Extend the 16-bit sequence number to the one nearest `next` (§A.1-style unwrapping).
    const base = this.next & 0xffff;
    const diff = ((seq - base + 0x18000) & 0xffff) - 0x8000;
    const ext = this.next + diff;
    if (ext < this.next) {
      this.counters.late++;
      return;
    }
    if (ext - this.next >= this.cap) {
      // Too far ahead to hold: the sender jumped. Resync on this packet.
      this.counters.resyncs++;
      this.clear();
      this.next = ext;
      this.highest = ext - 1;
    }
    const i = ext % this.cap;
    if (this.slotSeq[i] === ext) {
      this.counters.duplicates++;
      return;
    }
    this.slots[i] = payload;
    this.slotSeq[i] = ext;
    if (ext > this.highest) this.highest = ext;
    if (ext !== this.next && this.waitingSince < 0) this.waitingSince = arrivalMs;
  }

  /** Append what can be released now: frames in order, and concealment for a gap waited out. */
  drain(nowMs: number, out: ReorderOutput[]): void {
    if (this.next < 0) return; // nothing has arrived yet
    while (this.next <= this.highest) {
      const i = this.next % this.cap;
      if (this.slotSeq[i] === this.next) {
        out.push({ kind: 'frame', payload: this.slots[i] as Uint8Array, seq: this.next & 0xffff });
        this.slots[i] = undefined;
        this.slotSeq[i] = -1;
        this.next++;
        this.waitingSince = this.held > 0 && !this.has(this.next) ? nowMs : -1;
        continue;
      }
      if (this.waitingSince < 0) this.waitingSince = nowMs;
      if (nowMs - this.waitingSince < this.waitMs) return;
      // The gap was waited out: conceal it (short) or skip it (long), then go on with what is held.
      let missing = 0;
      while (this.next + missing <= this.highest && !this.has(this.next + missing)) missing++;
      if (missing <= this.maxConceal) {
        for (let k = 0; k < missing; k++) out.push({ kind: 'conceal' });
        this.counters.concealed += missing;
      } else this.counters.skipped += missing;
      this.next += missing;
      this.waitingSince = -1;
    }
    this.waitingSince = -1;
  }

  reset(): void {
    this.clear();
    this.next = -1;
    this.highest = -1;
  }

  private has(ext: number): boolean {
    return this.slotSeq[ext % this.cap] === ext;
  }

  private clear(): void {
    this.slots.fill(undefined);
    this.slotSeq.fill(-1);
    this.waitingSince = -1;
  }
}
