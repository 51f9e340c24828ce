import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ALAW_DECODE,
  ULAW_DECODE,
  alawEncodeSample,
  decodeAlaw,
  decodeUlaw,
  encodeAlaw,
  encodeUlaw,
  ulawEncodeSample,
} from '../../../../src/media/codec/g711.js';
import { snrAtBestLag, tone } from './signals.js';

const ALL_SAMPLES = (() => {
  const a = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) a[i] = i - 32768;
  return a;
})();
const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);

function decodeOne(decode: typeof decodeUlaw, code: number): number {
  const out = new Int16Array(1);
  decode(Uint8Array.of(code), out);
  return out[0] as number;
}

function encodeOne(encode: typeof encodeUlaw, sample: number): number {
  const out = new Uint8Array(1);
  encode(Int16Array.of(sample), out);
  return out[0] as number;
}

describe('G.711 μ-law (PCMU)', () => {
  it('decodes the code points of G.711 Table 2 (16-bit scaling: the 14-bit value times 4)', () => {
    assert.equal(decodeOne(decodeUlaw, 0xff), 0);
    assert.equal(decodeOne(decodeUlaw, 0x7f), 0); // "negative zero"
    assert.equal(decodeOne(decodeUlaw, 0x00), -32124);
    assert.equal(decodeOne(decodeUlaw, 0x80), 32124);
    assert.equal(decodeOne(decodeUlaw, 0xfe), 8); // segment 0, step 1: 14-bit value 2
    assert.equal(decodeOne(decodeUlaw, 0xef), 132); // segment 1 starts at 14-bit 33: (33 << 1) - 33 = 33
    assert.equal(decodeOne(decodeUlaw, 0x6f), -132);
  });

  it('maps every code back to itself through decode and encode, 0x7F to the canonical zero 0xFF', () => {
    const pcm = new Int16Array(256);
    const back = new Uint8Array(256);
    decodeUlaw(ALL_CODES, pcm);
    encodeUlaw(pcm, back);
    for (let code = 0; code < 256; code++) assert.equal(back[code], code === 0x7f ? 0xff : code, `code ${code.toString(16)}`);
  });

  it('encodes with the lookup table exactly as the per-sample G.711 algorithm, for all 65536 inputs', () => {
    const codes = new Uint8Array(65536);
    encodeUlaw(ALL_SAMPLES, codes);
    for (let i = 0; i < 65536; i++) {
      const x = ALL_SAMPLES[i] as number;
      if (codes[i] !== ulawEncodeSample(x)) assert.fail(`sample ${x}: table ${codes[i]} vs ${ulawEncodeSample(x)}`);
    }
  });

  it('encodes zero, -1 and the extremes as G.191 does (one\'s complement magnitude, clipping at 32635)', () => {
    assert.equal(encodeOne(encodeUlaw, 0), 0xff);
    assert.equal(encodeOne(encodeUlaw, -1), 0x7f);
    assert.equal(encodeOne(encodeUlaw, 32767), 0x80);
    assert.equal(encodeOne(encodeUlaw, -32768), 0x00);
  });

  it('quantizes monotonically with an error within half a step of the logarithmic segment', () => {
    const codes = new Uint8Array(65536);
    const back = new Int16Array(65536);
    encodeUlaw(ALL_SAMPLES, codes);
    decodeUlaw(codes, back);
    for (let i = 1; i < 65536; i++) assert.ok((back[i] as number) >= (back[i - 1] as number), `not monotonic at ${i - 32768}`);
    for (let i = 0; i < 65536; i++) {
      const x = ALL_SAMPLES[i] as number;
      if (Math.abs(x) > 32124 + 4 * 128) continue; // clipped
      const bound = (Math.abs(x) + 132) / 32 + 8; // half of step 8 << e, where (abs + 132) >= 128 << e
      if (Math.abs((back[i] as number) - x) > bound) assert.fail(`sample ${x} decodes to ${back[i]}`);
    }
  });

  it('keeps a 1 kHz tone above 35 dB SNR from -30 dBFS to full scale', () => {
    for (const amplitude of [1000, 8000, 30000]) {
      const x = tone(1000, 8000, 8000, amplitude, 0.1);
      const codes = new Uint8Array(x.length);
      const y = new Int16Array(x.length);
      encodeUlaw(x, codes);
      decodeUlaw(codes, y);
      const { snrDb } = snrAtBestLag(x, y, 0, x.length, 0);
      assert.ok(snrDb > 35, `amplitude ${amplitude}: ${snrDb.toFixed(1)} dB`);
    }
  });

  it('converts min(input, output) samples and reports the count', () => {
    assert.equal(encodeUlaw(new Int16Array(10), new Uint8Array(4)), 4);
    assert.equal(decodeUlaw(new Uint8Array(3), new Int16Array(8)), 3);
    assert.equal(ULAW_DECODE.length, 256);
  });
});

