/**
 * ITU-T G.722 7 kHz audio coding at 64 kbit/s (mode 1): a 24-tap quadrature mirror filter bank splits 16 kHz
 * PCM into two 8 kHz sub-bands, coded with 6-bit (lower) and 2-bit (higher) ADPCM (see g722-adpcm.ts). One
 * octet per pair of input samples; a 20 ms frame is 320 samples ↔ 160 octets (RFC 3551 §4.5.2: the RTP clock
 * still runs at 8000 Hz). In each octet the higher-band code IH occupies the two most significant bits and the
 * lower-band code IL the six others, as the ITU-T reference and spandsp pack them.
 *
 * PCM is 16-bit, scaled as in ITU-T's fixed-point reference implementation with 16-bit I/O (the ITU-T software
 * tool library, G.191): XL = (sum of h·x) >> 14 into the 15-bit sub-bands, output = (sum of h·xd) >> 11. That is
 * also spandsp's scaling (baresip links it; FreeSWITCH and Asterisk carry the same code), and the unit tests pin
 * octet-for-octet agreement with it. The two part only on overload: here, as in the reference, the sub-band
 * signals are limited to 15 bits and the output saturates, where spandsp lets them wrap.
 *
 * Encoder and decoder are separate stateful objects (one per direction of a call). Both carry their state across
 * calls, so coding a signal frame by frame gives exactly the octets (or samples) of coding it in one go.
 */
import { SwitchboardError } from '../../shared/errors.js';
import { SubBandState, decodeHigherBand, decodeLowerBand, encodeHigherBand, encodeLowerBand, sat15 } from './g722-adpcm.js';

/** The QMF coefficients h0..h23 (×2^13), transmit and receive alike. */
export const QMF_COEFFICIENTS: readonly number[] = [
  3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
  3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
];

const QMF_HISTORY = 22; // input samples the transmit QMF needs before the current pair (24 taps)
const SYNTH_HISTORY = 11; // sub-band samples the receive QMF needs before the current one (12 per branch)

function sat16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

/** 16 kHz PCM → G.722 octets. */
export class G722Encoder {
  private readonly low = new SubBandState('lower');
  private readonly high = new SubBandState('higher');
  /** [QMF_HISTORY samples of history][0 or 1 pending sample][current input]. */
  private work = new Int32Array(QMF_HISTORY + 1 + 320);
  private pending = 0;

  /** Octets the next encode() call writes for `samples` input samples (one more sample may be held over). */
  outputLength(samples: number): number {
    return (this.pending + samples) >> 1;
  }

  /**
   * Encodes `pcm` into `out` and returns the number of octets written (outputLength(pcm.length)). An odd
   * sample left over is kept and paired with the first sample of the next call. `out` must be large enough.
   */
  encode(pcm: Int16Array, out: Uint8Array): number {
    const total = this.pending + pcm.length;
    const pairs = total >> 1;
    if (out.length < pairs) throw new SwitchboardError('CONFIG_INVALID', `G.722 output buffer holds ${out.length} octets, needs ${pairs}`);
    if (this.work.length < QMF_HISTORY + total) {
      const grown = new Int32Array(QMF_HISTORY + total);
      grown.set(this.work.subarray(0, QMF_HISTORY + this.pending));
      this.work = grown;
    }
    const w = this.work;
    const start = QMF_HISTORY + this.pending;
    for (let i = 0; i < pcm.length; i++) w[start + i] = pcm[i] as number;
    const low = this.low;
    const high = this.high;
    for (let k = 0, j = QMF_HISTORY + 1; k < pairs; k++, j += 2) {
      // Transmit QMF: xA from the later sample of each pair (even coefficients), xB from the earlier (odd).
      const xa = 3 * w[j]! - 11 * w[j - 2]! + 12 * w[j - 4]! + 32 * w[j - 6]! - 210 * w[j - 8]! + 951 * w[j - 10]!
        + 3876 * w[j - 12]! - 805 * w[j - 14]! + 362 * w[j - 16]! - 156 * w[j - 18]! + 53 * w[j - 20]! - 11 * w[j - 22]!;
      const xb = -11 * w[j - 1]! + 53 * w[j - 3]! - 156 * w[j - 5]! + 362 * w[j - 7]! - 805 * w[j - 9]! + 3876 * w[j - 11]!
        + 951 * w[j - 13]! - 210 * w[j - 15]! + 32 * w[j - 17]! + 12 * w[j - 19]! - 11 * w[j - 21]! + 3 * w[j - 23]!;
      const il = encodeLowerBand(low, sat15((xa + xb) >> 14));
      const ih = encodeHigherBand(high, sat15((xa - xb) >> 14));
      out[k] = (ih << 6) | il;
    }
    const consumed = pairs * 2;
    this.pending = total - consumed;
    w.copyWithin(0, consumed, consumed + QMF_HISTORY + this.pending);
    return pairs;
  }

