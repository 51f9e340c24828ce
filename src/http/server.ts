import type { AddressInfo } from 'node:net';
import fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { Logger } from '../observability/logger.js';

/**
 * The HTTP server: GET /metrics (Prometheus text exposition) and GET /healthz (load balancers, orchestrators).
 * Later control-API routes register on `app` before start(). Fastify's own logging is off; each request
 * is logged at debug level on the passed logger (method, route, status, duration; never query strings).
 */

/**
 * What /healthz reports. `draining` (SIGTERM received, calls finishing) and `unavailable` (the engine cannot take
 * calls: e.g. drachtio-server or every FreeSWITCH unreachable) answer 503 so traffic moves away.
 */
export interface HealthReport {
  status: 'ok' | 'draining' | 'unavailable';
  /** Calls in progress. */
  calls: number;
  [detail: string]: unknown;
}

export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port (tests); start() returns the real one. */
  port: number;
  registry: Registry;
  health: () => HealthReport | Promise<HealthReport>;
  logger: Logger;
}

export interface HttpServer {
  readonly app: FastifyInstance;
  /** Listens; resolves with the bound address. */
  start(): Promise<{ host: string; port: number }>;
  /** Stops listening and closes idle connections; safe to call twice. */
  close(): Promise<void>;
}

interface ErrorBody {
  error: string;
  message: string;
}

export function createHttpServer(opts: HttpServerOptions): HttpServer {
  const log = opts.logger.child({ component: 'http' });
  // logger: false silences fastify entirely (no per-request info lines); the hook below logs at debug instead.
  const app = fastify({ logger: false });

  app.addHook('onResponse', async (request, reply) => {
    log.debug({
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    }, 'http request');
  });

  app.get('/metrics', async (_request, reply) => {
    const body = await opts.registry.metrics();
    return reply.header('content-type', opts.registry.contentType).header('cache-control', 'no-store').send(body);
  });

  app.get('/healthz', async (_request, reply) => {
    const report = await opts.health();
    return reply.code(report.status === 'ok' ? 200 : 503).header('cache-control', 'no-store').send(report);
  });

  app.setNotFoundHandler(async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const body: ErrorBody = { error: 'not_found', message: `no route for ${request.method} ${path}` };
    return reply.code(404).send(body);
  });

  app.setErrorHandler(async (err: unknown, request, reply) => {
    const status = typeof err === 'object' && err !== null && 'statusCode' in err && typeof err.statusCode === 'number'
      ? err.statusCode : 500;
    if (status >= 500) log.warn({ err, route: request.routeOptions.url ?? 'unmatched' }, 'http handler failed');
    const body: ErrorBody = status >= 500
      ? { error: 'internal', message: 'internal error' }
      : { error: 'bad_request', message: err instanceof Error ? err.message : 'bad request' };
    return reply.code(status >= 400 && status < 600 ? status : 500).send(body);
  });

  let closed = false;
  return {
    app,
    async start() {
      await app.listen({ host: opts.host, port: opts.port });
      const address: AddressInfo | string | null = app.server.address();
      if (address === null || typeof address === 'string') throw new Error('HTTP server is not bound to a TCP port');
      log.info({ host: address.address, port: address.port }, 'http listening');
      return { host: address.address, port: address.port };
    },
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
    },
  };
}
