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

  it('supports periods other than 20 ms (ptime 30 and 60)', () => {
    const timers = new FakeTimers();
    const s = new FrameScheduler(timers, 2);
    const a: number[] = [];
    const b: number[] = [];
    s.add({ tick: (now) => a.push(now) }, 30, 0);
    s.add({ tick: (now) => b.push(now) }, 60, 0);
    timers.advance(180);
    assert.deepEqual(a, [0, 30, 60, 90, 120, 150, 180]);
    assert.deepEqual(b, [0, 60, 120, 180]);
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
