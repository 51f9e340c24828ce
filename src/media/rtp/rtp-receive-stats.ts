/**
 * Per-source receive bookkeeping of RFC 3550 Appendix A: sequence validation and wrap counting (A.1),
 * expected / lost packets and the fraction lost per report interval (A.3), and the interarrival jitter (A.8).
 * One instance follows the one remote source of a call; a new SSRC after that source was validated restarts
 * the bookkeeping and is reported as SSRC_CHANGED so the session can reset its jitter buffer and decoder.
 *
 * update() is the per-packet hot path: arithmetic on fields, no allocation.
 */

/** Results of update(): what the session should do with the packet. */
export const RtpSeqResult = {
  /** In sequence, or reordered / duplicated within MAX_MISORDER: pass it on. */
  ACCEPTED: 0,
  /** The source is not validated yet (A.1 probation): pass it on or hold it back, as the session prefers. */
  PROBATION: 1,
  /** A jump of more than MAX_DROPOUT not (yet) confirmed by the next packet: drop it (A.1 bad_seq). */
  BAD_SEQUENCE: 2,
  /** The second packet after a big jump: the sender restarted its sequence (A.1); bookkeeping restarted. Reset the jitter buffer. */
  RESTARTED: 3,
  /** A new SSRC after the previous source was validated: bookkeeping restarted. Reset jitter buffer and decoder. */
  SSRC_CHANGED: 4,
} as const;
export type RtpSeqResult = (typeof RtpSeqResult)[keyof typeof RtpSeqResult];

export interface RtpReceiveStatsOptions {
  /** RTP clock rate of the stream (timestamp units per second), for the jitter (A.8). */
  clockRate: number;
  /** Sequential packets needed to validate a source (A.1 MIN_SEQUENTIAL). */
  minSequential?: number;
  /** Largest forward jump still taken as loss rather than a restart (A.1 MAX_DROPOUT). */
  maxDropout?: number;
  /** Largest backward step still taken as reordering (A.1 MAX_MISORDER). */
  maxMisorder?: number;
}

export const RTP_RECEIVE_STATS_DEFAULTS = { minSequential: 2, maxDropout: 3000, maxMisorder: 100 } as const;

const RTP_SEQ_MOD = 0x10000;

export class RtpReceiveStats {
  readonly clockRate: number;
  private readonly minSequential: number;
  private readonly maxDropout: number;
  private readonly maxMisorder: number;

  /** SSRC of the source followed; undefined before the first packet. */
  ssrc: number | undefined = undefined;
  /** True once the source passed probation (A.1). */
  validated = false;
  // A.1 source state.
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private probation = 0;
  /** Packets accepted since the source was (re)initialised (A.1 received). */
  received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  // A.8 jitter state.
  private jitterTs = 0;
  private lastTs = 0;
  private lastArrivalMs = 0;
  private haveTransit = false;
  /** Times the followed SSRC changed after validation. */
  ssrcChanges = 0;

  constructor(opts: RtpReceiveStatsOptions) {
    this.clockRate = opts.clockRate;
    this.minSequential = opts.minSequential ?? RTP_RECEIVE_STATS_DEFAULTS.minSequential;
    this.maxDropout = opts.maxDropout ?? RTP_RECEIVE_STATS_DEFAULTS.maxDropout;
    this.maxMisorder = opts.maxMisorder ?? RTP_RECEIVE_STATS_DEFAULTS.maxMisorder;
  }

  /**
   * Accounts one received RTP packet (arrivalMs on any monotonic millisecond clock). Pass timing = false for
   * packets of the same stream whose timestamp does not follow the media clock — RFC 4733 telephone events
   * repeat the event's start timestamp — so they count for sequence and loss but not for the jitter.
   */
  update(ssrc: number, seq: number, ts: number, arrivalMs: number, timing = true): RtpSeqResult {
    if (ssrc !== this.ssrc) {
      const changed = this.validated;
      if (changed) this.ssrcChanges++;
      const first = this.startSource(ssrc, seq);
      if (timing) this.jitterUpdate(ts, arrivalMs);
      return changed ? RtpSeqResult.SSRC_CHANGED : first;
    }
    const result = this.updateSeq(seq);
    if (timing && result !== RtpSeqResult.BAD_SEQUENCE) this.jitterUpdate(ts, arrivalMs);
    return result;
  }

