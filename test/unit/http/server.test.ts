import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Writable } from 'node:stream';
import { Counter, Registry } from 'prom-client';
import { createLogger } from '../../../src/observability/logger.js';
import { createHttpServer, type HealthReport, type HttpServer } from '../../../src/http/server.js';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', redact: true }, sink), lines };
}

describe('HTTP server', () => {
  const registry = new Registry();
  const calls = new Counter({ name: 'test_calls_total', help: 'Calls for the test', registers: [registry] });
  let health: HealthReport = { status: 'ok', calls: 3 };
  const { logger, lines } = capturingLogger();
  let server: HttpServer;
  let base: string;

  before(async () => {
    server = createHttpServer({ host: '127.0.0.1', port: 0, registry, health: () => health, logger });
    const { host, port } = await server.start();
    assert.equal(host, '127.0.0.1');
    assert.ok(port > 0);
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await server.close();
  });

  it('serves the registry in Prometheus text format with the registry content type', async () => {
    calls.inc(2);
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), registry.contentType);
    const text = await res.text();
    assert.match(text, /^# HELP test_calls_total Calls for the test$/m);
    assert.match(text, /^test_calls_total 2$/m);
  });

  it('answers /healthz 200 with the health report while ok', async () => {
    health = { status: 'ok', calls: 3, engine: 'embedded' };
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(await res.json(), { status: 'ok', calls: 3, engine: 'embedded' });
  });

  it('answers /healthz 503 while draining', async () => {
    health = { status: 'draining', calls: 1 };
    const res = await fetch(`${base}/healthz`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'draining', calls: 1 });
    health = { status: 'ok', calls: 0 };
  });

  it('answers unknown paths with a 404 JSON body without the query string', async () => {
    const res = await fetch(`${base}/nope?secret=1`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: 'not_found', message: 'no route for GET /nope' });
  });

  it('answers 500 JSON when the health callback throws, without leaking the error', async () => {
    const broken = createHttpServer({
      host: '127.0.0.1', port: 0, registry, logger,
      health: () => { throw new Error('store down'); },
    });
    const { port } = await broken.start();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), { error: 'internal', message: 'internal error' });
    } finally {
      await broken.close();
    }
  });

  it('logs each request at debug level with route and status, not fastify request noise', async () => {
    lines.length = 0;
    await (await fetch(`${base}/healthz`)).text();
    await new Promise((r) => setImmediate(r));
    const requests = lines.filter((l) => l.msg === 'http request');
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.level, 20);
    assert.equal(requests[0]?.route, '/healthz');
    assert.equal(requests[0]?.statusCode, 200);
    assert.equal(lines.some((l) => l.msg === 'incoming request' || l.msg === 'request completed'), false);
  });

  it('close() stops listening and may be called twice', async () => {
    const s = createHttpServer({ host: '127.0.0.1', port: 0, registry, logger, health: () => health });
    const { port } = await s.start();
    await (await fetch(`http://127.0.0.1:${port}/healthz`)).text();
    await s.close();
    await s.close();
    await assert.rejects(fetch(`http://127.0.0.1:${port}/healthz`));
  });
});
