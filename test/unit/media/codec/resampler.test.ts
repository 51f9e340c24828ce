import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RESAMPLER_DEFAULTS, Resampler, polyphaseTable } from '../../../../src/media/codec/resampler.js';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import { goertzel } from '../../../support/audio.js';
import { concat, lcg, maxStep, rms, tone } from './signals.js';

const RATIOS: Array<[number, number]> = [
  [8000, 16000],
  [16000, 8000],
  [8000, 24000],
  [24000, 8000],
  [16000, 24000],
  [24000, 16000],
];

/** One second through a fresh resampler in 20 ms frames. */
function resampleFrames(x: Int16Array, from: number, to: number): Int16Array {
  const r = new Resampler(from, to);
  const frame = from / 50;
  const out: Int16Array[] = [];
  for (let at = 0; at < x.length; at += frame) out.push(r.process(x.subarray(at, at + frame)));
  return concat(out);
}

/** Tone power (Goertzel) over the signal after its first 20 ms and before its last 10 ms. */
function power(x: Int16Array, freq: number, rate: number): number {
  const start = rate / 50;
  return goertzel(x, start, x.length - start - rate / 100, freq, rate);
}

function dbRatio(a: number, b: number): number {
  return 10 * Math.log10(a / b);
}

describe('Resampler (polyphase windowed sinc)', () => {
  for (const [from, to] of RATIOS) {
    it(`${from} → ${to}: keeps 300, 1000 and 3000 Hz tones at their frequency and level (±0.5 dB)`, () => {
      for (const f of [300, 1000, 3000]) {
        const x = tone(f, from, from, 10000);
        const y = resampleFrames(x, from, to);
        assert.equal(y.length, to);
        const gain = dbRatio(power(y, f, to), power(x, f, from));
        assert.ok(Math.abs(gain) <= 0.5, `${f} Hz: ${gain.toFixed(2)} dB`);
        // The tone is where the energy is: nothing else carries more than 1 % of it.
        const share = power(y, f, to) * 2 / (rms(y, to / 50, to - to / 100) ** 2);
        assert.ok(share > 0.99, `${f} Hz holds ${(share * 100).toFixed(2)} % of the output`);
      }
    });

    it(`${from} → ${to}: 20 ms frames in give exact 20 ms frames out, equal to one-shot output`, () => {
      const x = concat([tone(440, from, from / 2, 9000), tone(2500, from, from / 2, 7000)]);
      const oneShot = new Resampler(from, to).process(x);
      const r = new Resampler(from, to);
      const frames: Int16Array[] = [];
      for (let at = 0; at < x.length; at += from / 50) {
        const frame = r.process(x.subarray(at, at + from / 50));
        assert.equal(frame.length, to / 50);
        frames.push(frame);
      }
      assert.deepEqual(concat(frames), oneShot);
    });
  }

  it('designs a filter flat to 0.85 of the lower Nyquist frequency and at least 65 dB down from 1.15 of it', () => {
    for (const [from, to] of RATIOS) {
      // Rebuild the prototype from its polyphase branches and evaluate its frequency response.
      const { up, perPhase, coeffs } = polyphaseTable(from, to, RESAMPLER_DEFAULTS);
      const h = new Float64Array(up * perPhase);
      for (let p = 0; p < up; p++) for (let j = 0; j < perPhase; j++) h[p + up * j] = coeffs[p * perPhase + (perPhase - 1 - j)] as number;
      const upRate = from * up;
      const responseDb = (f: number): number => {
        let re = 0;
        let im = 0;
        for (let k = 0; k < h.length; k++) {
          re += (h[k] as number) * Math.cos((2 * Math.PI * f * k) / upRate);
          im -= (h[k] as number) * Math.sin((2 * Math.PI * f * k) / upRate);
        }
        return 20 * Math.log10(Math.hypot(re, im) / up);
      };
      const nyquist = Math.min(from, to) / 2;
      for (let f = 0; f <= 0.85 * nyquist; f += nyquist / 40) {
        assert.ok(Math.abs(responseDb(f)) < 0.01, `${from} → ${to}: ${f} Hz at ${responseDb(f).toFixed(3)} dB`);
      }
      for (let f = 1.15 * nyquist; f < upRate / 2; f += nyquist / 80) {
        assert.ok(responseDb(f) < -65, `${from} → ${to}: ${f} Hz at ${responseDb(f).toFixed(1)} dB`);
      }
    }
  });

  it('gives the same samples for uneven chunk sizes, with outputLength() predicting each chunk', () => {
    const rnd = lcg(3);
    const x = Int16Array.from({ length: 4800 }, () => (rnd() & 0x3fff) - 8192);
    for (const [from, to] of RATIOS) {
      const oneShot = new Resampler(from, to).process(x);
      const r = new Resampler(from, to);
      const parts: Int16Array[] = [];
      const sizes = [1, 2, 3, 5, 160, 0, 479, 7];
      for (let at = 0, i = 0; at < x.length; i++) {
        const chunk = x.subarray(at, at + (sizes[i % sizes.length] as number));
        at += chunk.length;
        const expected = r.outputLength(chunk.length);
        const out = r.process(chunk);
        assert.equal(out.length, expected);
        parts.push(out);
      }
      assert.deepEqual(concat(parts), oneShot, `${from} → ${to}`);
    }
  });

  it('leaves no image above 4 kHz when upsampling 8 kHz audio (image at 8000 - f at least 50 dB down)', () => {
    for (const to of [16000, 24000]) {
      for (const f of [300, 1000, 3000]) {
        const y = resampleFrames(tone(f, 8000, 8000, 10000), 8000, to);
        const image = dbRatio(power(y, 8000 - f, to) + 1e-12, power(y, f, to));
        assert.ok(image <= -50, `8000 → ${to}, ${f} Hz: image ${image.toFixed(1)} dB`);
        if (to === 24000) {
          const upper = dbRatio(power(y, 8000 + f, to) + 1e-12, power(y, f, to));
          assert.ok(upper <= -50, `8000 → 24000, ${f} Hz: image at ${8000 + f} Hz ${upper.toFixed(1)} dB`);
        }
      }
    }
  });

  it('removes tones above the new Nyquist frequency when downsampling (at least 60 dB down)', () => {
    const cases: Array<[number, number, number]> = [
      [16000, 8000, 6000],
      [16000, 8000, 5000],
      [24000, 8000, 6000],
      [24000, 8000, 10000],
      [24000, 16000, 10000],
    ];
    for (const [from, to, f] of cases) {
      const x = tone(f, from, from, 16000);
      const y = resampleFrames(x, from, to);
      const left = 20 * Math.log10(Math.max(rms(y, to / 50, to), 1e-9) / rms(x));
      assert.ok(left <= -60, `${from} → ${to}, ${f} Hz: ${left.toFixed(1)} dB`);
    }
  });

  it('adds no click at frame boundaries of a continuous tone', () => {
    for (const [from, to] of RATIOS) {
      const y = resampleFrames(tone(1000, from, from, 20000), from, to);
      // A 1 kHz sine of amplitude A moves at most 2πfA/fs per sample; allow rounding and filter ripple.
      const limit = (2 * Math.PI * 1000 * 20000) / to + 2;
      const step = maxStep(y, to / 50);
      assert.ok(step <= limit, `${from} → ${to}: step ${step} > ${limit.toFixed(0)}`);
    }
  });

  it('writes into a caller buffer, returning it when the length matches exactly', () => {
    const r = new Resampler(8000, 16000);
    const out = new Int16Array(320);
    assert.equal(r.process(tone(1000, 8000, 160), out), out);
    assert.equal(r.process(tone(1000, 8000, 80), out).length, 160);
    assert.throws(() => r.process(new Int16Array(160), new Int16Array(100)), (e) => isSwitchboardError(e));
  });

  it('reset() forgets the history', () => {
    const x = tone(700, 16000, 320, 12000);
    const r = new Resampler(16000, 24000);
    const first = Int16Array.from(r.process(x));
    r.process(tone(3000, 16000, 320, 12000));
    r.reset();
    assert.deepEqual(r.process(x), first);
  });

  it('passes audio through unchanged when both rates are equal', () => {
    const x = tone(1000, 8000, 160, 12000);
    assert.deepEqual(new Resampler(8000, 8000).process(x), x);
  });

  it('rejects rates whose ratio needs more than 64 phases, and non-integer rates', () => {
    assert.throws(() => new Resampler(8000, 44100), (e) => isSwitchboardError(e, 'CONFIG_INVALID'));
    assert.throws(() => new Resampler(8000.5, 16000), (e) => isSwitchboardError(e, 'CONFIG_INVALID'));
    assert.throws(() => new Resampler(8000, 16000, { taps: 1 }), (e) => isSwitchboardError(e, 'CONFIG_INVALID'));
  });
});
