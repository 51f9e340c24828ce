/**
 * An INVITE we send as UAC (RFC 3261 §13.2): provisional and final responses, one retry with digest
 * credentials on 401/407 (§22.2, RFC 7616), CANCEL (§9.1: only once a provisional arrived), the ACK for
 * the 2xx (§13.2.2.4), and the Session it creates.
 */
import { SINGLE_HEADERS, SipHeaders, normalizeName } from '../message/headers.js';
import { newBranch, newCallId, newTag, setBody } from '../message/build.js';
import { sdpOf } from '../message/multipart.js';
import { SipRequest, type SipResponse } from '../message/sip-message.js';
import type { Destination } from '../transport/transport.js';
import { uacDialog } from './dialog.js';
import { Session } from './session.js';
import { readAnswerAsUac } from './session-timer.js';
import type { UaCore } from './ua-core.js';

export interface OutgoingInviteOptions {
  /** Request-URI. */
  target: string;
  dest: Destination;
  from: string; // name-addr without tag
  to: string;   // name-addr
  sdp?: string;
  headers?: [string, string][];
  /**
   * Late offer (no `sdp`): answers the offer the 2xx carries; the answer goes in the ACK (RFC 3261 §13.2.1).
   * Called synchronously before the ACK is sent.
   */
  answerOffer?: (offer: string) => string | undefined;
  /** Answers a digest challenge: returns the credentials header value, or undefined to give up. */
  credentials?: (challenges: string[], method: string, uri: string) => string | undefined;
}

export interface OutgoingInviteEvents {
  onProgress?(res: SipResponse): void;
  onAnswer?(session: Session, sdp: string | undefined, res: SipResponse): void;
  onFailure?(status: number, reason: string, res?: SipResponse): void;
}

export interface OutgoingInviteHost extends UaCore {
  contactFor(dest: Destination): string;
  register(session: Session): void;
  viaFor(dest: Destination): string;
  /** Send the initial INVITE (or CANCEL) out of dialog via a client transaction. */
}

export class OutgoingInvite {
  state: 'calling' | 'early' | 'answered' | 'failed' | 'cancelled' = 'calling';
  events: OutgoingInviteEvents = {};
  private request: SipRequest;
  private cancelRequested = false;
  private authTried = false;
  private readonly callId: string;
  private readonly localTag = newTag();
  private cseq = 1;
  /** Set from a 422's Min-SE for the one retry RFC 4028 §7.3 allows. */
  private minSE?: number;

  constructor(private readonly opts: OutgoingInviteOptions, private readonly host: OutgoingInviteHost) {
    this.callId = newCallId(opts.dest.address);
    this.request = this.build();
  }

  get sipCallId(): string {
    return this.callId;
  }

  start(): void {
    this.send(this.request);
  }

  private build(authorization?: [string, string]): SipRequest {
    const h = new SipHeaders();
    h.set('Via', this.host.viaFor(this.opts.dest).replace(/branch=[^;]+/, `branch=${newBranch()}`));
    h.set('Max-Forwards', '70');
    h.set('From', `${this.opts.from};tag=${this.localTag}`);
    h.set('To', this.opts.to);
    h.set('Call-ID', this.callId);
    h.set('CSeq', `${this.cseq} INVITE`);
    h.set('Contact', this.host.contactFor(this.opts.dest));
    h.set('Allow', this.host.allow);
    h.set('Supported', this.host.supported);
    if (this.host.sessionTimers.enabled) h.set('Session-Expires', String(this.host.sessionTimers.sessionExpires));
    // Headers that may appear once (Session-Expires, Min-SE, …) replace the UA's own; others are added.
    for (const [k, v] of this.opts.headers ?? []) {
      if (SINGLE_HEADERS.has(normalizeName(k))) h.set(k, v);
      else h.add(k, v);
    }
    if (this.minSE !== undefined) {
      h.set('Session-Expires', String(this.minSE));
      h.set('Min-SE', String(this.minSE));
    }
    if (authorization) h.set(authorization[0], authorization[1]);
    const req = new SipRequest('INVITE', this.opts.target, h);
    if (this.opts.sdp) setBody(req, 'application/sdp', this.opts.sdp);
    return req;
  }

  private send(req: SipRequest): void {
    this.host.sendOutOfDialog(req, this.opts.dest, {
      onResponse: (res) => this.onResponse(req, res),
      onTimeout: () => this.fail(408, 'Request Timeout'),
      onTransportError: () => this.fail(503, 'Service Unavailable'),
    });
  }

