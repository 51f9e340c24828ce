/**
 * A UaCore for driving a Session (or refer()) alone under fake time: what the session sends is recorded with
 * the client-transaction user it came with, so the test plays the peer by calling that user's onResponse.
 * In-dialog requests from the peer are written as literal SIP and handed to Session.handleRequest with a
 * real server transaction on a FakeTransactionContext.
 */
import { silentLogger } from '../../src/observability/logger.js';
import { createResponse } from '../../src/sip/message/build.js';
import { UAS_CAPABILITIES } from '../../src/sip/message/capabilities.js';
import { parseMessage } from '../../src/sip/message/parse.js';
import type { SipRequest, SipResponse } from '../../src/sip/message/sip-message.js';
import { Dialog } from '../../src/sip/dialog/dialog.js';
import type { SessionTimerConfig } from '../../src/sip/dialog/session-timer.js';
import type { UaCore } from '../../src/sip/dialog/ua-core.js';
import type { ClientTransactionUser } from '../../src/sip/transaction/invite-client.js';
import { InviteServerTransaction } from '../../src/sip/transaction/invite-server.js';
import { NonInviteServerTransaction } from '../../src/sip/transaction/non-invite-server.js';
import type { ServerTransaction } from '../../src/sip/transaction/transaction-layer.js';
import { FakeTimers } from './fake-timers.js';
import { FakeTransactionContext } from './fake-transaction-context.js';
import { sipText, sourceOf } from './sip-text.js';

export interface SentInDialog {
  req: SipRequest;
  user: ClientTransactionUser;
  /** Fake time at which it was sent. */
  at: number;
}

export class FakeUaCore implements UaCore {
  readonly timers = new FakeTimers();
  readonly logger = silentLogger();
  readonly allow = UAS_CAPABILITIES.allow.join(', ');
  readonly supported = UAS_CAPABILITIES.supported.join(', ');
  readonly sent: SentInDialog[] = [];
  readonly acks: SipRequest[] = [];
  readonly responses: SipResponse[] = [];
  readonly forgotten: string[] = [];
  /** Transactions for the peer's requests: their own clock, so Timer L can be run separately. */
  readonly txContext = new FakeTransactionContext();

  constructor(readonly sessionTimers: SessionTimerConfig = { enabled: true, sessionExpires: 90, minSE: 90 }) {}

  sendInDialog(_dialog: Dialog, req: SipRequest, user: ClientTransactionUser): void {
    this.sent.push({ req, user, at: this.timers.now() });
  }

  sendAck(_dialog: Dialog, ack: SipRequest): void {
    this.acks.push(ack);
  }

  respond(tx: ServerTransaction, res: SipResponse): void {
    this.responses.push(res);
    tx.respond(res);
  }

  sendOutOfDialog(req: SipRequest, _dest: unknown, user: ClientTransactionUser): void {
    this.sent.push({ req, user, at: this.timers.now() });
  }

  forget(id: string): void {
    this.forgotten.push(id);
  }

  /** Methods of what the session sent, in order. */
  sentMethods(): string[] {
    return this.sent.map((s) => s.req.method);
  }

  /** The peer answers the last request of this method with `status` (and optional headers/body). */
  answerLast(method: string, status: number, headers: [string, string][] = [], body?: string): SipResponse {
    const s = [...this.sent].reverse().find((x) => x.req.method === method);
    if (!s) throw new Error(`nothing sent with method ${method}`);
    const res = createResponse(s.req, status, undefined, 'ours-peer');
    for (const [k, v] of headers) res.headers.add(k, v);
    if (body !== undefined) {
      res.body = Buffer.from(body);
      res.headers.set('Content-Type', 'application/sdp');
    }
    s.user.onResponse(res);
    return res;
  }

  /** Server transaction for a request the peer sent (INVITE gets an INVITE server transaction). */
  serverTx(req: SipRequest): ServerTransaction {
    const src = sourceOf('udp');
    return req.method === 'INVITE'
      ? new InviteServerTransaction(this.txContext, `k-${this.responses.length}-${req.cseq?.seq}`, req, src, false)
      : new NonInviteServerTransaction(this.txContext, `k-${this.responses.length}-${req.cseq?.seq}`, req, src);
  }
}

export const PEER = '<sip:pbx@192.0.2.101>;tag=theirs';
export const US = '<sip:service@198.51.100.1>;tag=ours';
export const CALL_ID = 'dialog-test@192.0.2.101';

/** A confirmed dialog with the PBX at 192.0.2.101; `role` is ours. */
export function testDialog(role: 'uac' | 'uas'): Dialog {
  const d = new Dialog({
    role, callId: CALL_ID, localTag: 'ours', remoteTag: 'theirs', localParty: US, remoteParty: PEER,
    remoteTarget: 'sip:pbx@192.0.2.101:5060', routeSet: [], localSeq: role === 'uac' ? 1 : 0, remoteSeq: role === 'uas' ? 1 : 0,
    secure: false, flow: sourceOf('udp'), contact: '<sip:198.51.100.1:5060>',
  });
  d.state = 'confirmed';
  return d;
}

let branch = 0;

/** A request the peer sends inside the test dialog. */
export function peerRequest(method: string, seq: number, headers: string[] = [], body?: { type: string; text: string }): SipRequest {
  const lines = [
    `${method} sip:service@198.51.100.1:5060 SIP/2.0`,
    `Via: SIP/2.0/UDP 192.0.2.101:5060;branch=z9hG4bK-peer-${++branch}`,
    'Max-Forwards: 70',
    `From: ${PEER}`,
    `To: ${US}`,
    `Call-ID: ${CALL_ID}`,
    `CSeq: ${seq} ${method}`,
    ...(headers.some((h) => /^contact:/i.test(h)) ? [] : ['Contact: <sip:pbx@192.0.2.101:5060>']),
    ...headers,
    ...(body ? [`Content-Type: ${body.type}`] : []),
    `Content-Length: ${body ? Buffer.byteLength(body.text) : 0}`,
  ];
  const r = parseMessage(Buffer.from(sipText(lines) + (body?.text ?? '')), { framing: 'datagram', maxBytes: 65535 });
  if (!r.message || r.error || r.message.kind !== 'request') throw new Error(`peer request did not parse: ${r.error?.reason ?? ''}`);
  r.message.source = sourceOf('udp');
  return r.message;
}

/** The peer's ACK for our 2xx to its INVITE with CSeq `seq`. */
export function peerAck(seq: number, body?: { type: string; text: string }): SipRequest {
  return peerRequest('ACK', seq, [], body);
}
