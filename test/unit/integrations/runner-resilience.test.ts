import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './runner-harness.js';
import { gate, sendJson, settle, startUpstream, type TestUpstream } from './upstream-server.js';

let up: TestUpstream;
before(async () => { up = await startUpstream((_req, res) => sendJson(res, 200, {})); });
after(() => up.close());

const svc = (extra: Record<string, unknown> = {}, method = 'GET') => ({
  name: 'svc', request: { method, url: `${up.origin}/svc` }, response: { map: { v: '$.v' } }, ...extra,
});

function count(): () => number {
  const start = up.requests.length;
  return () => up.requests.length - start;
}

test('breaker: open after N consecutive failures (no request), one trial after openSeconds, closed by its success', async () => {
  up.handler = (_req, res) => sendJson(res, 503, {});
  const h = harness([svc({ breaker: { failures: 3, openSeconds: 30 } })]);
  const gauge = async () => /switchboard_integration_breaker_state\{integration="svc"\} (\d)/.exec(await h.metrics.registry.metrics())?.[1];
  const sent = count();
  for (let i = 0; i < 3; i++) assert.equal((await h.run('svc')).error?.code, 'INTEGRATION_HTTP_STATUS');
  assert.equal(h.runner.breakerState('svc'), 'open');
  assert.equal(await gauge(), '2');
  assert.deepEqual((await h.run('svc')).error, { code: 'INTEGRATION_BREAKER_OPEN' });
  assert.equal(sent(), 3, 'an open breaker sends nothing');

  h.timers.advance(30_000);
  assert.equal(h.runner.breakerState('svc'), 'half-open');
  assert.equal(await gauge(), '1');
  const g = gate();
  up.handler = async (_req, res) => { await g.wait; sendJson(res, 200, { v: 'back' }); };
  const trial = h.run('svc', {}, 'trial');
  const other = await h.run('svc', {}, 'other');
  assert.deepEqual(other.error, { code: 'INTEGRATION_BREAKER_OPEN' }, 'only one trial while half-open');
  g.open();
  assert.equal((await trial).status, 'ok');
  assert.equal(h.runner.breakerState('svc'), 'closed');
  assert.equal(await gauge(), '0');
  assert.equal((await h.run('svc')).status, 'ok');
  assert.equal(sent(), 5);
  await h.close();
});

test('breaker: a failed trial opens it again; 4xx answers do not count as upstream failures', async () => {
  up.handler = (_req, res) => sendJson(res, 404, {});
  const h = harness([svc({ breaker: { failures: 2, openSeconds: 10 } })]);
  for (let i = 0; i < 4; i++) await h.run('svc');
  assert.equal(h.runner.breakerState('svc'), 'closed');
  up.handler = (_req, _res, raw) => { raw.socket.destroy(); };
  await h.run('svc');
  await h.run('svc');
  assert.equal(h.runner.breakerState('svc'), 'open');
  h.timers.advance(10_000);
  assert.equal((await h.run('svc')).error?.code, 'INTEGRATION_TRANSPORT');
  assert.equal(h.runner.breakerState('svc'), 'open');
  await h.close();
});

test('rate limit: an empty bucket fails at once with INTEGRATION_RATE_LIMITED and sends nothing', async () => {
  up.handler = (_req, res) => sendJson(res, 200, { v: 1 });
  const h = harness([svc({ rateLimit: { perSecond: 2 } })]);
  const sent = count();
  const rs = await Promise.all([h.run('svc'), h.run('svc'), h.run('svc')]);
  assert.deepEqual(rs.map((r) => r.status), ['ok', 'ok', 'failed']);
  assert.deepEqual(rs[2]?.error, { code: 'INTEGRATION_RATE_LIMITED' });
  assert.equal(sent(), 2);
  h.timers.advance(500);
  assert.equal((await h.run('svc')).status, 'ok');
  assert.equal((await h.run('svc')).status, 'failed');
  assert.equal(h.runner.breakerState('svc'), 'closed', 'rate limiting is not an upstream failure');
  await h.close();
});

test('concurrency cap: beyond maxConcurrent callers wait, and only within their own budget', async () => {
  const g = gate();
  up.handler = async (_req, res) => { await g.wait; sendJson(res, 200, { v: 1 }); };
  const h = harness([svc({ maxConcurrent: 2, budgetMs: 1000 })]);
  const sent = count();
  const first = [h.run('svc', {}, 'a'), h.run('svc', {}, 'b')];
  h.timers.advance(100);
  const third = h.run('svc', {}, 'c');
  await settle();
  assert.equal(sent(), 2, 'the third waits for a slot');
  h.timers.advance(900);
  // a and b reach their deadline; c has 100 ms left and gets a slot when they are aborted
  assert.deepEqual((await Promise.all(first)).map((r) => r.status), ['timeout', 'timeout']);
  await settle();
  assert.equal(sent(), 3);
  h.timers.advance(100);
  assert.deepEqual(await third, { id: 'c', status: 'timeout', data: null, latencyMs: 1000, error: { code: 'INTEGRATION_TIMEOUT' } });
  g.open();
  await h.close();
});

