import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalSource, RingbackSource } from '../../../src/media/apps/local-audio.js';
import { parseWav } from '../../../src/media/apps/wav-reader.js';
import { writeToneWav, dominantTone } from '../../support/audio.js';

function blockRms(pcm: Int16Array, at: number, n: number): number {
  let e = 0;
  for (let i = at; i < at + n; i++) e += (pcm[i] ?? 0) ** 2;
  return Math.sqrt(e / n);
}

describe('local audio', () => {
  it('ringback follows its cadence (1 s on, 0.5 s off) at its frequency, continuous across frames', () => {
    const src = new RingbackSource({ kind: 'ringback', frequencies: [425], onMs: 1000, offMs: 500, amplitude: 6000 }, 8000);
    const pcm = new Int16Array(8000 * 3);
    for (let i = 0; i < pcm.length; i += 160) pcm.set(src.pull(160), i);
    assert.ok(blockRms(pcm, 0, 7900) > 3500, 'on');
    assert.ok(blockRms(pcm, 8050, 3900) === 0, 'off');
    assert.ok(blockRms(pcm, 12000, 7900) > 3500, 'on again');
    assert.equal(dominantTone(pcm.subarray(0, 8000), 8000, [350, 425, 440, 480], 0).freq, 425);
  });

  it('a prompt plays its WAV once (resampled to the call rate), then ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-prompt-'));
    const file = join(dir, 'p.wav');
    writeToneWav(file, 700, 0.5, 16000);
    const src = createLocalSource({ kind: 'prompt', file }, 8000);
    assert.ok(src && !src.waitsForSilence);
    const out: number[] = [];
    for (let f = src.pull(160); f; f = src.pull(160)) out.push(...f);
    assert.ok(Math.abs(out.length - 4000) <= 160, `${out.length} samples`);
    assert.equal(dominantTone(out, 8000, [350, 700, 1400], 0).freq, 700);
  });

  it('refuses files that are not 16-bit PCM WAV, saying why', () => {
    assert.throws(() => parseWav(Buffer.from('not a wav file at all')), /not a RIFF\/WAVE file/);
    const hdr = Buffer.alloc(44);
    hdr.write('RIFF', 0); hdr.writeUInt32LE(36, 4); hdr.write('WAVE', 8); hdr.write('fmt ', 12); hdr.writeUInt32LE(16, 16);
    hdr.writeUInt16LE(1, 20); hdr.writeUInt16LE(1, 22); hdr.writeUInt32LE(8000, 24); hdr.writeUInt16LE(8, 34); hdr.write('data', 36);
    assert.throws(() => parseWav(hdr), /unsupported sample size 8 bits/);
    const dir = mkdtempSync(join(tmpdir(), 'sb-prompt-'));
    writeFileSync(join(dir, 'bad.wav'), 'x');
    assert.throws(() => createLocalSource({ kind: 'prompt', file: join(dir, 'bad.wav') }, 8000), /RIFF/);
  });
});
