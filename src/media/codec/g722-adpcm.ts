/**
 * ITU-T G.722 sub-band ADPCM, written from the Recommendation's computational details (its blocks SUBTRA,
 * QUANTL, INVQAL, INVQBL, LOGSCL, SCALEL, QUANTH, INVQAH, LOGSCH, SCALEH, UPZERO, UPPOL1/2, FILTEZ, FILTEP,
 * PREDIC keep their names here). 64 kbit/s operation (mode 1): the lower band carries 6 bits per 8 kHz sample,
 * the higher band 2 bits. Saturation follows ITU-T's fixed-point reference (16-bit adds saturate).
 *
 * The lower-band encoder's feedback loop and both decoders' predictors are driven by the 4-bit core of the
 * lower-band code (the two LSBs dropped), so a 48/56 kbit/s decoder stays in step; only the lower-band decoder
 * *output* uses all 6 bits (INVQBL). All arithmetic is the Recommendation's 16-bit fixed point; multiplications
 * stay below 2^31, so JavaScript's int32 shifts are exact.
 */

/** QUANTL decision levels Q6(mil), mil = 0..29 (normalised levels scaled by 2^9, as tabulated in the Recommendation). */
const Q6 = Int32Array.of(
  0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714,
  786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
);
/** QUANTL output codes for a negative / positive difference, by quantizer interval mil = 1..30 (index 0 unused). */
const ILN = Int32Array.of(
  0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19,
  18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4,
);
const ILP = Int32Array.of(
  0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47,
  46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32,
);
/** INVQBL 6-bit inverse quantizer output QQ6(mil), mil = 0..30 (the Recommendation's table, units of 2^-9 like Q6). */
const QQ6 = Int32Array.of(
  0, 17, 54, 91, 130, 170, 211, 254, 300, 347, 396, 447, 501, 558, 618, 682,
  750, 822, 899, 982, 1072, 1170, 1279, 1399, 1535, 1689, 1873, 2088, 2376, 2738, 3101,
);
/** INVQAL 4-bit inverse quantizer output QQ4 by the 4-bit code's magnitude index 0..7. */
const QQ4 = Int32Array.of(0, 150, 323, 530, 786, 1121, 1612, 2557);
/** LOGSCL scale factor multipliers WL by the same magnitude index. */
const WL = Int32Array.of(-60, -30, 58, 172, 334, 538, 1198, 3042);
/** SCALEL/SCALEH: ILB(i) = 2^(i/32) * 2^11, the inverse-log table of the Recommendation. */
export const ILB = Int32Array.of(
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
  2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371, 3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
);
/** QUANTH decision level Q2 and INVQAH output QQ2 , higher band. */
const Q2 = 564;
const QQ2 = Int32Array.of(0, 202, 926);
/** LOGSCH multipliers WH, by the higher-band magnitude index 0..2. */
const WH = Int32Array.of(0, -214, 798);

/** The 6-bit inverse quantizer by code, QQ6 with sign and the "<< 3" of INVQBL folded in. */
const QM6 = new Int32Array(64);
/** The 4-bit inverse quantizer by 4-bit code (sign folded in, "<< 3" applied). */
const QM4 = new Int32Array(16);
/** WL by 4-bit code. */
const WL4 = new Int32Array(16);
/** The 2-bit inverse quantizer and WH by higher-band code IH (0: large negative, 1: small negative, 2: large positive, 3: small positive). */
const QM2 = Int32Array.of(-QQ2[2]! << 3, -QQ2[1]! << 3, QQ2[2]! << 3, QQ2[1]! << 3);
const WH2 = Int32Array.of(WH[2]!, WH[1]!, WH[2]!, WH[1]!);
/** Q6(k + 1) for k = 0..28, then Q6(29) repeated to 32 entries (QUANTL's binary search probes). */
const Q6_PROBE = new Int32Array(32);
/** QUANTL output code by (32 if the difference is negative) | mil: ILP(mil) at 1..30, ILN(mil) at 33..62. */
const IL_BY_SIGN = new Int32Array(64);
/** SCALEL/SCALEH combined: DET = SCALE[(NB >> 6) + offset] << 2 (offset 64 for the lower band, 0 for the higher). */
const SCALE = new Int32Array(353);