test('a caller waiting for a slot times out at its deadline without sending', async () => {
  const g = gate();
  up.handler = async (_req, res) => { await g.wait; sendJson(res, 200, { v: 1 }); };
  const h = harness([svc({ maxConcurrent: 1, breaker: { failures: 1 } })]);
  const call = { id: 'c' };
  const holder = h.runner.run('svc', {}, { id: 'holder', call, budgetMs: 5000 }, () => undefined);
  await settle();
  const sent = count();
  const waiter = h.runner.run('svc', {}, { id: 'w', call, budgetMs: 200 }, () => undefined);
  await settle();
  h.timers.advance(200);
  assert.deepEqual(await waiter, { id: 'w', status: 'timeout', data: null, latencyMs: 200, error: { code: 'INTEGRATION_TIMEOUT' } });
  await settle();
  assert.equal(h.runner.breakerState('svc'), 'closed', 'waiting for a slot is not an upstream failure');
  g.open();
  assert.equal((await holder).status, 'ok');
  assert.equal(sent(), 0);
  await h.close();
});

for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']) {
  test(`retry: ${method} is retried after a 503 when the budget allows`, async () => {
    let n = 0;
    up.handler = (_req, res) => (++n === 1 ? sendJson(res, 503, {}) : sendJson(res, 200, { v: 'second' }));
    const h = harness([{ ...svc({ retry: { attempts: 1 } }, method), response: { map: {} } }]);
    const r = await h.run('svc');
    assert.equal(r.status, 'ok');
    assert.equal(n, 2);
    await h.close();
  });
}

for (const method of ['POST', 'PATCH']) {
  test(`retry: ${method} is never retried (not idempotent)`, async () => {
    let n = 0;
    up.handler = (_req, res) => { n++; sendJson(res, 503, {}); };
    const h = harness([svc({ retry: { attempts: 3 } }, method)]);
    assert.deepEqual((await h.run('svc')).error, { code: 'INTEGRATION_HTTP_STATUS', httpStatus: 503 });
    assert.equal(n, 1);
    await h.close();
  });
}

test('retry: a connection reset is retried; the attempts limit holds', async () => {
  let n = 0;
  up.handler = (_req, _res, raw) => { n++; raw.socket.destroy(); };
  const h = harness([svc({ retry: { attempts: 2 } })]);
  assert.deepEqual((await h.run('svc')).error, { code: 'INTEGRATION_TRANSPORT' });
  assert.equal(n, 3);
  await h.close();
});

test('retry: only if the remaining budget is at least max(minRemainingMs, the failed attempt\'s duration)', async () => {
  let n = 0;
  let h = harness([svc({ budgetMs: 120, retry: { attempts: 1, minRemainingMs: 50 } })]);
  // The failed attempt takes 80 ms of the 120 ms budget: 40 ms left < 50 → no retry.
  up.handler = (_req, res) => { n++; h.timers.advance(80); sendJson(res, 503, {}); };
  assert.equal((await h.run('svc')).error?.httpStatus, 503);
  assert.equal(n, 1);
  await h.close();
  // 300 ms budget, attempt takes 100 ms: 200 ms left ≥ max(50, 100) → one retry.
  n = 0;
  h = harness([svc({ budgetMs: 300, retry: { attempts: 1, minRemainingMs: 50 } })]);
  up.handler = (_req, res) => { n++; h.timers.advance(100); sendJson(res, n === 1 ? 503 : 200, { v: n }); };
  assert.deepEqual((await h.run('svc')).data, { v: 2 });
  assert.equal(n, 2);
  await h.close();
  // 250 ms budget, attempt takes 130 ms: 120 ms left < 130 (the failed attempt) → no retry.
  n = 0;
  h = harness([svc({ budgetMs: 250, retry: { attempts: 1, minRemainingMs: 50 } })]);
  up.handler = (_req, res) => { n++; h.timers.advance(130); sendJson(res, 503, {}); };
  await h.run('svc');
  assert.equal(n, 1);
  await h.close();
});

test('retry: a 500 is retried but 501 and 4xx are not', async () => {
  for (const [status, expected] of [[500, 2], [501, 1], [400, 1], [429, 1]] as const) {
    let n = 0;
    up.handler = (_req, res) => { n++; sendJson(res, status, {}); };
    const h = harness([svc({ retry: { attempts: 1 } })]);
    await h.run('svc');
    assert.equal(n, expected, `status ${status}`);
    await h.close();
  }
});
