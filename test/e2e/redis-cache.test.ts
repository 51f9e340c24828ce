/**
 * The integration answer cache in a real redis-server: shared by two runners (two Switchboard instances), ages
 * and expiry from Redis, and a Redis outage never costing a call its budget.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createConnection } from 'node:net';
import { RedisCache } from '../../src/store/redis-cache.js';
import { integrationCacheOf } from '../../src/integration-set.js';
import { realTimers } from '../../src/shared/timers.js';
import { freePortPair } from '../support/free-port.js';
import { harness } from '../unit/integrations/runner-harness.js';
import { startUpstream, type TestUpstream } from '../unit/integrations/upstream-server.js';

const skip = spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status !== 0 ? 'redis-server is not installed' : false;

async function startRedis(port: number): Promise<ChildProcess> {
  const p = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise<boolean>((resolve) => {
      const s = createConnection(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (up) return p;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('redis-server did not start');
}

describe('integration cache in Redis', { skip }, () => {
  let port: number;
  let redis: ChildProcess;
  let upstream: TestUpstream;
  let fail = false;
  const def = (budgetMs = 300) => ({
    name: 'crm', request: { url: '' }, response: { map: { name: '$.name' } }, params: { id: {} },
    cache: { ttlSeconds: 1, staleIfErrorSeconds: 60 }, budgetMs,
  });

  before(async () => {
    port = await freePortPair();
    redis = await startRedis(port);
    upstream = await startUpstream((req, res) => {
      if (fail) return void res.writeHead(503).end();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name: `Ion ${req.url}` }));
    });
  });
  after(async () => {
    redis?.kill('SIGKILL');
    await upstream?.close();
  });

  it('stores with PX and reports the age; a second instance is served from it, and stale-if-error works across instances', async () => {
    const mk = () => new RedisCache({ url: `redis://127.0.0.1:${port}`, keyPrefix: 'sbtest:', commandTimeoutMs: 50 });
    const a = mk();
    const b = mk();
    await Promise.all([a.ready(), b.ready()]);
    try {
      await a.set('k', { x: 1 }, 300);
      const hit = await b.get('k');
      assert.deepEqual(hit?.data, { x: 1 });
      assert.ok(hit && hit.ageMs >= 0 && hit.ageMs < 100);
      await new Promise((r) => setTimeout(r, 350));
      assert.equal(await b.get('k'), undefined, 'PX expiry');

      const d = { ...def(), request: { url: `${upstream.origin}/c/{{params.id}}` } };
      const one = harness([d], { timers: realTimers, cache: integrationCacheOf(a) });
      const two = harness([d], { timers: realTimers, cache: integrationCacheOf(b) });
      const first = await one.run('crm', { id: '7' });
      assert.equal(first.status, 'ok');
      const seen = upstream.requests.length;
      const second = await two.run('crm', { id: '7' });
      assert.deepEqual([second.status, second.data], ['ok', { name: 'Ion /c/7' }]);
      assert.equal(upstream.requests.length, seen, 'served from the shared cache');
      await new Promise((r) => setTimeout(r, 1100)); // past ttlSeconds
      fail = true;
      const stale = await two.run('crm', { id: '7' });
      assert.deepEqual([stale.status, stale.data, stale.error?.code], ['stale', { name: 'Ion /c/7' }, 'INTEGRATION_HTTP_STATUS']);
      fail = false;
      await one.close();
      await two.close();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('with Redis down, lookups fail at once and the integration still answers from its upstream within budget', async () => {
    const deadPort = await freePortPair();
    const cache = new RedisCache({ url: `redis://127.0.0.1:${deadPort}`, keyPrefix: 'sbtest:', commandTimeoutMs: 50 });
    try {
      const h = harness([{ ...def(200), request: { url: `${upstream.origin}/d/{{params.id}}` } }], { timers: realTimers, cache: integrationCacheOf(cache) });
      const r = await h.run('crm', { id: '9' });
      assert.deepEqual([r.status, r.data], ['ok', { name: 'Ion /d/9' }]);
      assert.ok(r.latencyMs < 150, `latency ${r.latencyMs} ms`);
      await h.close();
    } finally {
      await cache.close();
    }
  });
});
