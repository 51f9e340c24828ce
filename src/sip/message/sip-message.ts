/**
 * SIP requests and responses (RFC 3261 §7). Structured views of the headers every layer needs (Via,
 * From/To tags, CSeq, Call-ID) are parsed on first use and cached.
 */
import { SipHeaders } from './headers.js';
import { type NameAddr, parseNameAddr } from './name-addr.js';
import { type Via, parseVia } from './via.js';
import { type Uri, parseUri } from './uri.js';

export type TransportName = 'udp' | 'tcp' | 'tls';

/** Where a message came from (or goes to). */
export interface Endpoint {
  transport: TransportName;
  address: string;
  port: number;
}

export interface MessageSource extends Endpoint {
  localAddress: string;
  localPort: number;
  /** Stream transports: the connection it arrived on (responses go back on it, §18.2.2). */
  connectionId?: string;
  tlsPeer?: { authorized: boolean; subjectCN?: string };
}

export interface CSeq {
  seq: number;
  method: string;
}

abstract class SipMessageBase {
  headers: SipHeaders;
  body: Buffer;
  source?: MessageSource;
  private viaCache?: Via | null;
  private fromCache?: NameAddr | null;
  private toCache?: NameAddr | null;
  private cseqCache?: CSeq | null;

  constructor(headers: SipHeaders, body: Buffer) {
    this.headers = headers;
    this.body = body;
  }

  get callId(): string {
    return this.headers.get('call-id') ?? '';
  }

  /** The top Via (the one this element's transaction layer uses), or undefined if absent/malformed. */
  get topVia(): Via | undefined {
    if (this.viaCache === undefined) {
      const v = this.headers.get('via');
      this.viaCache = (v !== undefined ? parseVia(v) : undefined) ?? null;
    }
    return this.viaCache ?? undefined;
  }

  get from(): NameAddr | undefined {
    if (this.fromCache === undefined) {
      const v = this.headers.get('from');
      this.fromCache = (v !== undefined ? parseNameAddr(v) : undefined) ?? null;
    }
    return this.fromCache ?? undefined;
  }

  get to(): NameAddr | undefined {
    if (this.toCache === undefined) {
      const v = this.headers.get('to');
      this.toCache = (v !== undefined ? parseNameAddr(v) : undefined) ?? null;
    }
    return this.toCache ?? undefined;
  }

  get fromTag(): string | undefined {
    return this.from?.params.get('tag') ?? undefined;
  }

  get toTag(): string | undefined {
    return this.to?.params.get('tag') ?? undefined;
  }

  get cseq(): CSeq | undefined {
    if (this.cseqCache === undefined) {
      const v = this.headers.get('cseq');
      const m = v !== undefined ? /^\s*([0-9]{1,10})\s+([A-Za-z0-9.!%*_+`'~-]+)\s*$/.exec(v) : null;
      this.cseqCache = m ? { seq: Number(m[1]), method: m[2] as string } : null;
    }
    return this.cseqCache ?? undefined;
  }

  /** Forget cached views after editing headers. */
  invalidate(): void {
    this.viaCache = undefined;
    this.fromCache = undefined;
    this.toCache = undefined;
    this.cseqCache = undefined;
  }

  get contentType(): string | undefined {
    return this.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  }
}

export class SipRequest extends SipMessageBase {
  readonly kind = 'request' as const;
  method: string;
  uri: string;
  private uriCache?: Uri | null;

  constructor(method: string, uri: string, headers = new SipHeaders(), body: Buffer = EMPTY) {
    super(headers, body);
    this.method = method;
    this.uri = uri;
  }

  get requestUri(): Uri | undefined {
    if (this.uriCache === undefined) this.uriCache = parseUri(this.uri) ?? null;
    return this.uriCache ?? undefined;
  }

  setUri(uri: string): void {
    this.uri = uri;
    this.uriCache = undefined;
  }
}

export class SipResponse extends SipMessageBase {
  readonly kind = 'response' as const;
  status: number;
  reason: string;

  constructor(status: number, reason: string, headers = new SipHeaders(), body: Buffer = EMPTY) {
    super(headers, body);
    this.status = status;
    this.reason = reason;
  }
}

export type SipMessage = SipRequest | SipResponse;

export const EMPTY = Buffer.alloc(0);
