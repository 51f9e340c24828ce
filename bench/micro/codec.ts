/**
 * `tsx bench/micro/codec.ts`: ns per 20 ms frame for each codec direction (G.711 μ-law / A-law, G.722) and for
 * the resampler at every ratio among 8, 16 and 24 kHz, plus the L16 byte-order helpers. Prints a table and
 * writes bench/results/codec.json. Each figure is the best of 10 rounds, so other load on the machine does not
 * inflate it.
 *
 *   npx tsx bench/micro/codec.ts --iterations 20000
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createCodec } from '../../src/media/codec/codec.js';
import { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from '../../src/media/codec/g711.js';
import { G722Decoder, G722Encoder } from '../../src/media/codec/g722.js';
import { l16FromNetwork, l16ToNetwork } from '../../src/media/codec/l16.js';
import { Resampler } from '../../src/media/codec/resampler.js';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '20000' } } });
const iterations = Math.max(1000, Number(values.iterations));
const WARMUP = 2000;
const ROUNDS = 10;

/** 20 ms of speech-band signal at `rate` (two tones and a little noise, so data-dependent paths vary). */
function frame(rate: number): Int16Array {
  const n = rate / 50;
  const out = new Int16Array(n);
  let seed = 1;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const t = i / rate;
    out[i] = Math.round(7000 * Math.sin(2 * Math.PI * 440 * t) + 2500 * Math.sin(2 * Math.PI * 2900 * t) + ((seed >>> 20) - 2048));
  }
  return out;
}

/** The best of ROUNDS timed rounds (other load on the machine only ever adds time). */
function nsPerOp(fn: () => void): number {
  for (let i = 0; i < WARMUP; i++) fn();
  const perRound = Math.ceil(iterations / ROUNDS);
  let best = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) fn();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / perRound);
  }
  return best;
}

const rows: Array<{ op: string; nsPerFrame: number }> = [];
function run(op: string, fn: () => void): void {
  rows.push({ op, nsPerFrame: Math.round(nsPerOp(fn)) });
}

const pcm8 = frame(8000);
const pcm16 = frame(16000);
const octets = new Uint8Array(160);
const out8 = new Int16Array(160);
const out16 = new Int16Array(320);

run('PCMU encode (160 samples)', () => encodeUlaw(pcm8, octets));
run('PCMU decode (160 octets)', () => decodeUlaw(octets, out8));
run('PCMA encode (160 samples)', () => encodeAlaw(pcm8, octets));
run('PCMA decode (160 octets)', () => decodeAlaw(octets, out8));
const g722enc = new G722Encoder();
const g722dec = new G722Decoder();
run('G722 encode (320 samples)', () => g722enc.encode(pcm16, octets));
g722enc.encode(pcm16, octets);
run('G722 decode (160 octets)', () => g722dec.decode(octets, out16));
const codec = createCodec('PCMU');
run('AudioCodec PCMU encode+decode', () => codec.decode(codec.encode(pcm8)));

for (const [from, to] of [[8000, 16000], [16000, 8000], [8000, 24000], [24000, 8000], [16000, 24000], [24000, 16000]] as const) {
  const r = new Resampler(from, to);
  const input = frame(from);
  const output = new Int16Array(to / 50);
  run(`resample ${from / 1000}k → ${to / 1000}k (${input.length} → ${output.length})`, () => r.process(input, output));
}

const be = Buffer.alloc(640);
run('L16 to network order (320 samples)', () => l16ToNetwork(pcm16, be));
run('L16 from network order (640 octets)', () => l16FromNetwork(be, out16));

const width = Math.max(...rows.map((r) => r.op.length));
console.log(`${'operation'.padEnd(width)}  ns / 20 ms frame`);
for (const r of rows) console.log(`${r.op.padEnd(width)}  ${String(r.nsPerFrame).padStart(8)}`);
mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
writeFileSync(new URL('../results/codec.json', import.meta.url), JSON.stringify({ iterations, rows }, null, 2) + '\n');
