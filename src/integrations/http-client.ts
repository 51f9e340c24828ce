import { EventEmitter } from 'node:events';
import { Pool } from 'undici';
import type { Deadline } from '../shared/deadline.js';
import { SwitchboardError } from '../shared/errors.js';
import type { HttpMethod } from './schema.js';
import { TeardownQueue } from './teardown-queue.js';

/**
 * Outbound HTTP for integrations: one undici Pool (keep-alive) per upstream origin and TLS identity.
 *
 * Every request runs under the caller's Deadline: undici's own headersTimeout and bodyTimeout are switched off
 * because their timers are coarse (they fire up to ~1 s late); the Deadline is exact. When it expires the
 * request is aborted in the background (TeardownQueue), so the caller's decision never waits for a teardown.
 * Errors come out as SwitchboardErrors with stable codes: INTEGRATION_TIMEOUT when the deadline expired,
 * INTEGRATION_TRANSPORT for connect/TLS/reset failures, INTEGRATION_BAD_RESPONSE for an oversized body.
 * Non-2xx statuses are returned, not thrown: the caller decides what they mean.
 * Error messages carry the origin, never the path or query (they may hold parameters).
 */

export interface HttpClientOptions {
  /** Idle keep-alive connections are closed after this long (undici keepAliveTimeout). Default 4000. */
  keepAliveTimeoutMs?: number;
  /** TCP + TLS connect limit; the caller's deadline usually ends the wait first. Default 10000. */
  connectTimeoutMs?: number;
  /** Larger answers fail with INTEGRATION_BAD_RESPONSE. Default 1 MiB. */
  maxResponseBytes?: number;
}

export const HTTP_CLIENT_DEFAULTS: Required<HttpClientOptions> = {
  keepAliveTimeoutMs: 4000,
  connectTimeoutMs: 10000,
  maxResponseBytes: 1024 * 1024,
};

/** TLS material for an upstream: CA for the server certificate, client certificate for mutual TLS (PEM). */
export interface UpstreamTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface UpstreamOptions {
  /** Keep-alive connections (the sum of maxConcurrent of the integrations using this upstream). */
  connections: number;
  tls?: UpstreamTls;
}

export interface HttpRequest {
  method: HttpMethod;
  /** Path and query, already encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  deadline: Deadline;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | string[] | undefined>;
  contentType: string | undefined;
  body: string;
}

/**
 * The reason undici gets when a request is torn down. One shared object: Node reads `err.stack` of every
 * error a stream is destroyed with, and formatting a fresh stack (source-mapped under tsx) for each of hundreds
 * of simultaneous teardowns costs milliseconds. Callers see INTEGRATION_TIMEOUT, never this object.
 */
const TEARDOWN_REASON = new Error('integration request torn down after its deadline');

export class Upstream {
  constructor(
    readonly origin: string,
    private readonly pool: Pool,
    private readonly maxResponseBytes: number,
    private readonly teardowns: TeardownQueue,
  ) {}

  async request(req: HttpRequest): Promise<HttpResponse> {
    const { deadline } = req;
    if (deadline.expired) throw new SwitchboardError('INTEGRATION_TIMEOUT', `budget expired before the request to ${this.origin}`);
    // undici accepts an EventEmitter as its abort signal (it reads `reason` and listens for 'abort'): cheaper
    // than an AbortController, and only emitted when the request must be torn down.
    const teardown: EventEmitter & { reason?: unknown } = new EventEmitter();
    const off = deadline.onExpire(() => this.teardowns.defer(() => {
      teardown.reason = TEARDOWN_REASON;
      teardown.emit('abort');
    }));
    try {
      const res = await this.pool.request({
        path: req.path,
        method: req.method,
        headers: req.headers,
        body: req.body ?? null,
        signal: teardown,
      });
      const declared = Number(res.headers['content-length']);
      if (declared > this.maxResponseBytes) {
        discard(res.body);
        throw new SwitchboardError('INTEGRATION_BAD_RESPONSE', `answer from ${this.origin} is larger than ${this.maxResponseBytes} bytes`);
      }
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > this.maxResponseBytes) {
          discard(res.body);
          throw new SwitchboardError('INTEGRATION_BAD_RESPONSE', `answer from ${this.origin} is larger than ${this.maxResponseBytes} bytes`);
        }
        chunks.push(buf);
      }
      const ct = res.headers['content-type'];
      return {
        status: res.statusCode,
        headers: res.headers,
        contentType: Array.isArray(ct) ? ct[0] : ct,
        body: chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks, size).toString('utf8'),
      };
    } catch (e) {
      throw mapHttpError(e, deadline, this.origin);
    } finally {
      off();
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Stop reading a body we will not use (the connection is closed; the abort error it reports is expected). */
function discard(body: NodeJS.ReadableStream & { destroy(): void }): void {
  body.on('error', () => undefined);
  body.destroy();
}

function errorCode(e: unknown): string | undefined {
  if (e !== null && typeof e === 'object' && 'code' in e && typeof e.code === 'string') return e.code;
  return undefined;
}

/** Map anything undici or the socket throws to a stable code. */
export function mapHttpError(e: unknown, deadline: Deadline, origin: string): SwitchboardError {
  if (e instanceof SwitchboardError) return e;
  if (deadline.expired) return new SwitchboardError('INTEGRATION_TIMEOUT', `budget expired waiting for ${origin}`, { cause: e });
  let cause: unknown = e;
  let code = errorCode(e);
  // undici wraps socket errors; the useful code (ECONNREFUSED, ECONNRESET, a TLS code) is on the cause.
  while ((code === undefined || code.startsWith('UND_ERR')) && cause instanceof Error && cause.cause !== undefined) {
    cause = cause.cause;
    code = errorCode(cause) ?? code;
  }
  return new SwitchboardError('INTEGRATION_TRANSPORT', `${origin}: ${code ?? (e instanceof Error ? e.message : 'request failed')}`, { cause: e });
}

/** One Pool per upstream key (origin + TLS identity). */
export class HttpClient {
  private readonly upstreams = new Map<string, Upstream>();
  private readonly opts: Required<HttpClientOptions>;
  private readonly teardowns = new TeardownQueue();

  constructor(opts: HttpClientOptions = {}) {
    this.opts = { ...HTTP_CLIENT_DEFAULTS, ...opts };
  }

  /**
   * The upstream for `key` (create it with `options` the first time). Use a key that differs for different TLS
   * identities towards the same origin.
   */
  upstream(key: string, origin: string, options: UpstreamOptions): Upstream {
    let u = this.upstreams.get(key);
    if (!u) {
      const pool = new Pool(origin, {
        connections: options.connections,
        pipelining: 1,
        keepAliveTimeout: this.opts.keepAliveTimeoutMs,
        // The Deadline's signal bounds every request; undici's coarse timers stay off.
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: {
          timeout: this.opts.connectTimeoutMs,
          ...(options.tls?.ca ? { ca: options.tls.ca } : {}),
          ...(options.tls?.cert ? { cert: options.tls.cert } : {}),
          ...(options.tls?.key ? { key: options.tls.key } : {}),
        },
      });
      u = new Upstream(origin, pool, this.opts.maxResponseBytes, this.teardowns);
      this.upstreams.set(key, u);
    }
    return u;
  }

  async close(): Promise<void> {
    const all = [...this.upstreams.values()];
    this.upstreams.clear();
    await Promise.all(all.map((u) => u.close()));
  }
}
