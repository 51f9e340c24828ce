/**
 * DTMF as RTP named telephone events (RFC 4733 §2.3):
 *
 *    0                   1                   2                   3
 *   |     event     |E|R| volume    |          duration             |
 *
 * One key press is one event: every packet of it carries the same RTP timestamp (the event's start) and a
 * growing duration in timestamp units; the first has the marker bit (§2.5.1.1) and the last has E set and is
 * sent three times (§2.5.1.4). Events 0-9, 10 = *, 11 = #, 12-15 = A-D, 16 = flash (§3.2).
 *
 * DtmfReceiver is a pure state machine: fed each telephone-event packet, it reports exactly one
 * { digit, durationMs } per key press, when the press ends:
 *  - on the first end packet (the redundant copies and any late packet of that event are ignored);
 *  - when a packet with a newer timestamp arrives while an event is open (its end packets were lost; §2.5.2.2);
 *    such a new event is taken even without the marker bit (its first packet was lost);
 *  - when no packet of an open event arrived for `endTimeoutMs` (all end packets lost), checked on the next
 *    push or by poll(nowMs).
 * Flash (16) is ignored unless `reportFlash` is set, then reported as digit 'flash'; other codes are ignored.
 * A long event split into 0xFFFF-sample segments (§2.5.1.3) is joined into one report.
 * Call reset() when the remote SSRC changes (timestamps restart).
 */
import { packetFieldError } from '../rtp/packet-field-error.js';

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D' | 'flash';