(function buildDerivedTables(): void {
  for (let mil = 1; mil <= 30; mil++) {
    QM6[ILN[mil]!] = -(QQ6[mil]! << 3);
    QM6[ILP[mil]!] = QQ6[mil]! << 3;
    IL_BY_SIGN[mil] = ILP[mil]!;
    IL_BY_SIGN[32 | mil] = ILN[mil]!;
  }
  for (let k = 0; k < 32; k++) Q6_PROBE[k] = Q6[Math.min(k + 1, 29)]!;
  for (let c = 0; c < 4; c++) QM6[c] = -(QQ6[1]! << 3); // unused codes 0-3 decode as the smallest negative level
  for (let c = 0; c < 16; c++) {
    // 4-bit codes: 1..7 negative (magnitude 7..1), 8..14 positive (magnitude 7..1), 0 and 15 zero.
    const magnitude = c === 0 || c === 15 ? 0 : c < 8 ? 8 - c : 15 - c;
    QM4[c] = c < 8 ? -(QQ4[magnitude]! << 3) : QQ4[magnitude]! << 3;
    WL4[c] = WL[magnitude]!;
  }
  for (let i = 0; i < SCALE.length; i++) {
    const shift = 10 - (i >> 5);
    const base = ILB[i & 31]!;
    SCALE[i] = shift >= 0 ? base >> shift : base << -shift;
  }
})();

const NBL_MAX = 18432;
const NBH_MAX = 22528;

function sat16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

/** The 15-bit limit applied to sub-band signals (LIMIT in the Recommendation). */
export function sat15(x: number): number {
  return x > 16383 ? 16383 : x < -16384 ? -16384 : x;
}

/**
 * One sub-band's ADPCM state: scale factor, 2-pole/6-zero adaptive predictor and its delay lines. Plain number
 * fields (not arrays) so the per-sample code below compiles to register moves.
 */
export class SubBandState {
  /** Predictor output SL / SH. */
  s = 0;
  /** Zero-section output SZL / SZH. */
  sz = 0;
  /** Quantizer scale factor DETL / DETH. */
  det: number;
  /** Logarithmic scale factor NBL / NBH. */
  nb = 0;
  /** Pole-section coefficients AL1, AL2 / AH1, AH2. */
  a1 = 0;
  a2 = 0;
  /** Partially reconstructed signal PLT / PH, delayed by 1 and 2. */
  p1 = 0;
  p2 = 0;
  /** Reconstructed signal RLT / RH, delayed by 1 and 2. */
  r1 = 0;
  r2 = 0;
  /** Zero-section coefficients BL1..6 / BH1..6. */
  b1 = 0;
  b2 = 0;
  b3 = 0;
  b4 = 0;
  b5 = 0;
  b6 = 0;
  /** Quantized difference signal DLT / DH, delayed by 1..6. */
  d1 = 0;
  d2 = 0;
  d3 = 0;
  d4 = 0;
  d5 = 0;
  d6 = 0;
  private readonly initialDet: number;

  constructor(band: 'lower' | 'higher') {
    this.initialDet = band === 'lower' ? 32 : 8;
    this.det = this.initialDet;
  }

  reset(): void {
    this.s = this.sz = this.nb = this.a1 = this.a2 = this.p1 = this.p2 = this.r1 = this.r2 = 0;
    this.b1 = this.b2 = this.b3 = this.b4 = this.b5 = this.b6 = 0;
    this.d1 = this.d2 = this.d3 = this.d4 = this.d5 = this.d6 = 0;
    this.det = this.initialDet;
  }
}

/*
 * The sign comparisons below are written without branches: the signs are those of a noisy signal, so a branch
 * on them mispredicts about half the time. For sign words sa, sb (x >> 15: 0 or -1), m = sa ^ sb is 0 when the
 * signs agree and -1 when they differ, and (v ^ m) - m is v or -v accordingly.
 */

/**
 * UPZERO for one coefficient: b += ±gain (+ when the signs of DLT and DLTi agree), leak 255/256. Cannot leave
 * 16 bits: |b·255/256| <= 32640 and gain <= 128.
 */
