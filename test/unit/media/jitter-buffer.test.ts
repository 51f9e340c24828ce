import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JitterBuffer, type JitterBufferOptions } from '../../../src/media/jitter-buffer.js';

const PTIME = 20;
const SPF = 160; // samples per 20 ms frame at 8 kHz

interface Pkt { i: number; at: number }

/**
 * Drives a buffer under fake time: packet i has seq (seqBase + i) mod 2^16, ts i × 160 (+ tsJump for i ≥
 * jumpAt), and arrives at `at`; pop() runs every 20 ms from popStart. Before each pop every packet that has
 * arrived by then is pushed (in arrival order). Returns one token per pop: frame index, 'C' or 'E'.
 */
function simulate(jb: JitterBuffer, packets: Pkt[], pops: number, opts: { seqBase?: number; popStart?: number; tsOf?: (i: number) => number } = {}) {
  const seqBase = opts.seqBase ?? 1000;
  const tsOf = opts.tsOf ?? ((i: number) => i * SPF);
  const queue = [...packets].sort((a, b) => a.at - b.at);
  const out: (number | 'C' | 'E')[] = [];
  const latency: number[] = [];
  const arrivalOf = new Map(packets.map((p) => [p.i, p.at]));
  let next = 0;
  const start = opts.popStart ?? 10;
  for (let k = 0; k < pops; k++) {
    const now = start + k * PTIME;
    while (next < queue.length && queue[next]!.at <= now) {
      const p = queue[next++]!;
      jb.push((seqBase + p.i) & 0xffff, tsOf(p.i) >>> 0, Buffer.from([p.i & 0xff]), p.at);
    }
    const r = jb.pop(now);
    if (r.kind === 'frame') {
      const i = r.payload[0]!;
      out.push(i);
      latency.push(now - arrivalOf.get(i)!);
    } else out.push(r.kind === 'conceal' ? 'C' : 'E');
  }
  return { out, latency };
}

const steady = (n: number, offset = 3, from = 0): Pkt[] => Array.from({ length: n }, (_, k) => ({ i: from + k, at: offset + (from + k) * PTIME }));
const frames = (out: (number | string)[]) => out.filter((x): x is number => typeof x === 'number');

