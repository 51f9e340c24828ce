import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CircuitBreaker, type BreakerState } from '../../../src/integrations/breaker.js';
import { ConcurrencyLimit } from '../../../src/integrations/concurrency.js';
import { TokenBucket } from '../../../src/integrations/rate-limit.js';
import { Deadline } from '../../../src/shared/deadline.js';
import { isSwitchboardError } from '../../../src/shared/errors.js';
import { FakeTimers } from '../../support/fake-timers.js';

function breaker(timers: FakeTimers, changes: BreakerState[] = []) {
  return new CircuitBreaker({ failures: 3, openMs: 30_000, timers, onStateChange: (s) => changes.push(s) });
}

test('breaker opens after N consecutive failures; a success in between resets the count', () => {
  const timers = new FakeTimers();
  const b = breaker(timers);
  const fail = () => { const t = b.tryAcquire(); assert.ok(t); b.record(t, 'failure'); };
  fail(); fail();
  const t = b.tryAcquire(); assert.ok(t); b.record(t, 'success');
  fail(); fail();
  assert.equal(b.state, 'closed');
  fail();
  assert.equal(b.state, 'open');
  assert.equal(b.tryAcquire(), undefined);
});

test('breaker half-opens after openMs and lets exactly one trial through; its success closes it', () => {
  const timers = new FakeTimers();
  const changes: BreakerState[] = [];
  const b = breaker(timers, changes);
  for (let i = 0; i < 3; i++) b.record(b.tryAcquire() ?? assert.fail(), 'failure');
  timers.advance(29_999);
  assert.equal(b.state, 'open');
  timers.advance(1);
  assert.equal(b.state, 'half-open');
  const trial = b.tryAcquire();
  assert.deepEqual(trial, { trial: true });
  assert.equal(b.tryAcquire(), undefined, 'a second caller fails fast while the trial is out');
  b.record(trial ?? assert.fail(), 'success');
  assert.equal(b.state, 'closed');
  assert.deepEqual(changes, ['open', 'half-open', 'closed']);
});

test('a failed trial opens the breaker for another openMs; a neutral trial gives the slot back', () => {
  const timers = new FakeTimers();
  const b = breaker(timers);
  for (let i = 0; i < 3; i++) b.record(b.tryAcquire() ?? assert.fail(), 'failure');
  timers.advance(30_000);
  b.record(b.tryAcquire() ?? assert.fail(), 'neutral');
  assert.equal(b.state, 'half-open');
  b.record(b.tryAcquire() ?? assert.fail(), 'failure');
  assert.equal(b.state, 'open');
  timers.advance(29_000);
  assert.equal(b.tryAcquire(), undefined);
  timers.advance(1_000);
  assert.equal(b.state, 'half-open');
});

test('token bucket: a full burst, then one token per 1/perSecond', () => {
  const timers = new FakeTimers();
  const bucket = new TokenBucket({ perSecond: 4, burst: 2, timers });
  assert.deepEqual([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()], [true, true, false]);
  timers.advance(249);
  assert.equal(bucket.tryTake(), false);
  timers.advance(1);
  assert.equal(bucket.tryTake(), true);
  timers.advance(10_000);
  assert.equal(bucket.available(), 2, 'never more than the burst');
});

test('token bucket burst defaults to perSecond rounded up', () => {
  const bucket = new TokenBucket({ perSecond: 2.5, timers: new FakeTimers() });
  assert.equal(bucket.available(), 3);
});

test('concurrency cap: waiters get slots in arrival order as slots are released', async () => {
  const timers = new FakeTimers();
  const cap = new ConcurrencyLimit(2);
  const r1 = cap.tryAcquire();
  const r2 = cap.tryAcquire();
  assert.ok(r1 && r2);
  assert.equal(cap.tryAcquire(), undefined);
  const order: string[] = [];
  const w3 = cap.acquire(new Deadline(100, timers)).then((r) => { order.push('3'); return r; });
  const w4 = cap.acquire(new Deadline(100, timers)).then((r) => { order.push('4'); return r; });
  assert.equal(cap.waiting, 2);
  r1();
  r1();
  const r3 = await w3;
  assert.deepEqual(order, ['3'], 'a double release frees one slot only');
  r2();
  const r4 = await w4;
  assert.deepEqual(order, ['3', '4']);
  assert.equal(cap.active, 2);
  r3(); r4();
  assert.equal(cap.active, 0);
});

test('a waiter whose deadline expires fails with INTEGRATION_TIMEOUT and leaves the queue', async () => {
  const timers = new FakeTimers();
  const cap = new ConcurrencyLimit(1);
  const held = cap.tryAcquire();
  assert.ok(held);
  const waiting = cap.acquire(new Deadline(50, timers));
  timers.advance(50);
  await assert.rejects(waiting, (e: unknown) => isSwitchboardError(e, 'INTEGRATION_TIMEOUT'));
  assert.equal(cap.waiting, 0);
  held();
  assert.equal(cap.active, 0, 'the released slot is not handed to the departed waiter');
});
