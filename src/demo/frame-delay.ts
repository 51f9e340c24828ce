/**
 * A delay line of whole frames (a ring buffer): each frame pushed in returns the one pushed `length` frames
 * earlier, or undefined while the line is still filling. Driven by the caller's own 20 ms frames, the echo's
 * delay is exact in audio time and needs no timer.
 */
export class FrameDelay<T> {
  private readonly ring: (T | undefined)[];
  private at = 0;

  constructor(readonly length: number) {
    this.ring = new Array<T | undefined>(Math.max(0, Math.floor(length)));
  }

  push(frame: T): T | undefined {
    if (this.ring.length === 0) return frame;
    const out = this.ring[this.at];
    this.ring[this.at] = frame;
    this.at = (this.at + 1) % this.ring.length;
    return out;
  }

  /** Forget everything held: the next `length` pushes return undefined again. */
  reset(): void {
    this.ring.fill(undefined);
    this.at = 0;
  }
}
