import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cacheKey, MemoryCache } from '../../../src/integrations/cache.js';
import { FakeTimers } from '../../support/fake-timers.js';

test('memory cache reports the age of an entry and drops it after keepMs', async () => {
  const timers = new FakeTimers();
  const cache = new MemoryCache({ timers });
  await cache.set('k', { s: 'ok' }, 1000);
  timers.advance(400);
  assert.deepEqual(await cache.get('k'), { data: { s: 'ok' }, ageMs: 400 });
  timers.advance(599);
  assert.equal((await cache.get('k'))?.ageMs, 999);
  timers.advance(1);
  assert.equal(await cache.get('k'), undefined);
  assert.equal(cache.size, 0);
});

test('memory cache evicts the oldest stored entry beyond maxEntries', async () => {
  const cache = new MemoryCache({ timers: new FakeTimers(), maxEntries: 2 });
  await cache.set('a', { v: 1 }, 1000);
  await cache.set('b', { v: 2 }, 1000);
  await cache.set('a', { v: 3 }, 1000);
  await cache.set('c', { v: 4 }, 1000);
  assert.equal(await cache.get('b'), undefined);
  assert.deepEqual((await cache.get('a'))?.data, { v: 3 });
  assert.deepEqual((await cache.get('c'))?.data, { v: 4 });
});

test('the cache key covers the name, the renamed parameters and the call fields the templates use, hashed', () => {
  const none = new Set<'from'>();
  const from = new Set<'from'>(['from']);
  const k = cacheKey('citizen', { CitizenID: '1800101221144', b: 1 }, { id: 'c1', from: '+40722' }, none);
  assert.match(k, /^integration:citizen:[0-9a-f]{64}$/);
  assert.ok(!k.includes('1800101221144'), 'parameter values are not stored in clear');
  assert.equal(k, cacheKey('citizen', { b: 1, CitizenID: '1800101221144' }, { id: 'c2', from: '+40999' }, none), 'order and unused call fields do not matter');
  assert.notEqual(k, cacheKey('other', { CitizenID: '1800101221144', b: 1 }, { id: 'c1' }, none));
  assert.notEqual(k, cacheKey('citizen', { CitizenID: '1800101221145', b: 1 }, { id: 'c1' }, none));
  assert.notEqual(
    cacheKey('citizen', { b: 1 }, { id: 'c1', from: '+40722' }, from),
    cacheKey('citizen', { b: 1 }, { id: 'c1', from: '+40999' }, from),
    'an answer that depends on the caller is cached per caller',
  );
});
