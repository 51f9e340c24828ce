/**
 * An initial INVITE received by the UAS (RFC 3261 §13.3): provisional responses, the answer that creates
 * the dialog (§12.1.1) and its Session, rejection, and CANCEL (§9.2 → 487 Request Terminated).
 */
import { createResponse, newTag, setBody } from '../message/build.js';
import { sdpOf } from '../message/multipart.js';
import type { SipRequest } from '../message/sip-message.js';
import type { InviteServerTransaction } from '../transaction/invite-server.js';
import { uasDialog } from './dialog.js';
import { Session } from './session.js';
import { sessionExpiresHeader, type UasTimerDecision } from './session-timer.js';
import type { UaCore } from './ua-core.js';

export type IncomingInviteState = 'pending' | 'answered' | 'rejected' | 'cancelled';

export interface IncomingInviteHost extends UaCore {
  contactFor(req: SipRequest): string;
  register(session: Session): void;
  done(invite: IncomingInvite): void;
}

export class IncomingInvite {
  state: IncomingInviteState = 'pending';
  readonly localTag = newTag();
  /** The SDP offer, or undefined for a late offer (§13.2.1: we offer in the 2xx, the answer comes in the ACK). */
  readonly offer: string | undefined;
  /** Called once if the caller cancels before we answer. */
  onCancel?: () => void;
  /** Admission result attached by the engine (e.g. the trunk name). */
  trunk?: string;

  constructor(
    readonly request: SipRequest,
    readonly tx: InviteServerTransaction,
    private readonly host: IncomingInviteHost,
    private readonly timerDecision: UasTimerDecision,
  ) {
    this.offer = sdpOf(request);
    tx.events.onAckTimeout = () => undefined;
  }

  /** 180 Ringing or 183 Session Progress (with early-media SDP). */
  progress(status: 180 | 183 = 180, sdp?: string): void {
    if (this.state !== 'pending') return;
    const res = createResponse(this.request, status, undefined, this.localTag);
    res.headers.set('Contact', this.host.contactFor(this.request));
    if (sdp) setBody(res, 'application/sdp', sdp);
    this.host.respond(this.tx, res);
  }

  /** Answer with 200 OK carrying our answer (or our offer, for a late-offer INVITE). */
  answer(sdp: string, extraHeaders: [string, string][] = []): Session {
    if (this.state !== 'pending') throw new Error(`cannot answer an INVITE that is ${this.state}`);
    this.state = 'answered';
    const res = createResponse(this.request, 200, undefined, this.localTag);
    const contact = this.host.contactFor(this.request);
    res.headers.set('Contact', contact);
    res.headers.set('Allow', this.host.allow);
    res.headers.set('Supported', this.host.supported);
    if (this.timerDecision.kind === 'use') {
      res.headers.set('Session-Expires', sessionExpiresHeader(this.timerDecision.plan));
      // RFC 4028 §9: Require: timer only when the UAC supports it and is the refresher.
      if (this.timerDecision.peerSupports && this.timerDecision.plan.refresher === 'uac') res.headers.set('Require', 'timer');
    }
    for (const [k, v] of extraHeaders) res.headers.set(k, v);
    setBody(res, 'application/sdp', sdp);
    const dialog = uasDialog(this.request, res, this.localTag, contact);
    const session = new Session(dialog, this.host);
    session.localSdp = sdp;
    this.host.register(session);
    this.host.respond(this.tx, res);
    session.awaitAck(this.tx, this.offer === undefined);
    session.startTimer(this.timerDecision.kind === 'use' ? this.timerDecision.plan : undefined);
    this.host.done(this);
    return session;
  }

  reject(status: number, reason?: string, headers: [string, string][] = []): void {
    if (this.state !== 'pending') return;
    this.state = 'rejected';
    const res = createResponse(this.request, status, reason, this.localTag);
    for (const [k, v] of headers) res.headers.add(k, v);
    this.host.respond(this.tx, res);
    this.host.done(this);
  }

  /** §9.2: CANCEL for a pending INVITE → 487 to the INVITE (the CANCEL itself got its 200 already). */
  cancelled(): void {
    if (this.state !== 'pending') return;
    this.state = 'cancelled';
    this.host.respond(this.tx, createResponse(this.request, 487, undefined, this.localTag));
    this.host.done(this);
    this.onCancel?.();
  }
}
