/**
 * A dialog (RFC 3261 §12): identified by Call-ID + local tag + remote tag, it holds the route set, the
 * remote target and both CSeq spaces, and builds in-dialog requests (§12.2.1.1).
 */
import { SipHeaders } from '../message/headers.js';
import { SipRequest, type MessageSource, type SipResponse, type TransportName } from '../message/sip-message.js';
import { parseNameAddr } from '../message/name-addr.js';
import { bareHost, formatUri, type Uri } from '../message/uri.js';
import type { Destination } from '../transport/transport.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';

export interface DialogInit {
  role: 'uas' | 'uac';
  callId: string;
  localTag: string;
  remoteTag: string;
  /** Our From/To header value (with our tag). */
  localParty: string;
  /** Their From/To header value (with their tag). */
  remoteParty: string;
  remoteTarget: string;
  routeSet: string[];
  localSeq: number;
  remoteSeq: number;
  secure: boolean;
  /** Where the dialog-forming request/response came from: in-dialog requests reuse the flow (RFC 5923 spirit). */
  flow: MessageSource | Destination;
  contact: string;
}

export function dialogId(callId: string, localTag: string, remoteTag: string): string {
  return `${callId}|${localTag}|${remoteTag}`;
}

export class Dialog {
  state: DialogState = 'early';
  readonly role: 'uas' | 'uac';
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly localParty: string;
  readonly remoteParty: string;
  remoteTarget: string;
  readonly routeSet: string[];
  localSeq: number;
  remoteSeq: number;
  readonly secure: boolean;
  readonly flow: MessageSource | Destination;
  readonly contact: string;

  constructor(init: DialogInit) {
    this.role = init.role;
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.localParty = init.localParty;
    this.remoteParty = init.remoteParty;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.secure = init.secure;
    this.flow = init.flow;
    this.contact = init.contact;
  }

  get id(): string {
    return dialogId(this.callId, this.localTag, this.remoteTag);
  }

  /**
   * §12.2.2: a request whose CSeq is lower than the remote sequence is out of order (500); equal is a
   * retransmission handled by the transaction layer. Updates remoteSeq.
   */
  acceptRemoteSeq(seq: number): boolean {
    if (seq < this.remoteSeq) return false;
    this.remoteSeq = seq;
    return true;
  }

  /** §12.2.1.1: build a request within the dialog. The caller adds Via (transport layer) and body. */
  createRequest(method: string, seq?: number): SipRequest {
    const h = new SipHeaders();
    let uri = this.remoteTarget;
    // §12.2.1.1 loose routing: Request-URI = remote target, Route = route set. (Strict routers are history.)
    const first = this.routeSet[0];
    if (first !== undefined) {
      const na = parseNameAddr(first);
      if (na && !na.uri.params.has('lr')) {
        // Strict routing (RFC 2543 proxy): first route becomes the Request-URI, remote target goes last.
        uri = formatUri({ ...na.uri, params: new Map([...na.uri.params].filter(([k]) => k !== 'method' && k !== 'maddr')) });
        for (const r of this.routeSet.slice(1)) h.add('Route', r);
        h.add('Route', `<${this.remoteTarget}>`);
      } else for (const r of this.routeSet) h.add('Route', r);
    }
    h.set('Max-Forwards', '70');
    h.set('From', this.localParty);
    h.set('To', this.remoteParty);
    h.set('Call-ID', this.callId);
    const cseq = seq ?? (method === 'ACK' || method === 'CANCEL' ? this.localSeq : ++this.localSeq);
    h.set('CSeq', `${cseq} ${method}`);
    if (method !== 'ACK' && method !== 'CANCEL' && method !== 'BYE') h.set('Contact', this.contact);
    return new SipRequest(method, uri, h);
  }

  /** Where an in-dialog request goes: the first loose route, else the remote target; the arrival flow when it is a stream. */
  destination(): Destination {
    const f = this.flow;
    if (f.transport !== 'udp' && 'connectionId' in f && f.connectionId) {
      return { transport: f.transport, address: f.address, port: f.port, connectionId: f.connectionId };
    }
    const next = this.routeSet[0] ?? `<${this.remoteTarget}>`;
    const uri = parseNameAddr(next)?.uri;
    if (!uri) return { transport: f.transport, address: f.address, port: f.port };
    return uriDestination(uri, f.transport);
  }

  /** §12.2.1.2 / §12.2.2: a target refresh (re-INVITE, UPDATE) may change the remote target. */
  refreshTarget(contact: string | undefined): void {
    const na = contact ? parseNameAddr(contact) : undefined;
    if (na) this.remoteTarget = formatUri(na.uri);
  }
}

/** RFC 3263 without DNS: the URI's host and port, transport from its `transport` param or scheme. */
export function uriDestination(uri: Uri, fallback: TransportName): Destination {
  const tp = uri.params.get('transport')?.toLowerCase();
  const transport: TransportName = uri.scheme === 'sips' ? 'tls' : tp === 'tcp' ? 'tcp' : tp === 'tls' ? 'tls' : tp === 'udp' ? 'udp' : fallback;
  const port = uri.port ?? (transport === 'tls' ? 5061 : 5060);
  return { transport, address: bareHost(uri.params.get('maddr') ?? uri.host), port };
}

/** Build a UAS dialog from the request and our 2xx/1xx (§12.1.1). */
export function uasDialog(req: SipRequest, res: SipResponse, localTag: string, contact: string): Dialog {
  const remoteContact = parseNameAddr(req.headers.get('contact') ?? '');
  return new Dialog({
    role: 'uas',
    callId: req.callId,
    localTag,
    remoteTag: req.fromTag ?? '',
    localParty: res.headers.get('to') ?? '',
    remoteParty: req.headers.get('from') ?? '',
    remoteTarget: remoteContact ? formatUri(remoteContact.uri) : req.uri,
    routeSet: [...req.headers.getAll('record-route')],
    localSeq: 0,
    remoteSeq: req.cseq?.seq ?? 0,
    secure: req.requestUri?.scheme === 'sips',
    flow: req.source ?? { transport: 'udp', address: '127.0.0.1', port: 5060 },
    contact,
  });
}

/** Build a UAC dialog from our INVITE and their 2xx/1xx (§12.1.2): route set reversed. */
export function uacDialog(req: SipRequest, res: SipResponse, dest: Destination, contact: string): Dialog {
  const remoteContact = parseNameAddr(res.headers.get('contact') ?? '');
  return new Dialog({
    role: 'uac',
    callId: req.callId,
    localTag: req.fromTag ?? '',
    remoteTag: res.toTag ?? '',
    localParty: req.headers.get('from') ?? '',
    remoteParty: res.headers.get('to') ?? '',
    remoteTarget: remoteContact ? formatUri(remoteContact.uri) : req.uri,
    routeSet: [...res.headers.getAll('record-route')].reverse(),
    localSeq: req.cseq?.seq ?? 1,
    remoteSeq: 0,
    secure: req.requestUri?.scheme === 'sips',
    flow: res.source && res.source.transport !== 'udp' ? res.source : dest,
    contact,
  });
}