  /** Back to the initial state (a new stream). */
  reset(): void {
    this.low.reset();
    this.high.reset();
    this.work.fill(0);
    this.pending = 0;
  }
}

/** G.722 octets → 16 kHz PCM. Every octet value is a valid code, so any payload decodes (garbage as noise). */
export class G722Decoder {
  private readonly low = new SubBandState('lower');
  private readonly high = new SubBandState('higher');
  /** Receive QMF inputs xd = RL - RH and xs = RL + RH: [SYNTH_HISTORY of history][current octets]. */
  private xd = new Int32Array(SYNTH_HISTORY + 160);
  private xs = new Int32Array(SYNTH_HISTORY + 160);

  /**
   * Decodes `octets` into `out` (2 samples per octet) and returns the number of samples written. `out` must
   * hold 2 * octets.length samples.
   */
  decode(octets: Uint8Array, out: Int16Array): number {
    const n = octets.length;
    if (out.length < 2 * n) throw new SwitchboardError('CONFIG_INVALID', `G.722 output buffer holds ${out.length} samples, needs ${2 * n}`);
    if (this.xd.length < SYNTH_HISTORY + n) {
      const xd = new Int32Array(SYNTH_HISTORY + n);
      const xs = new Int32Array(SYNTH_HISTORY + n);
      xd.set(this.xd.subarray(0, SYNTH_HISTORY));
      xs.set(this.xs.subarray(0, SYNTH_HISTORY));
      this.xd = xd;
      this.xs = xs;
    }
    const xd = this.xd;
    const xs = this.xs;
    const low = this.low;
    const high = this.high;
    for (let k = 0; k < n; k++) {
      const octet = octets[k] as number;
      const rl = decodeLowerBand(low, octet & 0x3f);
      const rh = decodeHigherBand(high, octet >> 6);
      const j = SYNTH_HISTORY + k;
      xd[j] = rl - rh;
      xs[j] = rl + rh;
      // Receive QMF: the earlier output sample from the even coefficients on xd, the later from the odd on xs.
      const y0 = 3 * xd[j]! - 11 * xd[j - 1]! + 12 * xd[j - 2]! + 32 * xd[j - 3]! - 210 * xd[j - 4]! + 951 * xd[j - 5]!
        + 3876 * xd[j - 6]! - 805 * xd[j - 7]! + 362 * xd[j - 8]! - 156 * xd[j - 9]! + 53 * xd[j - 10]! - 11 * xd[j - 11]!;
      const y1 = -11 * xs[j]! + 53 * xs[j - 1]! - 156 * xs[j - 2]! + 362 * xs[j - 3]! - 805 * xs[j - 4]! + 3876 * xs[j - 5]!
        + 951 * xs[j - 6]! - 210 * xs[j - 7]! + 32 * xs[j - 8]! + 12 * xs[j - 9]! - 11 * xs[j - 10]! + 3 * xs[j - 11]!;
      out[2 * k] = sat16(y0 >> 11);
      out[2 * k + 1] = sat16(y1 >> 11);
    }
    xd.copyWithin(0, n, n + SYNTH_HISTORY);
    xs.copyWithin(0, n, n + SYNTH_HISTORY);
    return 2 * n;
  }

  /** Back to the initial state (a new stream). */
  reset(): void {
    this.low.reset();
    this.high.reset();
    this.xd.fill(0);
    this.xs.fill(0);
  }
}
