/**
 * ITU-T G.711 pulse code modulation: μ-law (PCMU, RFC 3551 §4.5.14) and A-law (PCMA).
 *
 * Table driven. Decoding is one 256-entry Int16Array per law. Encoding is one Uint8Array per law, built once at
 * module load and indexed by the top bits of the 16-bit sample: G.711 quantizes 14-bit (μ-law) and 13-bit
 * (A-law) linear values, so the codes depend only on `sample >> 2` and `sample >> 4` respectively (the finest
 * A-law step is 16 in 16-bit units). The hot loops are one load and one store per sample, no branches.
 *
 * Negative inputs are quantized by their one's complement magnitude (|x| taken as -x-1), as ITU-T G.191's
 * reference does: the quantizer is then symmetric about -0.5 and decode→encode maps every code to itself
 * (μ-law's "negative zero" 0x7F, which decodes to 0, re-encodes as the canonical zero 0xFF).
 */

const ULAW_BIAS = 0x84; // 33 in 14-bit units: G.711 μ-law segment offset, scaled to 16 bits
const ULAW_CLIP = 32635; // the largest biased magnitude that still fits segment 7

/** μ-law code → 16-bit linear sample (the 14-bit G.711 output value shifted left by 2). */
export const ULAW_DECODE: Int16Array = buildUlawDecode();
/** A-law code → 16-bit linear sample (the 13-bit G.711 output value shifted left by 3). */
export const ALAW_DECODE: Int16Array = buildAlawDecode();
/** μ-law encode table indexed by `(sample >> 2) & 0x3fff`. */
const ULAW_ENCODE: Uint8Array = buildEncodeTable(14, ulawEncodeSample);
/** A-law encode table indexed by `(sample >> 4) & 0xfff`. */
const ALAW_ENCODE: Uint8Array = buildEncodeTable(12, alawEncodeSample);

/** The reference (per-sample, branching) μ-law quantizer the table is built from. G.711 Table 2a. */
export function ulawEncodeSample(sample: number): number {
  let mag: number;
  let sign: number;
  if (sample < 0) {
    mag = -sample - 1; // one's complement magnitude
    sign = 0x80;
  } else {
    mag = sample;
    sign = 0;
  }
  mag = mag & ~3; // G.711 μ-law input is 14 bits
  if (mag > ULAW_CLIP) mag = ULAW_CLIP;
  mag += ULAW_BIAS;
  let exponent = 7;
  while (exponent > 0 && (mag & (0x4000 >> (7 - exponent))) === 0) exponent--;
  const mantissa = (mag >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** The reference (per-sample, branching) A-law quantizer the table is built from. G.711 Table 1a. */
export function alawEncodeSample(sample: number): number {
  let mag: number;
  let sign: number;
  if (sample < 0) {
    mag = -sample - 1; // one's complement magnitude
    sign = 0; // A-law: sign bit 0 means negative (before the even-bit inversion)
  } else {
    mag = sample;
    sign = 0x80;
  }
  let ix = mag >> 4; // 12 significant bits: 0..2047
  if (ix > 15) {
    let exponent = 1;
    while (ix > 31) {
      ix >>= 1;
      exponent++;
    }
    ix = (exponent << 4) | (ix - 16);
  }
  return ((sign | ix) ^ 0x55) & 0xff;
}

function buildUlawDecode(): Int16Array {
  const t = new Int16Array(256);
  for (let code = 0; code < 256; code++) {
    const u = ~code & 0xff;
    const exponent = (u >> 4) & 7;
    const mantissa = u & 0x0f;
    const mag = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
    t[code] = u & 0x80 ? -mag : mag;
  }
  return t;
}

function buildAlawDecode(): Int16Array {
  const t = new Int16Array(256);
  for (let code = 0; code < 256; code++) {
    const a = code ^ 0x55;
    const exponent = (a >> 4) & 7;
    const mantissa = a & 0x0f;
    const mag = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
    t[code] = a & 0x80 ? mag : -mag;
  }
  return t;
}

/** One entry per `bits`-bit two's-complement prefix of a 16-bit sample, filled from a representative sample. */
function buildEncodeTable(bits: number, encode: (sample: number) => number): Uint8Array {
  const size = 1 << bits;
  const shift = 16 - bits;
  const t = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const prefix = i >= size >> 1 ? i - size : i; // sign-extend
    t[i] = encode(prefix << shift);
  }
  return t;
}

/** Encodes min(pcm.length, out.length) samples to μ-law; returns that count. */
export function encodeUlaw(pcm: Int16Array, out: Uint8Array): number {
  const n = Math.min(pcm.length, out.length);
  for (let i = 0; i < n; i++) out[i] = ULAW_ENCODE[((pcm[i] as number) >> 2) & 0x3fff] as number;
  return n;
}

/** Decodes min(bytes.length, out.length) μ-law codes; returns that count. */
export function decodeUlaw(bytes: Uint8Array, out: Int16Array): number {
  const n = Math.min(bytes.length, out.length);
  for (let i = 0; i < n; i++) out[i] = ULAW_DECODE[bytes[i] as number] as number;
  return n;
}

/** Encodes min(pcm.length, out.length) samples to A-law; returns that count. */
export function encodeAlaw(pcm: Int16Array, out: Uint8Array): number {
  const n = Math.min(pcm.length, out.length);
  for (let i = 0; i < n; i++) out[i] = ALAW_ENCODE[((pcm[i] as number) >> 4) & 0xfff] as number;
  return n;
}

/** Decodes min(bytes.length, out.length) A-law codes; returns that count. */
export function decodeAlaw(bytes: Uint8Array, out: Int16Array): number {
  const n = Math.min(bytes.length, out.length);
  for (let i = 0; i < n; i++) out[i] = ALAW_DECODE[bytes[i] as number] as number;
  return n;
}
