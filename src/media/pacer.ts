/**
 * The send-side queue: agent audio arrives in chunks of any size; RTP must leave as exact ptime frames,
 * one per tick, never in bursts. Marks sit between samples and are "played" only once every sample before
 * them has been handed out as a frame (and so left as RTP in the same tick). flush() (barge-in) drops all
 * queued audio at once and reports the marks it cleared. Each chunk may carry its arrival time, and each frame
 * handed out reports when its last sample arrived (its time in the queue is the playout delay the queue adds).
 * Pure logic: the caller owns the clock.
 */
export interface PacerOptions {
  /** Samples per frame at the codec's PCM rate (e.g. 160 for 20 ms at 8 kHz). */
  frameSamples: number;
  /** Most audio the queue holds, in frames; older audio is dropped first when exceeded (a slow agent burst). */
  maxQueueFrames: number;
}

export interface PacerTick {
  /** The frame to send, or undefined when nothing is queued (the caller decides: silence or nothing). */
  frame: Int16Array | undefined;
  /** Marks whose preceding audio is now all out, in order. */
  played: string[];
  /** When the frame's last sample was enqueued (the caller's clock), or NaN when not known or no frame. */
  arrivedAt: number;
}

interface PendingMark {
  id: string;
  /** Absolute sample position (in the stream of enqueued samples) the mark follows. */
  at: number;
}

export class Pacer {
  private buf: Int16Array;
  private head = 0; // absolute position of the first queued sample
  private tail = 0; // absolute position after the last queued sample
  private marks: PendingMark[] = [];
  /**
   * Arrival of each queued chunk, entries chunkFirst..chunkCount-1: chunkEnds[i] is the absolute position after
   * it, chunkAts[i] when it came. Typed arrays reused in place, so the per-packet path allocates nothing.
   */
  private chunkEnds = new Float64Array(8);
  private chunkAts = new Float64Array(8);
  private chunkFirst = 0;
  private chunkCount = 0;
  private readonly frame: Int16Array;
  /** Samples dropped because the queue overflowed (metrics). */
  overflowSamples = 0;

  constructor(private readonly opts: PacerOptions) {
    this.buf = new Int16Array(opts.frameSamples * 8);
    this.frame = new Int16Array(opts.frameSamples);
  }

  get queuedSamples(): number {
    return this.tail - this.head;
  }

  get pendingMarks(): number {
    return this.marks.length;
  }

  /** Queue PCM; `atMs` is when it arrived on the caller's clock (NaN: not tracked). */
  enqueue(input: Int16Array, atMs = Number.NaN): void {
    const cap = this.opts.maxQueueFrames * this.opts.frameSamples;
    let pcm = input;
    const excess = this.queuedSamples + pcm.length - cap;
    if (excess > 0) {
      const fromQueue = Math.min(this.queuedSamples, excess);
      this.head += fromQueue;
      if (excess > fromQueue) pcm = pcm.subarray(excess - fromQueue);
      this.overflowSamples += excess;
    }
    this.ensureCapacity(this.queuedSamples + pcm.length);
    const n = this.buf.length;
    let w = this.tail % n;
    for (let i = 0; i < pcm.length; i++) {
      this.buf[w] = pcm[i] as number;
      w = w + 1 === n ? 0 : w + 1;
    }
    this.tail += pcm.length;
    if (pcm.length > 0) {
      if (this.chunkCount === this.chunkEnds.length) this.makeChunkRoom();
      this.chunkEnds[this.chunkCount] = this.tail;
      this.chunkAts[this.chunkCount] = atMs;
      this.chunkCount++;
    }
  }

  mark(id: string): void {
    this.marks.push({ id, at: this.tail });
  }

  /** Barge-in: drop every queued sample; the pending marks are returned as cleared. */
  flush(): string[] {
    this.head = this.tail;
    this.dropChunks();
    const cleared = this.marks.map((m) => m.id);
    this.marks = [];
    return cleared;
  }

  /**
   * One ptime: the next frame and the marks it completes. A trailing partial frame is padded with silence
   * rather than held back, so the end of an utterance is never stuck in the queue.
   */
  private static readonly NONE: string[] = [];
  private readonly tickOut: PacerTick = { frame: undefined, played: Pacer.NONE, arrivedAt: Number.NaN };

  next(): PacerTick {
    const out = this.tickOut;
    let played = Pacer.NONE;
    if (this.marks.length > 0) played = [];
    const queued = this.queuedSamples;
    if (queued === 0) {
      while (this.marks.length && (this.marks[0] as PendingMark).at <= this.head) played.push((this.marks.shift() as PendingMark).id);
      out.frame = undefined;
      out.played = played;
      out.arrivedAt = Number.NaN;
      return out;
    }
    const take = Math.min(queued, this.opts.frameSamples);
    const n = this.buf.length;
    let r = this.head % n;
    for (let i = 0; i < take; i++) {
      this.frame[i] = this.buf[r] as number;
      r = r + 1 === n ? 0 : r + 1;
    }
    this.frame.fill(0, take);
    this.head += take;
    out.arrivedAt = this.arrivalOf(this.head - 1);
    while (this.marks.length && (this.marks[0] as PendingMark).at <= this.head) played.push((this.marks.shift() as PendingMark).id);
    out.frame = this.frame;
    out.played = played;
    return out;
  }

  /** Arrival of the chunk holding absolute position `pos`; chunks that end at or before it are forgotten. */
  private arrivalOf(pos: number): number {
    const ends = this.chunkEnds;
    let i = this.chunkFirst;
    while (i < this.chunkCount && (ends[i] as number) <= pos) i++;
    const at = i < this.chunkCount ? (this.chunkAts[i] as number) : Number.NaN;
    if (i < this.chunkCount && (ends[i] as number) === pos + 1) i++;
    this.chunkFirst = i;
    if (i === this.chunkCount) this.dropChunks();
    return at;
  }

  private dropChunks(): void {
    this.chunkFirst = 0;
    this.chunkCount = 0;
  }

  /** The chunk arrays are full: move the live entries to the front, or double them when all are live. */
  private makeChunkRoom(): void {
    const live = this.chunkCount - this.chunkFirst;
    if (this.chunkFirst > 0) {
      this.chunkEnds.copyWithin(0, this.chunkFirst, this.chunkCount);
      this.chunkAts.copyWithin(0, this.chunkFirst, this.chunkCount);
    } else {
      const ends = new Float64Array(this.chunkEnds.length * 2);
      const ats = new Float64Array(this.chunkAts.length * 2);
      ends.set(this.chunkEnds);
      ats.set(this.chunkAts);
      this.chunkEnds = ends;
      this.chunkAts = ats;
    }
    this.chunkFirst = 0;
    this.chunkCount = live;
  }

  private ensureCapacity(samples: number): void {
    if (samples <= this.buf.length) return;
    let size = this.buf.length;
    while (size < samples) size *= 2;
    const grown = new Int16Array(size);
    const n = this.buf.length;
    for (let p = this.head, i = 0; p < this.tail; p++, i++) grown[p % size] = this.buf[p % n] as number;
    this.buf = grown;
  }
}