describe('jitter buffer', () => {
  it('plays an in-order steady stream at a constant latency after buffering the minimum delay', () => {
    const jb = new JitterBuffer();
    const { out, latency } = simulate(jb, steady(50), 50);
    // Packet 0 arrives at 3 ms; the pop at 10 ms is 7 ms after it (< 20 ms), the pop at 30 ms plays it.
    assert.deepEqual(out, ['E', ...Array.from({ length: 49 }, (_, i) => i)]);
    assert.deepEqual(new Set(latency), new Set([27]));
    assert.equal(jb.targetDelayMs, 20);
    assert.deepEqual(jb.counters, { received: 50, played: 49, late: 0, duplicates: 0, concealed: 0, overflow: 0, skipped: 0, resyncs: 0 });
  });

  it('puts a reorder of three packets back in order within its delay', () => {
    const jb = new JitterBuffer({ minDelayMs: 60 });
    const packets = steady(40);
    // 10, 11, 12 arrive as 12, 11, 10.
    packets[10]!.at = 12 * PTIME + 5;
    packets[11]!.at = 12 * PTIME + 4;
    const { out } = simulate(jb, packets, 43); // 3 pops of buffering, then the 40 frames
    assert.deepEqual(frames(out), Array.from({ length: 40 }, (_, i) => i));
    assert.equal(out.includes('C'), false);
    assert.equal(jb.counters.late, 0);
  });

  it('drops duplicates, before and after their playout, and counts them', () => {
    const jb = new JitterBuffer();
    const packets = [...steady(20), ...steady(20, 8).filter((p) => p.i % 2 === 0), { i: 3, at: 300 }];
    const { out } = simulate(jb, packets, 22);
    assert.deepEqual(frames(out), Array.from({ length: 20 }, (_, i) => i));
    assert.equal(jb.counters.duplicates, 11);
    assert.equal(jb.counters.late, 0);
  });

  it('conceals a loss of 3 packets with exactly 3 conceals', () => {
    const jb = new JitterBuffer();
    const { out } = simulate(jb, steady(30).filter((p) => p.i < 10 || p.i > 12), 31);
    assert.deepEqual(out.slice(10, 15), [9, 'C', 'C', 'C', 13]);
    assert.deepEqual(frames(out), Array.from({ length: 30 }, (_, i) => i).filter((i) => i < 10 || i > 12));
    assert.equal(jb.counters.concealed, 3);
  });

  it('gives silence after maxConcealFrames conceals in a row, then resumes with the stream', () => {
    const jb = new JitterBuffer({ maxConcealFrames: 5 });
    const { out } = simulate(jb, steady(40).filter((p) => p.i < 10 || p.i >= 20), 41);
    assert.deepEqual(out.slice(10, 22), [9, 'C', 'C', 'C', 'C', 'C', 'E', 'E', 'E', 'E', 'E', 20]);
    assert.equal(jb.counters.concealed, 5);
    assert.deepEqual(frames(out).slice(-20), Array.from({ length: 20 }, (_, i) => 20 + i));
  });

  it('drops a packet that arrives after its playout time and counts it as late', () => {
    const jb = new JitterBuffer();
    const packets = steady(20);
    packets[10]!.at = 10 * PTIME + 200;
    const { out } = simulate(jb, packets, 21);
    assert.deepEqual(out.slice(10, 13), [9, 'C', 11]);
    assert.equal(jb.counters.late, 1);
    assert.equal(jb.counters.concealed, 1);
  });

  it('handles the sequence number wrap at 65535, with a reorder across it', () => {
    const jb = new JitterBuffer({ minDelayMs: 40 });
    const packets = steady(20);
    packets[5]!.at = 6 * PTIME + 4; // seq 65535 arrives after seq 0
    const seqs: number[] = [];
    const { out } = simulate(jb, packets, 22, { seqBase: 65530 });
    assert.deepEqual(frames(out), Array.from({ length: 20 }, (_, i) => i));
    for (const i of frames(out)) seqs.push((65530 + i) & 0xffff);
    assert.deepEqual(seqs.slice(4, 8), [65534, 65535, 0, 1]);
    assert.equal(jb.counters.late + jb.counters.concealed, 0);
  });

  it('grows the target delay under burst jitter, shrinks it again when calm, and stays within 20..120 ms', () => {
    const jb = new JitterBuffer({ jitterWindowPackets: 50, jitterPercentile: 0.9 });
    const packets: Pkt[] = [];
    for (let i = 0; i < 400; i++) {
      // 0..99 calm, 100..199 late by 0/20/40/60/80 ms in turn, 200..399 calm again.
      const extra = i >= 100 && i < 200 ? (i % 5) * 20 : 0;
      packets.push({ i, at: 3 + i * PTIME + extra });
    }
    const targets: number[] = [];
    const delays: number[] = [];
    const queue = [...packets].sort((a, b) => a.at - b.at);
    let next = 0;
    let lateAfterAdapting = 0;
    for (let k = 0; k < 410; k++) {
      const now = 10 + k * PTIME;
      while (next < queue.length && queue[next]!.at <= now) {
        const p = queue[next++]!;
        const before = jb.counters.late;
        jb.push(p.i & 0xffff, p.i * SPF, Buffer.from([p.i & 0xff]), p.at);
        if (p.i >= 160 && p.i < 200) lateAfterAdapting += jb.counters.late - before;
      }
      jb.pop(now);
      targets[k] = jb.targetDelayMs;
      delays[k] = jb.delayMs;
    }
    assert.equal(targets[99], 20);
    assert.equal(Math.max(...targets), 81); // the 90th percentile of 0..80 ms deviations, upper bucket edge
    assert.ok(delays[180]! >= 81 - PTIME / 2, `delay ${delays[180]}`);
    assert.equal(lateAfterAdapting, 0);
    assert.equal(targets[409], 20);
    assert.ok(delays[409]! >= 10 && delays[409]! < 40, `delay ${delays[409]}`);
    assert.ok(jb.counters.skipped > 0);
    assert.ok(targets.every((t) => t >= 20 && t <= 120));
  });

  it('caps the target at maxDelayMs however large the jitter', () => {
    const jb = new JitterBuffer({ maxDelayMs: 120, jitterWindowPackets: 20 });
    const packets = Array.from({ length: 60 }, (_, i) => ({ i, at: 3 + i * PTIME + (i % 2) * 400 }));
    simulate(jb, packets, 70);
    assert.equal(jb.targetDelayMs, 120);
  });

  it('never holds more than capacityFrames, evicting the oldest as overflow', () => {
    const jb = new JitterBuffer({ capacityFrames: 10 });
    for (let i = 0; i < 30; i++) jb.push(i, i * SPF, Buffer.from([i]), i * PTIME);
    assert.equal(jb.size, 10);
    assert.equal(jb.counters.overflow, 20);
    // The oldest frame kept is 20 (pop when its delay is in the band), and the ring keeps accepting.
    let r = jb.pop(20 * PTIME + 25);
    assert.equal(r.kind === 'frame' ? r.payload[0] : r.kind, 20);
    jb.push(30, 30 * SPF, Buffer.from([30]), 30 * PTIME);
    assert.equal(jb.size, 10);
    assert.equal(jb.counters.overflow, 20);
    r = jb.pop(21 * PTIME + 25);
    assert.equal(r.kind === 'frame' ? r.payload[0] : r.kind, 21);
  });

  it('waits out a timestamp jump without a sequence gap (silence suppression) instead of concealing it as loss', () => {
    const jb = new JitterBuffer();
    // 20 packets, then 1 s of silence: seq continues, ts and arrival jump by 1 s.
    const packets = Array.from({ length: 40 }, (_, i) => ({ i, at: 3 + i * PTIME + (i >= 20 ? 1000 : 0) }));
    const { out, latency } = simulate(jb, packets, 92, { tsOf: (i) => i * SPF + (i >= 20 ? 8000 : 0) });
    assert.deepEqual(frames(out), Array.from({ length: 40 }, (_, i) => i));
    assert.equal(jb.counters.late, 0);
    assert.deepEqual(new Set(latency), new Set([27]));
  });

  it('resyncs after a timestamp discontinuity instead of stalling behind it', () => {
    const jb = new JitterBuffer();
    const packets = steady(60);
    const { out } = simulate(jb, packets, 62, { tsOf: (i) => i * SPF + (i >= 30 ? 800_000 : 0) });
    assert.equal(jb.counters.resyncs, 1);
    assert.deepEqual(frames(out).slice(-25), Array.from({ length: 25 }, (_, i) => 35 + i));
  });

  it('starts afresh after reset() (new SSRC with its own sequence and timestamp)', () => {
    const jb = new JitterBuffer();
    for (let i = 0; i < 5; i++) jb.push(100 + i, i * SPF, Buffer.from([i]), 3 + i * PTIME);
    jb.reset();
    assert.equal(jb.size, 0);
    assert.equal(jb.pop(200).kind, 'empty');
    jb.push(40000, 123456, Buffer.from([77]), 205);
    assert.equal(jb.pop(210).kind, 'empty');
    const r = jb.pop(230);
    assert.equal(r.kind === 'frame' ? r.payload[0] : r.kind, 77);
    assert.equal(jb.counters.received, 6);
  });
});
