import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FrameScheduler } from '../../../src/media/frame-scheduler.js';
import { FakeTimers } from '../../support/fake-timers.js';

describe('FrameScheduler', () => {
  it('ticks each item exactly once per period at its own phase', () => {
    const timers = new FakeTimers();
    const s = new FrameScheduler(timers, 2);
    const a: number[] = [];
    const b: number[] = [];
    s.add({ tick: (now) => a.push(now) }, 20, 0);
    s.add({ tick: (now) => b.push(now) }, 20, 6);
    timers.advance(100);
    assert.deepEqual(a, [0, 20, 40, 60, 80, 100]);
    assert.deepEqual(b, [6, 26, 46, 66, 86]);
  });

  it('moves the phase of an item earlier for good when it asks from inside its tick (whole clock steps)', () => {
    const timers = new FakeTimers();
    const s = new FrameScheduler(timers, 2);
    const a: number[] = [];
    const item = { tick: (now: number) => { a.push(now); if (now === 40) s.advance(item, 7); } };
    s.add(item, 20, 0);
    s.advance(item, 10); // outside its tick: ignored
    timers.advance(120);
    assert.deepEqual(a, [0, 20, 40, 54, 74, 94, 114]);
  });

  it('supports periods other than 20 ms (ptime 30 and 60)', () => {
    const timers = new FakeTimers();
    const s = new FrameScheduler(timers, 2);
    const a: number[] = [];
    const b: number[] = [];
    s.add({ tick: (now) => a.push(now) }, 30, 0);
    s.add({ tick: (now) => b.push(now) }, 60, 0);
    timers.advance(180);
    assert.deepEqual(a, [0, 30, 60, 90, 120, 150, 180]);
    // Slot 0 is taken: the second item starts in the next free 2 ms phase.
    assert.deepEqual(b, [2, 62, 122]);
  });

  it('spreads items that start at the same moment over the period instead of stacking them in one slot', () => {
    const timers = new FakeTimers();
    const s = new FrameScheduler(timers, 2);
    const firstTicks: number[] = [];
    for (let i = 0; i < 10; i++) {
      let first = true;
      s.add({ tick: (now) => { if (first) { firstTicks.push(now); first = false; } } }, 20, 0);
    }
    timers.advance(40);
    assert.deepEqual(firstTicks.sort((x, y) => x - y), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });

  it('stops ticking a removed item and stops its timer when empty', () => {
    const timers = new FakeTimers();
    const s = new FrameScheduler(timers, 2);
    let n = 0;
    const item = { tick: () => { n++; } };
    s.add(item, 20, 0);
    timers.advance(40);
    s.remove(item);
    timers.advance(100);
    assert.equal(n, 3);
    assert.equal(timers.pendingCount, 0);
  });
});
