/**
 * The INVITE dialog usage once a call is answered (RFC 3261 §12-§15; RFC 3311 UPDATE; RFC 4028 session
 * timers; RFC 6086 INFO). One owner of: BYE in either direction, target-refresh re-INVITE/UPDATE (hold and
 * unhold arrive this way), session refresh and expiry, INFO, in-dialog OPTIONS.
 */
import type { TimerHandle } from '../../shared/timers.js';
import { createResponse, setBody } from '../message/build.js';
import { sdpOf } from '../message/multipart.js';
import type { SipRequest, SipResponse } from '../message/sip-message.js';
import type { InviteServerTransaction } from '../transaction/invite-server.js';
import type { ServerTransaction } from '../transaction/transaction-layer.js';
import type { Dialog } from './dialog.js';
import { expiryDelayMs, negotiateAsUas, readAnswerAsUac, refreshDelayMs, sessionExpiresHeader, type SessionTimerPlan } from './session-timer.js';
import type { UaCore } from './ua-core.js';

export type SessionEndReason =
  | 'remote-bye' | 'local-bye' | 'ack-timeout' | 'session-expired' | 'refresh-failed' | 'transport-failure' | 'shutdown';

export type OfferAnswer = { sdp: string } | { status: number; reason: string; warning?: string };

export interface SessionHandlers {
  /** A new offer in a re-INVITE or UPDATE (or none: a re-INVITE without SDP wants our offer, §14.2). */
  onOffer?(offer: string | undefined): OfferAnswer;
  /** The answer to the offer we made in our 2xx to a late-offer (re-)INVITE, carried by the ACK. */
  onLateAnswer?(answer: string | undefined): void;
  onInfo?(req: SipRequest): void;
  onNotify?(req: SipRequest): void;
  onEnded?(reason: SessionEndReason): void;
}

export class Session {
  handlers: SessionHandlers = {};
  localSdp: string | undefined;
  private pendingInvite?: { tx: InviteServerTransaction; lateOffer: boolean };
  private outgoingReinvite = false;
  private timer?: SessionTimerPlan;
  private timerHandle?: TimerHandle;
  private ended = false;
  /** Set when the dialog-forming 2xx was sent; cleared when its ACK arrives. */
  private lastAck?: SipRequest;

  constructor(readonly dialog: Dialog, readonly core: UaCore) {}

  get isEnded(): boolean {
    return this.ended;
  }

  /** Start the refresh/expiry schedule negotiated for this session (§10). */
  startTimer(plan: SessionTimerPlan | undefined): void {
    this.timer = plan;
    this.timerHandle?.cancel();
    if (!plan || this.ended) return;
    const weRefresh = (plan.refresher === 'uas') === (this.dialog.role === 'uas');
    if (weRefresh) this.timerHandle = this.core.timers.setTimeout(() => this.refresh(), refreshDelayMs(plan));
    else this.timerHandle = this.core.timers.setTimeout(() => void this.end('session-expired', 'Session Timer Expired'), expiryDelayMs(plan));
  }

  /** The initial (or a re-) INVITE we answered: the ACK confirms it. */
  awaitAck(tx: InviteServerTransaction, lateOffer: boolean): void {
    this.pendingInvite = { tx, lateOffer };
    tx.events.on2xxAckTimeout = () => {
      // §13.3.1.4: no ACK for our 2xx within 64*T1 → end the session with BYE.
      if (this.pendingInvite?.tx === tx) void this.end('ack-timeout', 'ACK Timeout');
    };
  }

  handleAck(ack: SipRequest): void {
    const p = this.pendingInvite;
    if (!p || ack.cseq?.seq !== p.tx.request.cseq?.seq) return;
    this.pendingInvite = undefined;
    p.tx.ackFor2xx();
    this.dialog.state = 'confirmed';
    if (p.lateOffer) this.handlers.onLateAnswer?.(sdpOf(ack));
  }

  /** Retransmitted 2xx to our INVITE (UAC): ACK again (§13.2.2.4). */
  reAck(): void {
    if (this.lastAck) this.core.sendAck(this.dialog, this.lastAck);
  }

