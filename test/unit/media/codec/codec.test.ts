import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { codecNameFromEncoding, createCodec, type CodecName } from '../../../../src/media/codec/codec.js';
import { decodeAlaw, decodeUlaw, encodeUlaw } from '../../../../src/media/codec/g711.js';
import { G722Decoder, G722Encoder } from '../../../../src/media/codec/g722.js';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import { dominantTone } from '../../../support/audio.js';
import { concat, lcg, tone, wideband } from './signals.js';

describe('AudioCodec', () => {
  it('describes PCMU, PCMA and G722 with RFC 3551 payload types, PCM rates and the 8000 Hz RTP clock', () => {
    const expected: Array<[CodecName, number, number, number]> = [
      ['PCMU', 0, 8000, 160],
      ['PCMA', 8, 8000, 160],
      ['G722', 9, 16000, 320],
    ];
    for (const [name, payloadType, sampleRate, samples20] of expected) {
      const codec = createCodec(name);
      assert.equal(codec.name, name);
      assert.equal(codec.payloadType, payloadType);
      assert.equal(codec.sampleRate, sampleRate);
      assert.equal(codec.rtpClockRate, 8000);
      assert.equal(codec.frameBytes(20), 160);
      assert.equal(codec.frameBytes(30), 240);
      assert.equal(codec.frameSamples(20), samples20);
    }
  });

  it('encodes 20 ms of PCMU and PCMA to 160 octets that decode as G.711', () => {
    const x = tone(1000, 8000, 160, 9000);
    const ulaw = createCodec('PCMU');
    const payload = ulaw.encode(x);
    assert.equal(payload.length, 160);
    const reference = new Uint8Array(160);
    encodeUlaw(x, reference);
    assert.deepEqual(new Uint8Array(payload), reference);
    const expected = new Int16Array(160);
    decodeUlaw(payload, expected);
    assert.deepEqual(ulaw.decode(payload), expected);

    const alaw = createCodec('PCMA');
    const a = alaw.decode(alaw.encode(x));
    const aExpected = new Int16Array(160);
    decodeAlaw(alaw.encode(x), aExpected);
    assert.deepEqual(a, aExpected);
  });

  it('reuses its output buffers: a result is overwritten by the next call of the same kind', () => {
    const codec = createCodec('PCMU');
    const first = codec.encode(tone(500, 8000, 160));
    const kept = Buffer.from(first);
    const second = codec.encode(tone(1500, 8000, 160));
    assert.equal(second, first, 'same Buffer object');
    assert.notDeepEqual(second, kept, 'contents overwritten');
    const d1 = codec.decode(kept);
    assert.equal(codec.decode(second), d1);
    assert.equal(codec.encode(tone(500, 8000, 80)).length, 80, 'a shorter frame gets a shorter view');
  });

  it('encodes and decodes into caller-owned buffers', () => {
    const codec = createCodec('G722');
    const out = new Uint8Array(160);
    assert.equal(codec.encodeInto(tone(1000, 16000, 320), out), 160);
    const pcm = new Int16Array(320);
    assert.equal(codec.decodeInto(out, pcm), 320);
  });

  it('G722 keeps separate encoder and decoder state, equal to standalone G722Encoder and G722Decoder', () => {
    const x = wideband(3200);
    const codec = createCodec('G722');
    const referenceEncoder = new G722Encoder();
    const referenceDecoder = new G722Decoder();
    const rnd = lcg(11);
    for (let at = 0; at < x.length; at += 320) {
      const frame = x.subarray(at, at + 320);
      const payload = Uint8Array.from(codec.encode(frame));
      const expectedPayload = new Uint8Array(160);
      referenceEncoder.encode(frame, expectedPayload);
      assert.deepEqual(payload, expectedPayload);
      // Interleave decoding of unrelated octets: it must not disturb the encoder (and vice versa).
      const incoming = Uint8Array.from({ length: 160 }, () => rnd() & 0xff);
      const expectedPcm = new Int16Array(320);
      referenceDecoder.decode(incoming, expectedPcm);
      assert.deepEqual(codec.decode(incoming), expectedPcm);
    }
  });

  it('G722 round trip keeps a 20 ms-framed 1 kHz tone at 1 kHz', () => {
    const codec = createCodec('G722');
    const x = tone(1000, 16000, 16000, 8000);
    const frames: Int16Array[] = [];
    for (let at = 0; at < x.length; at += 320) frames.push(Int16Array.from(codec.decode(codec.encode(x.subarray(at, at + 320)))));
    const found = dominantTone(concat(frames), 16000, [250, 1000, 2000, 4000, 6000], 0.1);
    assert.equal(found.freq, 1000);
    assert.ok(found.share > 0.999);
  });

  it('decodes any payload, empty and odd-sized included, without throwing', () => {
    for (const name of ['PCMU', 'PCMA', 'G722'] as const) {
      const codec = createCodec(name);
      const rnd = lcg(17);
      for (const length of [0, 1, 159, 160, 161, 2000]) {
        const pcm = codec.decode(Uint8Array.from({ length }, () => rnd() & 0xff));
        assert.equal(pcm.length, name === 'G722' ? 2 * length : length);
      }
    }
  });

  it('reset() restarts G722 from its initial state', () => {
    const codec = createCodec('G722');
    const x = wideband(640);
    const fresh = Uint8Array.from(codec.encode(x));
    codec.encode(tone(300, 16000, 640));
    codec.reset();
    assert.deepEqual(Uint8Array.from(codec.encode(x)), fresh);
  });

  it('maps SDP encoding names case-insensitively and refuses codecs it does not implement', () => {
    assert.equal(codecNameFromEncoding('pcmu'), 'PCMU');
    assert.equal(codecNameFromEncoding('PCMA'), 'PCMA');
    assert.equal(codecNameFromEncoding('g722'), 'G722');
    assert.equal(codecNameFromEncoding('opus'), undefined);
    assert.throws(() => createCodec('OPUS' as CodecName), (e) => isSwitchboardError(e, 'SDP_NOT_ACCEPTABLE'));
  });
});
