/**
 * RFC 3711 §3.3.2 replay list as a sliding-window bitmap (the RFC 2401 technique).
 *
 * The window holds the `size` most recent indices up to and including the highest index
 * authenticated so far. An index is acceptable when it is ahead of the window, or inside it and
 * not yet received; an index `size` or more behind the highest is refused as too old (the RFC lets
 * indices that lag by more than the window be treated as already received).
 *
 * check() is side-effect free; accept() records an index and must only be called after the packet
 * authenticated (§3.3 step 7), so forged packets cannot move the window.
 *
 * Indices are SRTP packet indices (48 bits) or SRTCP indices (31 bits): plain numbers, exact up
 * to 2^53. The bitmap is circular: bit (index mod capacity) stands for index.
 */
import { SwitchboardError } from '../../shared/errors.js';
import { SRTP_ERROR_CODE } from './suites.js';

/** RFC 3711 §3.3.2: SRTP-WINDOW-SIZE MUST be at least 64. */
export const DEFAULT_REPLAY_WINDOW_SIZE = 64;
/** Beyond 2^15 the §3.3.1 index estimate itself cannot tell old packets from new ones. */
export const MAX_REPLAY_WINDOW_SIZE = 0x8000;

export type ReplayVerdict = 'new' | 'replay' | 'too-old';

export class ReplayWindow {
  readonly size: number;
  private readonly bits: Uint32Array;
  private readonly capacity: number;
  private top = -1;

  constructor(size: number = DEFAULT_REPLAY_WINDOW_SIZE) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_REPLAY_WINDOW_SIZE) {
      throw new SwitchboardError(
        SRTP_ERROR_CODE,
        `replay window size must be an integer in 1..${MAX_REPLAY_WINDOW_SIZE}, got ${size}`,
      );
    }
    this.size = size;
    this.bits = new Uint32Array(Math.ceil(size / 32));
    this.capacity = this.bits.length * 32;
  }

  /** The highest index accepted so far, or -1 before the first. */
  get highest(): number {
    return this.top;
  }

  check(index: number): ReplayVerdict {
    if (index > this.top) return 'new';
    if (index < 0) return 'too-old';
    const lag = this.top - index;
    if (lag >= this.size) return 'too-old';
    const pos = index % this.capacity;
    return (this.bits[pos >>> 5] & (1 << (pos & 31))) !== 0 ? 'replay' : 'new';
  }

  /** Records an authenticated index, sliding the window forward when it is the new highest. */
  accept(index: number): void {
    const bits = this.bits;
    if (index > this.top) {
      const advance = this.top < 0 ? this.capacity : index - this.top;
      if (advance >= this.capacity) {
        bits.fill(0);
      } else {
        // Clear the slots of the indices the window slides over; they held indices that are
        // now `capacity` behind, outside the window.
        for (let i = this.top + 1; i < index; i++) {
          const pos = i % this.capacity;
          bits[pos >>> 5] &= ~(1 << (pos & 31));
        }
      }
      this.top = index;
    }
    const pos = index % this.capacity;
    bits[pos >>> 5] |= 1 << (pos & 31);
  }
}