function upzero(b: number, di: number, sgq: number, gain: number): number {
  const m = (di >> 15) ^ sgq;
  return ((gain ^ m) - m) + ((b * 32640) >> 15);
}

/** FILTEZ term: (BLi * 2·DLTi) >> 15. */
function zeroTerm(b: number, d: number): number {
  return (b * (d * 2)) >> 15;
}

/**
 * The adaptive predictor, shared by both bands (blocks 4L/4H): PARREC, RECONS, UPZERO, UPPOL2, UPPOL1,
 * DELAYA, FILTEZ, FILTEP, PREDIC. `dq` is DLT (lower band, 4-bit) or DH.
 */
function adaptPredictor(st: SubBandState, dq: number): void {
  const p = sat16(dq + st.sz); // PARREC
  const r = sat16(st.s + dq); // RECONS

  // UPZERO: sign-sign gradient update of the zero section (gain 2^-7, none when DLT = 0), leak 255/256.
  const gain = ((dq | -dq) >> 31) & 128;
  const sgq = dq >> 15;
  const b1 = upzero(st.b1, st.d1, sgq, gain);
  const b2 = upzero(st.b2, st.d2, sgq, gain);
  const b3 = upzero(st.b3, st.d3, sgq, gain);
  const b4 = upzero(st.b4, st.d4, sgq, gain);
  const b5 = upzero(st.b5, st.d5, sgq, gain);
  const b6 = upzero(st.b6, st.d6, sgq, gain);

  // UPPOL2: a2 = a2·127/128 + 2^-7·(sgn(p)sgn(p2) - f(a1)·sgn(p)sgn(p1)), f(a1) = 4·a1 limited; |a2| <= 0.75.
  const sg0 = p >> 15;
  const m01 = sg0 ^ (st.p1 >> 15);
  const m02 = sg0 ^ (st.p2 >> 15);
  const fa1 = sat16(st.a1 * 4);
  const negFa1 = -fa1 + ((fa1 + 32767) >> 31); // 16-bit negation: -(-32768) saturates to 32767
  const wd2 = (fa1 ^ ((fa1 ^ negFa1) & ~m01)) >> 7; // -f(a1) when sgn(p) = sgn(p1), else f(a1)
  let a2 = wd2 + ((128 ^ m02) - m02) + ((st.a2 * 32512) >> 15);
  a2 = a2 > 12288 ? 12288 : a2 < -12288 ? -12288 : a2;

  // UPPOL1: a1 = a1·255/256 ± 3·2^-8 (+ when sgn(p) = sgn(p1)); |a1| <= 1 - 2^-4 - a2.
  let a1 = ((192 ^ m01) - m01) + ((st.a1 * 32640) >> 15); // |a1| <= 27648 before, so no 16-bit overflow
  const lim = 15360 - a2;
  a1 = a1 > lim ? lim : a1 < -lim ? -lim : a1;

  // DELAYA, then FILTEZ (summed from i = 6 down to 1), FILTEP and PREDIC on the new values.
  const d1 = dq;
  const d2 = st.d1;
  const d3 = st.d2;
  const d4 = st.d3;
  const d5 = st.d4;
  const d6 = st.d5;
  let sz = zeroTerm(b6, d6);
  sz = sat16(sz + zeroTerm(b5, d5));
  sz = sat16(sz + zeroTerm(b4, d4));
  sz = sat16(sz + zeroTerm(b3, d3));
  sz = sat16(sz + zeroTerm(b2, d2));
  sz = sat16(sz + zeroTerm(b1, d1));
  const r1 = r;
  const r2 = st.r1;
  const sp = sat16(((a1 * sat16(r1 * 2)) >> 15) + ((a2 * sat16(r2 * 2)) >> 15));

  st.b1 = b1;
  st.b2 = b2;
  st.b3 = b3;
  st.b4 = b4;
  st.b5 = b5;
  st.b6 = b6;
  st.d6 = d6;
  st.d5 = d5;
  st.d4 = d4;
  st.d3 = d3;
  st.d2 = d2;
  st.d1 = d1;
  st.a1 = a1;
  st.a2 = a2;
  st.p2 = st.p1;
  st.p1 = p;
  st.r2 = r2;
  st.r1 = r1;
  st.sz = sz;
  st.s = sat16(sp + sz); // PREDIC
}

