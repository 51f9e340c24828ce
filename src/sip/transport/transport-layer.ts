/**
 * The transport layer (RFC 3261 §18): owns the listeners, parses what arrives, stamps received/rport on
 * requests (§18.2.1, RFC 3581 §4), answers unparseable-but-answerable requests with 400 (never throws), and
 * routes responses back per §18.2.2.
 */
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { parseMessage } from '../message/parse.js';
import { serialize } from '../message/serialize.js';
import { createResponse } from '../message/build.js';
import { hasResponseHeaders } from '../message/validate.js';
import type { MessageSource, SipMessage, SipRequest, SipResponse, TransportName } from '../message/sip-message.js';
import { formatVia, parseVia } from '../message/via.js';
import { bareHost } from '../message/uri.js';
import { UdpTransport } from './udp.js';
import { StreamTransport, type TlsOptions } from './stream.js';
import type { Destination, ListenSpec, RawInbound, Transport } from './transport.js';

export interface TransportLayerOptions {
  listen: ListenSpec[];
  publicAddress: string;
  maxMessageBytes: number;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  tls?: TlsOptions;
  logger: Logger;
  metrics: Metrics;
}

export type MessageHandler = (msg: SipMessage) => void;

export class TransportLayer {
  private readonly transports = new Map<TransportName, Transport>();
  private handler: MessageHandler = () => undefined;
  /** Called when a message arrived malformed and was answered or dropped (for the admission gate's counters). */
  onSendFailure: (dest: Destination, e: Error) => void = () => undefined;

  constructor(private readonly opts: TransportLayerOptions) {}

  onMessage(handler: MessageHandler): void {
    this.handler = handler;
  }

  async start(): Promise<void> {
    const onRaw = (raw: RawInbound): void => this.receive(raw);
    for (const spec of this.opts.listen) {
      if (this.transports.has(spec.transport)) continue; // one listener per transport for now
      const onError = (e: Error, dest?: Destination): void => {
        this.opts.logger.warn({ err: e.message, transport: spec.transport }, 'sip transport error');
        if (dest) this.onSendFailure(dest, e);
      };
      const t = spec.transport === 'udp'
        ? await UdpTransport.listen(spec, onRaw, onError)
        : await StreamTransport.listen(spec, {
          maxMessageBytes: this.opts.maxMessageBytes, idleTimeoutMs: this.opts.idleTimeoutMs,
          connectTimeoutMs: this.opts.connectTimeoutMs, ...(this.opts.tls ? { tls: this.opts.tls } : {}),
        }, onRaw, onError);
      this.transports.set(spec.transport, t);
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.transports.values()].map((t) => t.close()));
    this.transports.clear();
  }

  isReliable(name: TransportName): boolean {
    return name !== 'udp';
  }

  has(name: TransportName): boolean {
    return this.transports.has(name);
  }

  localPort(name: TransportName): number | undefined {
    return this.transports.get(name)?.local.port;
  }

  /** A Via for a request we send (§18.1.1; RFC 3581 rport requested). */
  viaFor(name: TransportName, branch: string): string {
    const port = this.transports.get(name)?.local.port ?? 5060;
    return `SIP/2.0/${name.toUpperCase()} ${this.opts.publicAddress}:${port};branch=${branch};rport`;
  }

  /**
   * Contact URI for this transport (§8.1.1.8). `sips:` only when the dialog is SIPS (§12.1.1: a sips
   * Request-URI); a plain sip: request over TLS gets `sip:…;transport=tls` (RFC 5630 §3.1.3).
   */
  contactUri(name: TransportName, secure = false, user?: string): string {
    const port = this.transports.get(name)?.local.port ?? 5060;
    const u = user ? `${user}@` : '';
    if (secure && name === 'tls') return `sips:${u}${this.opts.publicAddress}:${port}`;
    return `sip:${u}${this.opts.publicAddress}:${port}${name === 'udp' ? '' : `;transport=${name}`}`;
  }

  private receive(raw: RawInbound): void {
    const { source } = raw;
    const r = parseMessage(raw.data, { framing: raw.framed ? 'exact' : 'datagram', maxBytes: this.opts.maxMessageBytes });
    const msg = r.message;
    if (!msg) {
      this.opts.metrics.sipParseErrors.inc({ transport: source.transport, action: 'dropped' });
      return;
    }
    msg.source = source;
    this.opts.metrics.sipMessagesIn.inc({ transport: source.transport, kind: msg.kind === 'request' ? msg.method : 'response' });
    if (msg.kind === 'request') this.stampVia(msg, source);
    if (r.error) {
      if (msg.kind === 'request' && msg.method !== 'ACK' && hasResponseHeaders(msg)) {
        this.opts.metrics.sipParseErrors.inc({ transport: source.transport, action: 'answered' });
        this.sendResponse(createResponse(msg, r.error.status, r.error.reason), source);
      } else this.opts.metrics.sipParseErrors.inc({ transport: source.transport, action: 'dropped' });
      return;
    }
    try {
      this.handler(msg);
    } catch (e) {
      // A bug above us must never take the process down with a peer's message.
      this.opts.logger.error({ err: e instanceof Error ? e.stack : String(e), callId: msg.callId }, 'sip message handler failed');
      if (msg.kind === 'request' && msg.method !== 'ACK' && hasResponseHeaders(msg)) {
        this.sendResponse(createResponse(msg, 500, 'Server Internal Error'), source);
      }
    }
  }

  /** §18.2.1: add `received` when the sent-by host differs from the packet source; fill `rport` (RFC 3581 §4). */
  private stampVia(req: SipRequest, source: MessageSource): void {
    const top = req.headers.get('via');
    if (top === undefined) return;
    const via = parseVia(top);
    if (!via) return;
    let changed = false;
    if (bareHost(via.host) !== source.address) {
      via.params.set('received', source.address);
      changed = true;
    }
    if (via.params.has('rport') && via.params.get('rport') === null) {
      via.params.set('rport', String(source.port));
      via.params.set('received', source.address);
      changed = true;
    }
    if (changed) {
      const all = req.headers.getAll('via');
      all[0] = formatVia(via);
      req.headers.set('via', all);
      req.invalidate();
    }
  }

  send(msg: SipMessage, dest: Destination): void {
    const t = this.transports.get(dest.transport);
    if (!t) {
      this.opts.logger.warn({ transport: dest.transport }, 'no listener for transport; message not sent');
      this.onSendFailure(dest, new Error(`no ${dest.transport} listener`));
      return;
    }
    this.opts.metrics.sipMessagesOut.inc({ transport: dest.transport, kind: msg.kind === 'request' ? msg.method : 'response' });
    try {
      t.send(serialize(msg), dest);
    } catch (e) {
      this.onSendFailure(dest, e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** §18.2.2 response routing (with RFC 3581 rport). */
  sendResponse(res: SipResponse, requestSource: MessageSource): void {
    this.send(res, responseDestination(res, requestSource));
  }
}

export function responseDestination(res: SipResponse, src: MessageSource): Destination {
  if (src.transport !== 'udp') {
    return { transport: src.transport, address: src.address, port: src.port, ...(src.connectionId ? { connectionId: src.connectionId } : {}) };
  }
  const via = res.topVia;
  if (!via) return { transport: 'udp', address: src.address, port: src.port };
  const received = via.params.get('received');
  const rport = via.params.get('rport');
  const address = received ?? bareHost(via.host);
  const port = rport ? Number(rport) : (via.port ?? 5060);
  return { transport: 'udp', address, port };
}
