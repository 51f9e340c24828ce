/** The agent-side receive buffer: release in order at once, hold behind gaps, conceal what never came. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ReorderBuffer, type ReorderOutput } from '../../../src/media/reorder-buffer.js';

const p = (n: number): Uint8Array => Uint8Array.of(n & 0xff);
function run(buf: ReorderBuffer, now: number): string[] {
  const out: ReorderOutput[] = [];
  buf.drain(now, out);
  return out.map((o) => (o.kind === 'frame' ? `f${o.seq}` : 'c'));
}

describe('ReorderBuffer', () => {
  it('releases in-order frames the moment they arrive (no playout delay)', () => {
    const b = new ReorderBuffer({ ptimeMs: 20 });
    for (let i = 0; i < 5; i++) {
      b.push(100 + i, p(i), i * 20);
      assert.deepEqual(run(b, i * 20), [`f${100 + i}`]);
    }
  });

  it('puts a reordered pair back in order without concealing', () => {
    const b = new ReorderBuffer({ ptimeMs: 20 });
    b.push(1, p(1), 0);
    assert.deepEqual(run(b, 0), ['f1']);
    b.push(3, p(3), 20);
    assert.deepEqual(run(b, 20), [], 'held behind the gap');
    b.push(2, p(2), 25);
    assert.deepEqual(run(b, 25), ['f2', 'f3']);
    assert.equal(b.counters.concealed, 0);
  });

  it('conceals a lost packet once the adaptive wait (min 20 ms) has passed', () => {
    const b = new ReorderBuffer({ ptimeMs: 20 });
    b.push(1, p(1), 0);
    run(b, 0);
    b.push(3, p(3), 40);
    assert.deepEqual(run(b, 45), []);
    assert.deepEqual(run(b, 60), ['c', 'f3']);
    assert.equal(b.counters.concealed, 1);
  });

  it('conceals a 3-packet loss with 3 frames', () => {
    const b = new ReorderBuffer({ ptimeMs: 20 });
    b.push(10, p(10), 0);
    run(b, 0);
    b.push(14, p(14), 80);
    assert.deepEqual(run(b, 100), ['c', 'c', 'c', 'f14']);
  });

  it('skips a long gap instead of inventing audio for it', () => {
    const b = new ReorderBuffer({ ptimeMs: 20, maxConcealFrames: 5 });
    b.push(10, p(10), 0);
    run(b, 0);
    b.push(30, p(30), 400);
    assert.deepEqual(run(b, 420), ['f30']);
    assert.equal(b.counters.skipped, 19);
  });

  it('waits longer when the stream is jittery, never beyond 120 ms', () => {
    const b = new ReorderBuffer({ ptimeMs: 20 });
    b.setJitter(30);
    assert.equal(b.waitMs, 80);
    b.setJitter(500);
    assert.equal(b.waitMs, 120);
    b.setJitter(0);
    assert.equal(b.waitMs, 20);
  });

  it('drops duplicates and packets older than what was released', () => {
    const b = new ReorderBuffer({ ptimeMs: 20 });
    b.push(5, p(5), 0);
    b.push(5, p(5), 1);
    assert.deepEqual(run(b, 1), ['f5']);
    b.push(5, p(5), 2);
    b.push(4, p(4), 2);
    assert.deepEqual(run(b, 2), []);
    assert.equal(b.counters.duplicates, 1);
    assert.equal(b.counters.late, 2);
  });

  it('follows the sequence number across the 65535 → 0 wrap', () => {
    const b = new ReorderBuffer({ ptimeMs: 20 });
    const got: string[] = [];
    for (const s of [65533, 65534, 0, 65535, 1]) {
      b.push(s, p(s), 0);
      got.push(...run(b, 0));
    }
    assert.deepEqual(got, ['f65533', 'f65534', 'f65535', 'f0', 'f1']);
  });

  it('holds nothing and conceals nothing before the first packet, whatever its sequence number', () => {
    const b = new ReorderBuffer({ ptimeMs: 20 });
    assert.equal(b.held, 0);
    assert.deepEqual(run(b, 0), []);
    assert.deepEqual(run(b, 100), [], 'no concealment before any packet');
    b.push(40000, p(1), 120);
    assert.deepEqual(run(b, 120), ['f40000'], 'a first sequence number above 32767 must play');
    b.push(40001, p(2), 140);
    assert.deepEqual(run(b, 140), ['f40001']);
  });

  it('resyncs on a jump beyond its capacity instead of growing', () => {
    const b = new ReorderBuffer({ ptimeMs: 20, capacity: 8 });
    b.push(1, p(1), 0);
    run(b, 0);
    b.push(1000, p(1000 & 0xff), 20);
    assert.deepEqual(run(b, 20), ['f1000']);
    assert.equal(b.counters.resyncs, 1);
  });
});
