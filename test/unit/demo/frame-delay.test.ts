import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FrameDelay } from '../../../src/demo/frame-delay.js';

describe('FrameDelay', () => {
  it('returns each frame exactly `length` pushes later, nothing while it fills', () => {
    const d = new FrameDelay<number>(3);
    assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map((x) => d.push(x)), [undefined, undefined, undefined, 1, 2, 3, 4]);
  });

  it('passes frames straight through with length 0', () => {
    const d = new FrameDelay<string>(0);
    assert.equal(d.push('a'), 'a');
    assert.equal(d.push('b'), 'b');
  });

  it('forgets what it holds on reset and fills again', () => {
    const d = new FrameDelay<number>(2);
    d.push(1);
    d.push(2);
    d.push(3);
    d.reset();
    assert.deepEqual([4, 5, 6].map((x) => d.push(x)), [undefined, undefined, 4]);
  });
});