const DIGITS: readonly DtmfDigit[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D', 'flash'];
const FLASH = 16;
const MAX_DURATION = 0xffff;

export interface DtmfEvent {
  digit: DtmfDigit;
  durationMs: number;
}

/** The event code of a digit (RFC 4733 §3.2), or undefined when it is not one. Accepts a-d in lower case. */
export function dtmfEventCode(digit: string): number | undefined {
  const i = (DIGITS as readonly string[]).indexOf(digit === 'flash' ? digit : digit.toUpperCase());
  return i < 0 ? undefined : i;
}

export function dtmfDigitOf(code: number): DtmfDigit | undefined {
  return DIGITS[code];
}

export interface DtmfReceiverOptions {
  /** Clock rate of the telephone-event payload type (a=rtpmap:… telephone-event/8000). */
  clockRate?: number;
  /** End an event whose end packets were all lost this long after its last packet. */
  endTimeoutMs?: number;
  /** Report event 16 (hook flash) as digit 'flash' instead of ignoring it. */
  reportFlash?: boolean;
}

export const DTMF_RECEIVER_DEFAULTS = { clockRate: 8000, endTimeoutMs: 2000, reportFlash: false } as const;

const NONE: readonly DtmfEvent[] = Object.freeze([]);

export class DtmfReceiver {
  private readonly clockRate: number;
  private readonly endTimeoutMs: number;
  private readonly reportFlash: boolean;

  private open = false;
  private openTs = 0;
  private openCode = 0;
  /** Duration of the current segment, timestamp units. */
  private openDuration = 0;
  /** Durations of earlier 0xFFFF segments of a long event. */
  private openCarried = 0;
  private lastArrivalMs = 0;
  private ended = false;
  private lastEndedTs = 0;

  constructor(opts: DtmfReceiverOptions = {}) {
    this.clockRate = opts.clockRate ?? DTMF_RECEIVER_DEFAULTS.clockRate;
    this.endTimeoutMs = opts.endTimeoutMs ?? DTMF_RECEIVER_DEFAULTS.endTimeoutMs;
    this.reportFlash = opts.reportFlash ?? DTMF_RECEIVER_DEFAULTS.reportFlash;
  }

  /** Feeds one telephone-event packet's payload; returns the key presses that ended (usually none or one). */
  push(payload: Uint8Array, ts: number, marker: boolean, arrivalMs: number): readonly DtmfEvent[] {
    let out: DtmfEvent[] | undefined;
    const timedOut = this.poll(arrivalMs);
    if (timedOut) out = [timedOut];
    if (payload.length < 4) return out ?? NONE;
    const code = payload[0]!;
    const end = (payload[1]! & 0x80) !== 0;
    const duration = (payload[2]! << 8) | payload[3]!;
    if (code > FLASH || (code === FLASH && !this.reportFlash)) return out ?? NONE;

    if (this.open && ts === this.openTs) {
      // A further packet of the open event: the duration only grows (reordered packets carry less).
      if (code !== this.openCode) return out ?? NONE;
      if (duration > this.openDuration) this.openDuration = duration;
      this.lastArrivalMs = arrivalMs;
      if (end) (out ??= []).push(this.finish());
      return out ?? NONE;
    }
    // The redundant end packets, or a late packet, of an event already reported.
    if (this.ended && ((ts - this.lastEndedTs) | 0) <= 0) return out ?? NONE;
    if (this.open) {
      if (((ts - this.openTs) | 0) < 0) return out ?? NONE; // late packet of an older event
      const offset = (ts - this.openTs) >>> 0;
      if (!marker && code === this.openCode && this.openDuration >= offset && offset > 0) {
        // §2.5.1.3: the next segment of a long event starts where the previous one (0xFFFF units) ended.
        this.openCarried += offset;
        this.openTs = ts;
        this.openDuration = duration;
        this.lastArrivalMs = arrivalMs;
        if (end) (out ??= []).push(this.finish());
        return out ?? NONE;
      }
      // A newer event while one is open: the open one's end packets were lost.
      (out ??= []).push(this.finish());
    }
    // A new event (marker set, or its first packets were lost).
    this.open = true;
    this.openTs = ts;
    this.openCode = code;
    this.openDuration = duration;
    this.openCarried = 0;
    this.lastArrivalMs = arrivalMs;
    if (end) (out ??= []).push(this.finish());
    return out ?? NONE;
  }

  /** Ends an open event whose packets stopped `endTimeoutMs` ago; call it from the session's clock. */
  poll(nowMs: number): DtmfEvent | undefined {
    if (!this.open || nowMs - this.lastArrivalMs < this.endTimeoutMs) return undefined;
    return this.finish();
  }

  /** Forgets all state (the remote source changed). */
  reset(): void {
    this.open = false;
    this.ended = false;
  }

  private finish(): DtmfEvent {
    this.open = false;
    this.ended = true;
    this.lastEndedTs = this.openTs;
    const units = this.openCarried + this.openDuration;
    return { digit: DIGITS[this.openCode]!, durationMs: Math.round((units * 1000) / this.clockRate) };
  }
}

export interface DtmfSendOptions {
  digit: DtmfDigit | string;
  durationMs: number;
  /** RTP timestamp of the event's start (the timestamp the audio would have had at that instant). */
  startTs: number;
  clockRate?: number;
  /** Interval between event packets. */
  ptimeMs?: number;
  /** Power level in -dBm0 (0..63); 10 is a common choice. */
  volume?: number;
  /** How many times the final (E) packet is sent (§2.5.1.4 recommends three). */
  endRepeats?: number;
}

export const DTMF_SEND_DEFAULTS = { clockRate: 8000, ptimeMs: 20, volume: 10, endRepeats: 3 } as const;

export interface DtmfPacket {
  payload: Buffer;
  /** The same for every packet of the event (§2.5.1.2). */
  ts: number;
  /** Set on the first packet only (§2.5.1.1). */
  marker: boolean;
  end: boolean;
  /** When to send it, relative to the first packet. */
  offsetMs: number;
}

/**
 * The packets of one key press (§2.5): one per ptime with the duration so far (the packet sent at k × ptime
 * covers up to (k+1) × ptime), the last with E set and repeated `endRepeats` times one ptime apart. Durations
 * beyond 0xFFFF timestamp units are clamped to it. After the event the audio timestamp continues at
 * startTs + the event duration. Throws when the digit is not a DTMF event.
 */
export function* dtmfPackets(opts: DtmfSendOptions): Generator<DtmfPacket, void, undefined> {
  const code = dtmfEventCode(opts.digit);
  if (code === undefined) throw packetFieldError(`not a DTMF digit: ${JSON.stringify(opts.digit)}`);
  const clockRate = opts.clockRate ?? DTMF_SEND_DEFAULTS.clockRate;
  const ptimeMs = opts.ptimeMs ?? DTMF_SEND_DEFAULTS.ptimeMs;
  const volume = Math.max(0, Math.min(63, opts.volume ?? DTMF_SEND_DEFAULTS.volume));
  const endRepeats = Math.max(1, opts.endRepeats ?? DTMF_SEND_DEFAULTS.endRepeats);
  const step = Math.round((ptimeMs * clockRate) / 1000);
  const total = Math.max(1, Math.min(MAX_DURATION, Math.round((opts.durationMs * clockRate) / 1000)));
  const packets = Math.ceil(total / step);
  const ts = opts.startTs >>> 0;
  for (let k = 0; k < packets + endRepeats - 1; k++) {
    const end = k >= packets - 1;
    const duration = end ? total : (k + 1) * step;
    const payload = Buffer.alloc(4);
    payload[0] = code;
    payload[1] = (end ? 0x80 : 0) | volume;
    payload.writeUInt16BE(duration, 2);
    yield { payload, ts, marker: k === 0, end, offsetMs: k * ptimeMs };
  }
}