  private onResponse(req: SipRequest, res: SipResponse): void {
    if (req !== this.request) return;
    const s = res.status;
    if (s < 200) {
      if (s > 100 && this.state === 'calling') this.state = 'early';
      if (this.cancelRequested && s > 100) this.sendCancel();
      else this.events.onProgress?.(res);
      return;
    }
    if (s < 300) return this.answered(req, res);
    if ((s === 401 || s === 407) && !this.authTried && this.opts.credentials && !this.cancelRequested) {
      this.authTried = true;
      const challenges = res.headers.getAll(s === 401 ? 'www-authenticate' : 'proxy-authenticate');
      const value = this.opts.credentials(challenges, 'INVITE', this.opts.target);
      if (value) {
        this.cseq++;
        this.request = this.build([s === 401 ? 'Authorization' : 'Proxy-Authorization', value]);
        this.send(this.request);
        return;
      }
    }
    if (s === 422 && this.minSE === undefined && !this.cancelRequested) {
      // RFC 4028 §7.3: retry once with Session-Expires and Min-SE raised to the 422's Min-SE.
      const min = Number(res.headers.get('min-se')?.split(';')[0]?.trim());
      if (Number.isInteger(min) && min > 0) {
        this.minSE = min;
        this.cseq++;
        this.request = this.build();
        this.send(this.request);
        return;
      }
    }
    if (this.state === 'cancelled') return this.events.onFailure?.(487, 'Request Terminated', res);
    this.fail(s, res.reason, res);
  }

  private session?: Session;

  private answered(req: SipRequest, res: SipResponse): void {
    // §13.2.2.4: every 2xx the transaction passes up (retransmissions within Timer M) is ACKed again.
    if (this.session) return this.session.reAck();
    const dialog = uacDialog(req, res, this.opts.dest, this.host.contactFor(this.opts.dest));
    dialog.state = 'confirmed';
    const session = new Session(dialog, this.host);
    this.session = session;
    session.localSdp = this.opts.sdp;
    this.host.register(session);
    const ack = dialog.createRequest('ACK', req.cseq?.seq);
    // §13.2.1: when the INVITE carried no offer, the 2xx carries it and the answer MUST be in the ACK.
    const offer = this.opts.sdp === undefined ? sdpOf(res) : undefined;
    const answer = offer !== undefined ? this.opts.answerOffer?.(offer) : undefined;
    if (answer) {
      setBody(ack, 'application/sdp', answer);
      session.localSdp = answer;
    }
    session.setAck(ack);
    this.host.sendAck(dialog, ack);
    if (this.cancelRequested) {
      // §15: a 2xx that crossed our CANCEL still creates a session; end it at once.
      this.state = 'cancelled';
      void session.end('local-bye');
      this.events.onFailure?.(487, 'Request Terminated', res);
      return;
    }
    this.state = 'answered';
    session.startTimer(readAnswerAsUac(res));
    this.events.onAnswer?.(session, sdpOf(res), res);
  }

  private fail(status: number, reason: string, res?: SipResponse): void {
    if (this.state === 'answered' || this.state === 'failed') return;
    this.state = 'failed';
    this.events.onFailure?.(status, reason, res);
  }

  /** §9.1: CANCEL only after a provisional response; before that, remember and send when one arrives. */
  cancel(): void {
    if (this.state === 'answered' || this.state === 'failed' || this.cancelRequested) return;
    this.cancelRequested = true;
    if (this.state === 'early') this.sendCancel();
  }

  private sendCancel(): void {
    this.state = 'cancelled';
    const inv = this.request;
    const h = new SipHeaders();
    h.set('Via', inv.headers.get('via') ?? '');
    for (const r of inv.headers.getAll('route')) h.add('Route', r);
    h.set('Max-Forwards', '70');
    h.set('From', inv.headers.get('from') ?? '');
    h.set('To', inv.headers.get('to') ?? '');
    h.set('Call-ID', inv.callId);
    h.set('CSeq', `${inv.cseq?.seq ?? 1} CANCEL`);
    this.host.sendOutOfDialog(new SipRequest('CANCEL', inv.uri, h), this.opts.dest, { onResponse: () => undefined, onTimeout: () => undefined });
  }
}