  setAck(ack: SipRequest): void {
    this.lastAck = ack;
  }

  handleRequest(req: SipRequest, tx: ServerTransaction): void {
    const seq = req.cseq?.seq ?? 0;
    if (!this.dialog.acceptRemoteSeq(seq)) {
      this.core.respond(tx, createResponse(req, 500, 'CSeq Out Of Order')); // §12.2.2
      return;
    }
    switch (req.method) {
      case 'BYE':
        this.core.respond(tx, createResponse(req, 200));
        void this.end('remote-bye');
        return;
      case 'INVITE':
      case 'UPDATE':
        this.handleRefresh(req, tx);
        return;
      case 'INFO':
        this.core.respond(tx, createResponse(req, 200));
        this.handlers.onInfo?.(req);
        return;
      case 'NOTIFY':
        this.core.respond(tx, createResponse(req, 200));
        this.handlers.onNotify?.(req);
        return;
      case 'OPTIONS': {
        const res = createResponse(req, 200);
        res.headers.set('Allow', this.core.allow);
        res.headers.set('Accept', 'application/sdp');
        res.headers.set('Supported', this.core.supported);
        this.core.respond(tx, res);
        return;
      }
      default: {
        const res = createResponse(req, 405);
        res.headers.set('Allow', this.core.allow);
        this.core.respond(tx, res);
      }
    }
  }

  /** Target refresh and session refresh: re-INVITE (§14.2) or UPDATE (RFC 3311 §5.2). */
  private handleRefresh(req: SipRequest, tx: ServerTransaction): void {
    if (this.ended) return void this.core.respond(tx, createResponse(req, 481));
    if (req.method === 'INVITE' && (this.outgoingReinvite || this.pendingInvite)) {
      // §14.2: an INVITE while one of ours is pending (glare) → 491; while theirs is unacknowledged → 500 + Retry-After.
      const res = this.outgoingReinvite ? createResponse(req, 491) : createResponse(req, 500, 'Previous INVITE Pending');
      if (!this.outgoingReinvite) res.headers.set('Retry-After', String(Math.floor(Math.random() * 10)));
      return void this.core.respond(tx, res);
    }
    if (req.method === 'UPDATE' && this.outgoingReinvite && sdpOf(req) !== undefined) {
      // RFC 3311 §5.2: an UPDATE offer while our own offer is unanswered MUST get 491.
      return void this.core.respond(tx, createResponse(req, 491));
    }
    const decision = negotiateAsUas(req, this.core.sessionTimers);
    if (decision.kind === 'reject') {
      const res = createResponse(req, 422);
      res.headers.set('Min-SE', String(decision.minSE));
      return void this.core.respond(tx, res);
    }
    const offer = sdpOf(req);
    let answer: OfferAnswer = { sdp: this.localSdp ?? '' };
    if (offer !== undefined || req.method === 'INVITE') {
      answer = this.handlers.onOffer ? this.handlers.onOffer(offer) : { sdp: this.localSdp ?? '' };
    }
    if ('status' in answer) {
      const res = createResponse(req, answer.status, answer.reason);
      if (answer.warning) res.headers.set('Warning', answer.warning);
      return void this.core.respond(tx, res);
    }
    this.dialog.refreshTarget(req.headers.get('contact'));
    const res = createResponse(req, 200);
    res.headers.set('Contact', this.dialog.contact);
    res.headers.set('Supported', this.core.supported);
    if (decision.kind === 'use') {
      res.headers.set('Session-Expires', sessionExpiresHeader(decision.plan));
      if (decision.peerSupports && decision.plan.refresher === 'uac') res.headers.set('Require', 'timer');
    }
    if (answer.sdp && (offer !== undefined || req.method === 'INVITE')) {
      this.localSdp = answer.sdp;
      setBody(res, 'application/sdp', answer.sdp);
    }
    this.core.respond(tx, res);
    if (req.method === 'INVITE') this.awaitAck(tx as InviteServerTransaction, offer === undefined);
    this.startTimer(decision.kind === 'use' ? this.inDialogRoles(decision.plan) : undefined);
  }

