import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { KeyedRateLimiter, TokenBucket } from '../../../../src/sip/trunk/token-bucket.js';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import { FakeTimers } from '../../../support/fake-timers.js';

const drain = (take: () => { ok: boolean }, n: number): boolean[] => Array.from({ length: n }, () => take().ok);

describe('TokenBucket', () => {
  it('allows a burst, then refuses with the seconds until the next token', () => {
    const timers = new FakeTimers();
    const b = new TokenBucket({ perSecond: 0.5, burst: 3 }, timers);
    assert.deepEqual(drain(() => b.take(), 3), [true, true, true]);
    assert.deepEqual(b.take(), { ok: false, retryAfterSeconds: 2 });
    timers.advance(1_000);
    assert.deepEqual(b.take(), { ok: false, retryAfterSeconds: 1 });
    timers.advance(1_000);
    assert.deepEqual(b.take(), { ok: true });
  });

  it('refills at perSecond up to burst, never beyond', () => {
    const timers = new FakeTimers();
    const b = new TokenBucket({ perSecond: 10, burst: 5 }, timers);
    drain(() => b.take(), 5);
    timers.advance(300);
    assert.equal(b.available(), 3);
    timers.advance(60_000);
    assert.equal(b.available(), 5);
  });

  it('reports Retry-After of at least 1 second', () => {
    const b = new TokenBucket({ perSecond: 1000, burst: 1 }, new FakeTimers());
    b.take();
    assert.deepEqual(b.take(), { ok: false, retryAfterSeconds: 1 });
  });

  it('refuses a non-positive rate or a burst below 1 with CONFIG_INVALID', () => {
    assert.throws(() => new TokenBucket({ perSecond: 0, burst: 1 }, new FakeTimers()), (e: unknown) => isSwitchboardError(e, 'CONFIG_INVALID'));
    assert.throws(() => new TokenBucket({ perSecond: 1, burst: 0 }, new FakeTimers()), (e: unknown) => isSwitchboardError(e, 'CONFIG_INVALID'));
  });
});

describe('KeyedRateLimiter', () => {
  it('keeps a separate bucket per key', () => {
    const limiter = new KeyedRateLimiter({ perSecond: 1, burst: 2, timers: new FakeTimers() });
    assert.deepEqual(drain(() => limiter.take('a'), 3), [true, true, false]);
    assert.deepEqual(drain(() => limiter.take('b'), 2), [true, true]);
  });

  it('evicts an idle (refilled) key to admit a new one, bounded by maxKeys', () => {
    const timers = new FakeTimers();
    const limiter = new KeyedRateLimiter({ perSecond: 1, burst: 2, timers, maxKeys: 2 });
    limiter.take('a');
    limiter.take('b');
    timers.advance(2_000); // both refilled
    limiter.take('c');
    assert.equal(limiter.size, 2);
  });

  it('puts new keys in one shared overflow bucket when every tracked key is active (flood from many sources)', () => {
    const timers = new FakeTimers();
    const limiter = new KeyedRateLimiter({ perSecond: 1, burst: 2, timers, maxKeys: 2 });
    drain(() => limiter.take('a'), 2);
    drain(() => limiter.take('b'), 2);
    const flood = Array.from({ length: 5 }, (_, i) => limiter.take(`spoofed-${i}`).ok);
    assert.deepEqual(flood, [true, true, false, false, false]);
    assert.equal(limiter.size, 2);
    timers.advance(1_000);
    assert.equal(limiter.take('a').ok, true); // tracked keys keep their own state
  });

  it('keeps the state of existing keys across update, applying the new limits', () => {
    const timers = new FakeTimers();
    const limiter = new KeyedRateLimiter({ perSecond: 1, burst: 5, timers });
    drain(() => limiter.take('a'), 4); // 1 left
    limiter.update({ perSecond: 10, burst: 2 });
    assert.deepEqual(drain(() => limiter.take('a'), 2), [true, false]);
    timers.advance(200);
    assert.deepEqual(drain(() => limiter.take('a'), 3), [true, true, false]);
  });
});
