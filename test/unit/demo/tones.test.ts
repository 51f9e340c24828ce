import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeUlaw } from '../../../src/media/codec/g711.js';
import { digitPayloads, dtmfPair, FRAME_SAMPLES, greetingPayloads, silencePayload } from '../../../src/demo/tones.js';
import { goertzel } from '../../support/audio.js';
import { findBeeps, toneRuns, toneTimeline } from '../../support/tone-timeline.js';

function pcmOf(payloads: readonly string[]): Int16Array {
  const pcm = new Int16Array(payloads.length * FRAME_SAMPLES);
  payloads.forEach((p, i) => {
    const bytes = Buffer.from(p, 'base64');
    assert.equal(bytes.length, FRAME_SAMPLES, 'every payload is one 20 ms μ-law frame');
    decodeUlaw(bytes, pcm.subarray(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES));
  });
  return pcm;
}

describe('demo tones', () => {
  it('maps keys to their ITU-T Q.23 row and column frequencies', () => {
    assert.deepEqual(dtmfPair('1'), [697, 1209]);
    assert.deepEqual(dtmfPair('5'), [770, 1336]);
    assert.deepEqual(dtmfPair('9'), [852, 1477]);
    assert.deepEqual(dtmfPair('0'), [941, 1336]);
    assert.deepEqual(dtmfPair('*'), [941, 1209]);
    assert.deepEqual(dtmfPair('#'), [941, 1477]);
    assert.deepEqual(dtmfPair('a'), [697, 1633]);
    assert.deepEqual(dtmfPair('D'), [941, 1633]);
    assert.equal(dtmfPair('E'), undefined);
    assert.equal(dtmfPair(''), undefined);
    assert.equal(dtmfPair('12'), undefined);
  });

  it('greets with 523, 659 and 784 Hz beeps of 150 ms in rising order, 50 ms apart, in 28 frames', () => {
    const frames = greetingPayloads();
    assert.equal(frames.length, 28); // 3 × 150 + 2 × 50 = 550 ms, padded to whole 20 ms frames
    const pcm = pcmOf(frames);
    const timeline = toneTimeline(pcm, 8000, [523, 659, 784, 1000], { blockMs: 10 });
    const found = findBeeps(timeline, [523, 659, 784]);
    assert.ok(found, JSON.stringify(toneRuns(timeline)));
    assert.deepEqual(found.beeps.map((b) => b.label), [523, 659, 784]);
    for (const b of found.beeps) assert.ok(b.ms >= 130 && b.ms <= 150, `beep of ${b.ms} ms`);
    assert.deepEqual(found.beeps.map((b) => b.startMs), [0, 200, 400]);
    assert.ok(pcm.subarray(1200, 1600).every((s) => s === 0), 'the gap between the first two beeps is silent');
  });

  it('answers a digit with its two DTMF frequencies for 200 ms', () => {
    const frames = digitPayloads('5');
    assert.ok(frames);
    assert.equal(frames.length, 10);
    const pcm = pcmOf(frames);
    const power = (f: number) => goertzel(pcm, 0, pcm.length, f, 8000);
    const others = [697, 852, 941, 1209, 1477, 1633].map(power);
    assert.ok(power(770) > 100 * Math.max(...others), 'row 770 Hz');
    assert.ok(power(1336) > 100 * Math.max(...others), 'column 1336 Hz');
    assert.equal(digitPayloads('x'), undefined);
    assert.equal(digitPayloads('5'), frames, 'computed once per digit');
  });

  it('has a silent frame', () => {
    assert.deepEqual([...pcmOf([silencePayload()])], new Array<number>(FRAME_SAMPLES).fill(0));
  });
});
