/**
 * TCP and TLS transports (RFC 3261 §18, §26.2.1). Connections are reused in both directions: a response
 * goes back on the connection its request came in on (§18.2.2), and requests to a peer we already hold a
 * connection with use it. Idle connections close after `idleTimeoutMs`.
 */
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect, type TLSSocket, type SecureContextOptions } from 'node:tls';
import { StreamFramer } from './stream-framer.js';
import type { Destination, InboundHandler, ListenSpec, Transport } from './transport.js';

export interface TlsOptions extends SecureContextOptions {
  minVersion: 'TLSv1.2' | 'TLSv1.3';
  requestCert: boolean;
}

export interface StreamOptions {
  maxMessageBytes: number;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  tls?: TlsOptions;
}

/** TLS 1.2 suites limited to AEAD (GCM / ChaCha20-Poly1305) with forward secrecy; TLS 1.3 suites are all AEAD. */
export const AEAD_CIPHERS = [
  'TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256',
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

interface Conn {
  id: string;
  socket: Socket;
  /** Every peer key this connection is found under (its remote address, and the destination it was opened for). */
  keys: Set<string>;
  ready: boolean;
  queue: Buffer[];
  idle?: NodeJS.Timeout;
}

let nextConnId = 1;

export class StreamTransport implements Transport {
  readonly reliable = true;
  local = { address: '', port: 0 };
  private server?: Server;
  private readonly conns = new Map<string, Conn>();
  private readonly byPeer = new Map<string, Conn>();

  private constructor(
    readonly name: 'tcp' | 'tls',
    private readonly opts: StreamOptions,
    private readonly onMessage: InboundHandler,
    private readonly onError: (e: Error, dest?: Destination) => void,
  ) {}

  static async listen(
    spec: ListenSpec, opts: StreamOptions, onMessage: InboundHandler, onError: (e: Error, dest?: Destination) => void,
  ): Promise<StreamTransport> {
    const name = spec.transport === 'tls' ? 'tls' : 'tcp';
    const t = new StreamTransport(name, opts, onMessage, onError);
    const server = name === 'tls'
      ? createTlsServer({ ...opts.tls, ciphers: AEAD_CIPHERS, minVersion: opts.tls?.minVersion ?? 'TLSv1.2', requestCert: opts.tls?.requestCert ?? false, rejectUnauthorized: false }, (s) => t.adopt(s, true))
      : createServer((s) => t.adopt(s, true));
    t.server = server;
    if (name === 'tls') server.on('tlsClientError', () => { /* failed handshakes are the peer's problem */ });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(spec.port, spec.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const addr = server.address();
    if (addr && typeof addr === 'object') t.local = { address: addr.address, port: addr.port };
    return t;
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  private adopt(socket: Socket, ready: boolean): Conn {
    const id = `${this.name}-${nextConnId++}`;
    const conn: Conn = { id, socket, keys: new Set(), ready, queue: [] };
    this.conns.set(id, conn);
    // A client socket has no remote address until it connects; open() registers the destination key.
    if (socket.remoteAddress) this.alias(conn, `${socket.remoteAddress}:${socket.remotePort}`);
    socket.setNoDelay(true);
    const framer = new StreamFramer(this.opts.maxMessageBytes);
    const tlsSocket = this.name === 'tls' ? (socket as TLSSocket) : undefined;
    socket.on('data', (chunk: Buffer) => {
      this.touch(conn);
      for (const ev of framer.push(chunk)) {
        if (ev.type === 'ping') socket.write('\r\n');
        else if (ev.type === 'error') socket.destroy();
        else {
          const source = {
            transport: this.name, address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0,
            localAddress: this.local.address, localPort: this.local.port, connectionId: id,
          } as const;
          if (tlsSocket) {
            const cert = tlsSocket.getPeerCertificate?.();
            const cn = cert && typeof cert.subject?.CN === 'string' ? cert.subject.CN : undefined;
            this.onMessage({ data: ev.data, framed: true, source: { ...source, tlsPeer: { authorized: tlsSocket.authorized, ...(cn ? { subjectCN: cn } : {}) } } });
          } else this.onMessage({ data: ev.data, framed: true, source });
        }
      }
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      if (conn.idle) clearTimeout(conn.idle);
      this.conns.delete(id);
      for (const k of conn.keys) if (this.byPeer.get(k) === conn) this.byPeer.delete(k);
    });
    this.touch(conn);
    return conn;
  }

  private alias(conn: Conn, key: string): void {
    conn.keys.add(key);
    this.byPeer.set(key, conn);
  }

  private touch(conn: Conn): void {
    if (conn.idle) clearTimeout(conn.idle);
    conn.idle = setTimeout(() => conn.socket.destroy(), this.opts.idleTimeoutMs);
    conn.idle.unref();
  }

  send(data: Buffer, dest: Destination): void {
    let conn = dest.connectionId ? this.conns.get(dest.connectionId) : undefined;
    conn ??= this.byPeer.get(`${dest.address}:${dest.port}`);
    conn ??= this.open(dest);
    this.touch(conn);
    if (conn.socket.destroyed || conn.socket.writableEnded) {
      this.onError(new Error('connection closed'), dest);
      return;
    }
    if (conn.ready) conn.socket.write(data);
    else conn.queue.push(data);
  }

  private open(dest: Destination): Conn {
    const socket = this.name === 'tls'
      ? tlsConnect({
        ...this.opts.tls, host: dest.address, port: dest.port, ciphers: AEAD_CIPHERS,
        minVersion: this.opts.tls?.minVersion ?? 'TLSv1.2', servername: dest.serverName ?? (/^[0-9.:]+$/.test(dest.address) ? undefined : dest.address),
        rejectUnauthorized: true,
      })
      : netConnect({ host: dest.address, port: dest.port });
    const conn = this.adopt(socket, false);
    this.alias(conn, `${dest.address}:${dest.port}`);
    const timer = setTimeout(() => socket.destroy(new Error('connect timeout')), this.opts.connectTimeoutMs);
    timer.unref();
    socket.once(this.name === 'tls' ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      conn.ready = true;
      for (const b of conn.queue) socket.write(b);
      conn.queue = [];
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      this.onError(e, dest);
    });
    // Writes after the peer went away fail asynchronously: report every such failure, not just the first.
    socket.on('close', (hadError) => {
      if (conn.queue.length > 0 || hadError) this.onError(new Error('connection closed'), dest);
    });
    return conn;
  }

  async close(): Promise<void> {
    for (const c of this.conns.values()) c.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