describe('G.711 A-law (PCMA)', () => {
  it('decodes the code points of G.711 Table 1 (even bits inverted; 16-bit scaling: the 13-bit value times 8)', () => {
    assert.equal(decodeOne(decodeAlaw, 0xd5), 8);
    assert.equal(decodeOne(decodeAlaw, 0x55), -8);
    assert.equal(decodeOne(decodeAlaw, 0xd4), 24);
    assert.equal(decodeOne(decodeAlaw, 0x2a), -32256);
    assert.equal(decodeOne(decodeAlaw, 0xaa), 32256);
    assert.equal(decodeOne(decodeAlaw, 0xc5), 264); // segment 1, mantissa 0: (16 + 0.5) * 16
  });

  it('maps every code back to itself through decode and encode (A-law has no negative zero)', () => {
    const pcm = new Int16Array(256);
    const back = new Uint8Array(256);
    decodeAlaw(ALL_CODES, pcm);
    encodeAlaw(pcm, back);
    for (let code = 0; code < 256; code++) assert.equal(back[code], code, `code ${code.toString(16)}`);
  });

  it('encodes with the lookup table exactly as the per-sample G.711 algorithm, for all 65536 inputs', () => {
    const codes = new Uint8Array(65536);
    encodeAlaw(ALL_SAMPLES, codes);
    for (let i = 0; i < 65536; i++) {
      const x = ALL_SAMPLES[i] as number;
      if (codes[i] !== alawEncodeSample(x)) assert.fail(`sample ${x}: table ${codes[i]} vs ${alawEncodeSample(x)}`);
    }
  });

  it('encodes zero, -1 and the extremes as G.191 does', () => {
    assert.equal(encodeOne(encodeAlaw, 0), 0xd5);
    assert.equal(encodeOne(encodeAlaw, -1), 0x55);
    assert.equal(encodeOne(encodeAlaw, 32767), 0xaa);
    assert.equal(encodeOne(encodeAlaw, -32768), 0x2a);
  });

  it('quantizes monotonically with an error within half a step of the segment', () => {
    const codes = new Uint8Array(65536);
    const back = new Int16Array(65536);
    encodeAlaw(ALL_SAMPLES, codes);
    decodeAlaw(codes, back);
    for (let i = 1; i < 65536; i++) assert.ok((back[i] as number) >= (back[i - 1] as number), `not monotonic at ${i - 32768}`);
    for (let i = 0; i < 65536; i++) {
      const x = ALL_SAMPLES[i] as number;
      if (Math.abs(x) > 32256 + 512) continue; // clipped
      if (Math.abs((back[i] as number) - x) > Math.max(16, Math.abs(x) / 32)) assert.fail(`sample ${x} decodes to ${back[i]}`);
    }
  });

  it('keeps a 1 kHz tone above 35 dB SNR from -30 dBFS to full scale', () => {
    for (const amplitude of [1000, 8000, 30000]) {
      const x = tone(1000, 8000, 8000, amplitude, 0.1);
      const codes = new Uint8Array(x.length);
      const y = new Int16Array(x.length);
      encodeAlaw(x, codes);
      decodeAlaw(codes, y);
      const { snrDb } = snrAtBestLag(x, y, 0, x.length, 0);
      assert.ok(snrDb > 35, `amplitude ${amplitude}: ${snrDb.toFixed(1)} dB`);
    }
    assert.equal(ALAW_DECODE.length, 256);
  });
});