  /** A.1: first packet of a source — init_seq, then probation with max_seq one before it. */
  private startSource(ssrc: number, seq: number): RtpSeqResult {
    this.ssrc = ssrc;
    this.validated = false;
    this.initSeq(seq);
    this.maxSeq = (seq - 1) & 0xffff;
    this.probation = this.minSequential;
    this.haveTransit = false;
    this.jitterTs = 0;
    // A.1: the first packet itself counts toward probation (update_seq runs on it too).
    return this.updateSeq(seq);
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /** RFC 3550 A.1 update_seq. */
  private updateSeq(seq: number): RtpSeqResult {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      // A.1: the source is valid once MIN_SEQUENTIAL packets arrived in sequence.
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.received++;
          this.validated = true;
          return RtpSeqResult.ACCEPTED;
        }
      } else {
        this.probation = this.minSequential - 1;
        this.maxSeq = seq;
      }
      return RtpSeqResult.PROBATION;
    }
    if (udelta < this.maxDropout) {
      // In order, with a permissible gap; a smaller number means the 16-bit counter wrapped.
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - this.maxMisorder) {
      // A very large jump: accept it only when the next packet follows it (the sender restarted).
      if (seq === this.badSeq) {
        this.initSeq(seq);
        this.received++;
        this.haveTransit = false;
        return RtpSeqResult.RESTARTED;
      }
      this.badSeq = (seq + 1) & 0xffff;
      return RtpSeqResult.BAD_SEQUENCE;
    }
    // else: a duplicate or reordered packet (A.1 counts it as received).
    this.received++;
    return RtpSeqResult.ACCEPTED;
  }

  /**
   * RFC 3550 A.8: D(i-1,i) = (R_i - R_{i-1}) - (S_i - S_{i-1}) in timestamp units, J += (|D| - J) / 16.
   * The arrival difference is converted to the RTP clock; the timestamp difference is taken modulo 2^32.
   */
  private jitterUpdate(ts: number, arrivalMs: number): void {
    if (this.haveTransit) {
      const arrivalDelta = ((arrivalMs - this.lastArrivalMs) * this.clockRate) / 1000;
      const tsDelta = (ts - this.lastTs) | 0;
      const d = Math.abs(arrivalDelta - tsDelta);
      this.jitterTs += (d - this.jitterTs) / 16;
    }
    this.haveTransit = true;
    this.lastTs = ts;
    this.lastArrivalMs = arrivalMs;
  }

  /** A.3: highest sequence number received, extended with the wrap count (cycles + max_seq). */
  get extendedMaxSeq(): number {
    return this.cycles + this.maxSeq;
  }

  /** A.3: expected = extended_max - base_seq + 1 (0 before validation). */
  get expected(): number {
    return this.validated ? this.extendedMaxSeq - this.baseSeq + 1 : 0;
  }

  /** A.3: cumulative lost = expected - received, clamped to the signed 24 bits of a report block. */
  get cumulativeLost(): number {
    const lost = this.expected - this.received;
    return lost > 0x7fffff ? 0x7fffff : lost < -0x800000 ? -0x800000 : lost;
  }

  /** A.8 interarrival jitter in timestamp units, as carried in a report block (truncated to an integer). */
  get jitter(): number {
    return Math.floor(this.jitterTs);
  }

  /** The interarrival jitter in milliseconds (for the call's stats). */
  get jitterMs(): number {
    return (this.jitterTs * 1000) / this.clockRate;
  }

  /**
   * A.3: fraction of packets lost since the previous call, as the 8-bit fixed-point value of a report block
   * (lost_interval × 256 / expected_interval; 0 when nothing was expected or duplicates outnumber losses).
   * Advances the interval: call it once per report sent.
   */
  takeFractionLost(): number {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    if (expectedInterval === 0 || lostInterval <= 0) return 0;
    return Math.floor((lostInterval * 256) / expectedInterval);
  }
}
