import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { realTimers } from '../../../src/shared/timers.js';
import { harness, results } from './runner-harness.js';
import { gate, sendJson, settle, startUpstream, type TestUpstream } from './upstream-server.js';

let up: TestUpstream;
before(async () => { up = await startUpstream((_req, res) => sendJson(res, 200, {})); });
after(() => up.close());

const lookup = (extra: Record<string, unknown> = {}) => ({
  name: 'lookup', request: { url: `${up.origin}/lookup/{{params.id}}` }, params: { id: {} },
  response: { map: { v: '$.v' } }, ...extra,
});

test('a hanging upstream: the decision is timeout within budget + 5 ms (real clock)', async () => {
  up.handler = () => undefined; // never answers
  const h = harness([lookup({ budgetMs: 100 })], { timers: realTimers });
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = await h.run('lookup', { id: String(i) });
    samples.push(performance.now() - t0);
    assert.equal(r.status, 'timeout');
    assert.deepEqual(r.error, { code: 'INTEGRATION_TIMEOUT' });
    assert.ok(r.latencyMs >= 100, `latencyMs ${r.latencyMs}`);
  }
  for (const ms of samples) assert.ok(ms >= 100 && ms <= 105, `decision after ${ms.toFixed(2)} ms`);
  assert.equal(results(h.events).length, 5);
  await h.close();
});

test('the context budget (route budgets.integrationMs) applies when the integration has none', async () => {
  up.handler = () => undefined;
  const h = harness([lookup()]);
  const events: string[] = [];
  const p = h.runner.run('lookup', { id: '1' }, { id: 'x', call: { id: 'c' }, budgetMs: 250 }, (e) => events.push(e.event));
  await settle();
  h.timers.advance(249);
  assert.deepEqual(events, []);
  h.timers.advance(1);
  assert.equal((await p).status, 'timeout');
  await h.close();
});

test('integrationPending goes out once after fillerMs, then exactly one integrationResult', async () => {
  const g = gate();
  up.handler = async (_req, res) => { await g.wait; sendJson(res, 200, { v: 1 }); };
  const h = harness([lookup({ budgetMs: 1000, fillerMs: 300 })]);
  const p = h.run('lookup', { id: '1' }, 'tool-1');
  await settle();
  h.timers.advance(299);
  assert.equal(h.events.length, 0);
  h.timers.advance(1);
  assert.deepEqual(h.events, [{ event: 'integrationPending', integrationPending: { id: 'tool-1', elapsedMs: 300 } }]);
  h.timers.advance(200);
  g.open();
  const r = await p;
  assert.deepEqual(h.events.map((e) => e.event), ['integrationPending', 'integrationResult']);
  assert.deepEqual(r, { id: 'tool-1', status: 'ok', data: { v: 1 }, latencyMs: 500 });
  await h.close();
});

test('no integrationPending when the answer comes before fillerMs', async () => {
  up.handler = (_req, res) => sendJson(res, 200, { v: 2 });
  const h = harness([lookup({ fillerMs: 300 })]);
  await h.run('lookup', { id: '1' });
  h.timers.advance(1000);
  assert.deepEqual(h.events.map((e) => e.event), ['integrationResult']);
  await h.close();
});

test('cache: a fresh entry answers ok without a request; after ttlSeconds the upstream is asked again', async () => {
  let n = 0;
  up.handler = (_req, res) => sendJson(res, 200, { v: ++n });
  const h = harness([lookup({ cache: { ttlSeconds: 60 } })]);
  const before = up.requests.length;
  assert.deepEqual((await h.run('lookup', { id: 'a' })).data, { v: 1 });
  h.timers.advance(59_999);
  assert.deepEqual(await h.run('lookup', { id: 'a' }), { id: 'req-1', status: 'ok', data: { v: 1 }, latencyMs: 0 });
  assert.deepEqual((await h.run('lookup', { id: 'b' })).data, { v: 2 }, 'other parameters, other entry');
  assert.equal(up.requests.length - before, 2);
  h.timers.advance(1);
  assert.deepEqual((await h.run('lookup', { id: 'a' })).data, { v: 3 });
  await h.close();
});

test('stale-if-error: after the TTL a failing upstream is covered by the cached answer, until the stale window ends', async () => {
  up.handler = (_req, res) => sendJson(res, 200, { v: 'cached' });
  const h = harness([lookup({ cache: { ttlSeconds: 60, staleIfErrorSeconds: 3600 } })]);
  await h.run('lookup', { id: 'a' });
  up.handler = (_req, res) => sendJson(res, 503, {});
  h.timers.advance(61_000);
  assert.deepEqual(await h.run('lookup', { id: 'a' }), {
    id: 'req-1', status: 'stale', data: { v: 'cached' }, latencyMs: 0, error: { code: 'INTEGRATION_HTTP_STATUS', httpStatus: 503 },
  });
  h.timers.advance(3_599_000 - 1);
  assert.equal((await h.run('lookup', { id: 'a' })).status, 'stale');
  h.timers.advance(1);
  assert.equal((await h.run('lookup', { id: 'a' })).status, 'failed');
  await h.close();
});

test('stale-if-error also covers a budget expiry: the stale answer is the decision at the deadline', async () => {
  up.handler = (_req, res) => sendJson(res, 200, { v: 'cached' });
  const h = harness([lookup({ budgetMs: 500, cache: { ttlSeconds: 1, staleIfErrorSeconds: 60 } })]);
  await h.run('lookup', { id: 'a' });
  up.handler = () => undefined;
  h.timers.advance(2000);
  const p = h.run('lookup', { id: 'a' });
  await settle();
  h.timers.advance(500);
  assert.deepEqual(await p, { id: 'req-1', status: 'stale', data: { v: 'cached' }, latencyMs: 500, error: { code: 'INTEGRATION_TIMEOUT' } });
  await h.close();
});

test('failures and timeouts are not cached', async () => {
  up.handler = (_req, res) => sendJson(res, 500, {});
  const h = harness([lookup({ cache: { ttlSeconds: 60 } })]);
  const before = up.requests.length;
  await h.run('lookup', { id: 'a' });
  await h.run('lookup', { id: 'a' });
  assert.equal(up.requests.length - before, 2);
  await h.close();
});