/** LOGSCL + SCALEL: lower-band scale factor adaptation from the 4-bit code. */
function adaptLowerScale(st: SubBandState, code4: number): void {
  let nb = ((st.nb * 32512) >> 15) + WL4[code4]!;
  nb = nb < 0 ? 0 : nb > NBL_MAX ? NBL_MAX : nb;
  st.nb = nb;
  st.det = SCALE[(nb >> 6) + 64]! << 2;
}

/** LOGSCH + SCALEH: higher-band scale factor adaptation. */
function adaptHigherScale(st: SubBandState, ih: number): void {
  let nb = ((st.nb * 32512) >> 15) + WH2[ih]!;
  nb = nb < 0 ? 0 : nb > NBH_MAX ? NBH_MAX : nb;
  st.nb = nb;
  st.det = SCALE[nb >> 6]! << 2;
}

/** One QUANTL probe: -1 when wd reaches the decision level Q6_PROBE[k] scaled by det, else 0. */
function reaches(wd: number, k: number, det: number): number {
  return (((Q6_PROBE[k]! * det) >> 12) - 1 - wd) >> 31;
}

/** Lower sub-band encoder (SUBTRA, QUANTL, INVQAL, adaptation): XL → 6-bit code IL. */
export function encodeLowerBand(st: SubBandState, xl: number): number {
  const el = sat16(xl - st.s);
  const neg = el >> 15;
  const wd = el ^ neg; // one's complement magnitude (-(el + 1) when negative), as QUANTL specifies
  const det = st.det;
  // QUANTL: mil (1..30) is one more than the number of decision levels Q6(1..29) (scaled by DETL >> 12) that wd
  // reaches. The levels are monotonic, so count them by a branch-free binary search over Q6_PROBE; probes past
  // the last level re-test Q6(29), and the count is capped at 29.
  let pos = 0;
  pos += 16 & reaches(wd, pos + 15, det);
  pos += 8 & reaches(wd, pos + 7, det);
  pos += 4 & reaches(wd, pos + 3, det);
  pos += 2 & reaches(wd, pos + 1, det);
  pos += 1 & reaches(wd, pos, det);
  const mil = (pos > 29 ? 29 : pos) + 1;
  const il = IL_BY_SIGN[(neg & 32) | mil]!;
  const code4 = il >> 2;
  const dlt = (QM4[code4]! * det) >> 15; // INVQAL
  adaptLowerScale(st, code4);
  adaptPredictor(st, dlt);
  return il;
}

/** Lower sub-band decoder, mode 1 (INVQBL with 6 bits for the output, INVQAL with 4 bits for adaptation): IL → RL. */
export function decodeLowerBand(st: SubBandState, il: number): number {
  const det = st.det;
  const rl = sat15(st.s + ((QM6[il]! * det) >> 15));
  const code4 = il >> 2;
  const dlt = (QM4[code4]! * det) >> 15;
  adaptLowerScale(st, code4);
  adaptPredictor(st, dlt);
  return rl;
}

/** Higher sub-band encoder (SUBTRA, QUANTH, INVQAH, adaptation): XH → 2-bit code IH. */
export function encodeHigherBand(st: SubBandState, xh: number): number {
  const eh = sat16(xh - st.s);
  const neg = eh >> 15;
  const wd = eh ^ neg;
  const large = (((Q2 * st.det) >> 12) - 1 - wd) >> 31; // -1 when wd reaches the decision level
  // IH: 0 large negative, 1 small negative, 2 large positive, 3 small positive.
  const ih = (~neg & 2) | (~large & 1);
  const dh = (QM2[ih]! * st.det) >> 15;
  adaptHigherScale(st, ih);
  adaptPredictor(st, dh);
  return ih;
}

/** Higher sub-band decoder: IH → RH. */
export function decodeHigherBand(st: SubBandState, ih: number): number {
  const dh = (QM2[ih]! * st.det) >> 15;
  const rh = sat15(st.s + dh);
  adaptHigherScale(st, ih);
  adaptPredictor(st, dh);
  return rh;
}
