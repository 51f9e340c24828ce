import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TeardownQueue } from '../../../src/integrations/teardown-queue.js';

test('teardowns run one per event-loop turn, after the current one, each followed by its promise reactions', async () => {
  const q = new TeardownQueue();
  const log: string[] = [];
  const done = new Promise<void>((resolve) => {
    q.defer(() => { log.push('a'); queueMicrotask(() => log.push('a-microtask')); setImmediate(() => log.push('immediate-from-a')); });
    q.defer(() => log.push('b'));
    q.defer(() => { log.push('c'); resolve(); });
  });
  log.push('sync');
  assert.equal(q.length, 3);
  await done;
  assert.deepEqual(log, ['sync', 'a', 'a-microtask', 'b', 'immediate-from-a', 'c']);
  assert.equal(q.length, 0);
});

test('errors created during a teardown carry no stack frames, and a throwing teardown does not stop the queue', async () => {
  const q = new TeardownQueue();
  let stack = '';
  const limitBefore = Error.stackTraceLimit;
  await new Promise<void>((resolve) => {
    q.defer(() => { throw new Error('teardown failed'); });
    q.defer(() => { stack = new Error('x').stack ?? ''; resolve(); });
  });
  assert.equal(stack, 'Error: x');
  assert.equal(Error.stackTraceLimit, limitBefore);
});