  /**
   * RFC 4028 §7.4/§9: refresher=uac|uas in a request and its response names the ends of that transaction; a
   * plan names dialog roles. They differ when the dialog's UAC is the UAS of the refresh.
   */
  private inDialogRoles(plan: SessionTimerPlan): SessionTimerPlan {
    if (this.dialog.role === 'uas') return plan;
    return { interval: plan.interval, refresher: plan.refresher === 'uac' ? 'uas' : 'uac' };
  }

  /** A plan read from the response to a request WE sent: uac = us. */
  private outgoingRoles(plan: SessionTimerPlan): SessionTimerPlan {
    const weRefresh = plan.refresher === 'uac';
    const refresher: 'uac' | 'uas' = weRefresh ? this.dialog.role : this.dialog.role === 'uas' ? 'uac' : 'uas';
    return { interval: plan.interval, refresher };
  }

  /** §10: refresh by UPDATE when the peer allows it (no SDP needed), else by re-INVITE with our current SDP. */
  private refresh(): void {
    if (this.ended || !this.timer) return;
    const plan = this.timer;
    const method = 'INVITE';
    this.request(method, this.localSdp, (res) => {
      if (res.status >= 200 && res.status < 300) {
        // RFC 4028 §7.2: the 2xx's Session-Expires sets the new interval; its refresher names the ends of
        // this transaction (uac = us, the sender of the refresh).
        const answered = readAnswerAsUac(res);
        this.startTimer(answered ? this.outgoingRoles(answered) : plan);
      }
      else if (res.status === 491) this.timerHandle = this.core.timers.setTimeout(() => this.refresh(), 2000 + Math.random() * 2000);
      else if (res.status >= 300) void this.end('refresh-failed', 'Session Refresh Failed');
      // RFC 4028 §7.4: in a refresh we send, refresher=uac names the sender (us), whatever our dialog role.
    }, (r) => r.headers.set('Session-Expires', sessionExpiresHeader({ interval: plan.interval, refresher: 'uac' })));
  }

  /** Send a re-INVITE or UPDATE with our SDP (hold/unhold from our side, or refresh). */
  request(method: 'INVITE' | 'UPDATE', sdp: string | undefined, onFinal: (res: SipResponse) => void, decorate?: (r: SipRequest) => void): void {
    const req = this.dialog.createRequest(method);
    req.headers.set('Supported', this.core.supported);
    if (sdp) setBody(req, 'application/sdp', sdp);
    decorate?.(req);
    if (method === 'INVITE') this.outgoingReinvite = true;
    let reported = false;
    this.core.sendInDialog(this.dialog, req, {
      onResponse: (res) => {
        if (res.status < 200) return;
        if (method === 'INVITE') {
          this.outgoingReinvite = false;
          if (res.status < 300) {
            const ack = this.dialog.createRequest('ACK', req.cseq?.seq);
            this.core.sendAck(this.dialog, ack);
          }
        }
        // §13.2.2.4: every 2xx retransmission is ACKed (above), but the outcome is reported once.
        if (reported) return;
        reported = true;
        if (res.status === 481 || res.status === 408) void this.end('transport-failure');
        else onFinal(res);
      },
      onTimeout: () => {
        this.outgoingReinvite = false;
        void this.end('transport-failure'); // §12.2.1.2: 408/481 to a mid-dialog request ends the dialog
      },
    });
  }

  /** End the session. Sends BYE unless the peer ended it (§15.1.1); safe to call more than once. */
  end(reason: SessionEndReason, text?: string): Promise<void> {
    if (this.ended) return Promise.resolve();
    this.ended = true;
    this.timerHandle?.cancel();
    this.dialog.state = 'terminated';
    this.core.forget(this.dialog.id);
    if (reason === 'remote-bye') {
      this.handlers.onEnded?.(reason);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const bye = this.dialog.createRequest('BYE');
      if (text) bye.headers.set('Reason', `SIP;cause=200;text="${text}"`);
      const done = (): void => {
        this.handlers.onEnded?.(reason);
        resolve();
      };
      this.core.sendInDialog(this.dialog, bye, { onResponse: (r) => (r.status >= 200 ? done() : undefined), onTimeout: done, onTransportError: done });
    });
  }
}
