import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Deadline, raceDeadline } from '../../../src/shared/deadline.js';
import type { TimerHandle, Timers } from '../../../src/shared/timers.js';
import { FakeTimers } from '../../support/fake-timers.js';

test('aborts exactly when the budget is spent, not a millisecond before', () => {
  const timers = new FakeTimers();
  const d = new Deadline(500, timers);
  timers.advance(499);
  assert.equal(d.signal.aborted, false);
  assert.equal(d.expired, false);
  assert.equal(d.remainingMs(), 1);
  timers.advance(1);
  assert.equal(d.signal.aborted, true);
  assert.equal(d.expired, true);
  assert.equal(d.remainingMs(), 0);
});

test('the abort reason is a TimeoutError DOMException, as with AbortSignal.timeout', () => {
  const timers = new FakeTimers();
  const d = new Deadline(10, timers);
  timers.advance(10);
  const reason: unknown = d.signal.reason;
  assert.ok(reason instanceof DOMException);
  assert.equal(reason.name, 'TimeoutError');
  assert.equal(reason.message, 'budget of 10 ms expired');
});

test('remainingMs and elapsedMs follow the injected clock', () => {
  const timers = new FakeTimers();
  timers.advance(1000);
  const d = new Deadline(300, timers);
  assert.equal(d.startedAt, 1000);
  assert.equal(d.endsAt, 1300);
  timers.advance(120);
  assert.equal(d.remainingMs(), 180);
  assert.equal(d.elapsedMs(), 120);
});

test('dispose cancels the timer: the signal never aborts and no timer is left pending', () => {
  const timers = new FakeTimers();
  const d = new Deadline(100, timers);
  assert.equal(timers.pendingCount, 1);
  d.dispose();
  assert.equal(timers.pendingCount, 0);
  timers.advance(1000);
  assert.equal(d.signal.aborted, false);
});

test('a zero budget is expired from the start', () => {
  const d = new Deadline(0, new FakeTimers());
  assert.equal(d.signal.aborted, true);
  assert.equal(d.expired, true);
});

/** Timers whose clock can move without firing timers, and whose timers can fire early (coarse real timers). */
class LooseTimers implements Timers {
  t = 0;
  fns: { fn: () => void; ms: number }[] = [];
  now(): number { return this.t; }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const entry = { fn, ms };
    this.fns.push(entry);
    return { cancel: () => { this.fns = this.fns.filter((e) => e !== entry); } };
  }
  fireAll(): void { const f = this.fns; this.fns = []; for (const e of f) e.fn(); }
}

test('a timer that fires early re-arms for the remainder instead of aborting early', () => {
  const timers = new LooseTimers();
  const d = new Deadline(100, timers);
  timers.t = 99.4;
  timers.fireAll();
  assert.equal(d.signal.aborted, false);
  assert.equal(timers.fns.length, 1);
  assert.ok(Math.abs((timers.fns[0]?.ms ?? 0) - 0.6) < 1e-9);
  timers.t = 100;
  timers.fireAll();
  assert.equal(d.signal.aborted, true);
});

test('expired aborts at once when the clock is past the end but the timer is late', () => {
  const timers = new LooseTimers();
  const d = new Deadline(50, timers);
  timers.t = 51;
  assert.equal(d.signal.aborted, false);
  assert.equal(d.expired, true);
  assert.equal(d.signal.aborted, true);
  assert.equal(timers.fns.length, 0);
});

test('raceDeadline settles with the promise, or rejects with the TimeoutError first', async () => {
  const timers = new FakeTimers();
  const d = new Deadline(10, timers);
  assert.equal(await raceDeadline(Promise.resolve(7), d), 7);
  const never = new Promise<number>(() => undefined);
  const raced = raceDeadline(never, d);
  timers.advance(10);
  await assert.rejects(raced, (e: unknown) => e instanceof DOMException && e.name === 'TimeoutError');
  await assert.rejects(raceDeadline(Promise.resolve(1), d), (e: unknown) => e instanceof DOMException);
});

test('onExpire callbacks run in order before the signal aborts; one that throws does not stop the rest', () => {
  const timers = new FakeTimers();
  const d = new Deadline(20, timers);
  const seen: string[] = [];
  d.signal.addEventListener('abort', () => seen.push('signal'));
  d.onExpire(() => seen.push('first'));
  d.onExpire(() => { throw new Error('bad callback'); });
  const off = d.onExpire(() => seen.push('removed'));
  d.onExpire(() => seen.push('last'));
  off();
  timers.advance(20);
  assert.deepEqual(seen, ['first', 'last', 'signal']);
  d.onExpire(() => seen.push('late'));
  assert.deepEqual(seen.at(-1), 'late', 'registered after expiry: called at once');
});

test('the signal is created on first use, already aborted if the deadline has expired', () => {
  const timers = new FakeTimers();
  const d = new Deadline(5, timers);
  timers.advance(5);
  assert.equal(d.signal.aborted, true);
  assert.equal(d.signal.reason, d.reason);
});
