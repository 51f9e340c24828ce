import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** A real upstream for integration tests: node:http(s) on 127.0.0.1, port 0, recording every request. */

export const CERTS = new URL('../../../certs/', import.meta.url).pathname;

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** CN of the verified client certificate (mTLS servers). */
  clientCn?: string;
}

export type Handler = (req: SeenRequest, res: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

export interface TestUpstream {
  readonly origin: string;
  readonly requests: SeenRequest[];
  handler: Handler;
  close(): Promise<void>;
}

export interface UpstreamOptions {
  /** Serve HTTPS with certs/server.crt; `requireClientCert` also demands a client certificate signed by certs/ca.crt. */
  https?: { requireClientCert?: boolean };
}

export async function startUpstream(handler: Handler, opts: UpstreamOptions = {}): Promise<TestUpstream> {
  const requests: SeenRequest[] = [];
  const state = { handler };
  const listener = (raw: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    raw.on('data', (c: Buffer) => chunks.push(c));
    raw.on('end', () => {
      const seen: SeenRequest = { method: raw.method ?? '', url: raw.url ?? '', headers: raw.headers, body: Buffer.concat(chunks).toString('utf8') };
      const sock = raw.socket as Partial<TLSSocket>;
      if (typeof sock.getPeerCertificate === 'function' && sock.authorized === true) seen.clientCn = String(sock.getPeerCertificate().subject.CN);
      requests.push(seen);
      void Promise.resolve(state.handler(seen, res, raw)).catch(() => res.destroy());
    });
  };
  let server: Server;
  if (opts.https) {
    server = createHttpsServer({
      cert: readFileSync(`${CERTS}server.crt`),
      key: readFileSync(`${CERTS}server.key`),
      ...(opts.https.requireClientCert ? { ca: readFileSync(`${CERTS}ca.crt`), requestCert: true, rejectUnauthorized: true } : {}),
    }, listener);
  } else {
    server = createHttpServer(listener);
  }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${opts.https ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    get handler() { return state.handler; },
    set handler(h: Handler) { state.handler = h; },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A promise plus its resolve, for handlers that wait until the test lets them answer. */
export function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((r) => { open = r; });
  return { wait, open };
}

/** Let pending I/O callbacks run (a real-time pause, for "no request arrived" checks). */
export function settle(ms = 20): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
