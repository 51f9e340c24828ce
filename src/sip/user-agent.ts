/**
 * The transaction user (RFC 3261 §8.2, §12.2.2, §13.3): admission, request validation, dispatch to dialogs,
 * CANCEL, merged-request detection, and the factory for outgoing INVITEs. The engine adapter sits on top.
 */
import type { Timers } from '../shared/timers.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createResponse, newBranch } from './message/build.js';
import { UAS_CAPABILITIES } from './message/capabilities.js';
import type { SipRequest, SipResponse } from './message/sip-message.js';
import { validateRequest } from './message/validate.js';
import type { Dialog } from './dialog/dialog.js';
import { dialogId } from './dialog/dialog.js';
import { IncomingInvite, type IncomingInviteHost } from './dialog/incoming-invite.js';
import { OutgoingInvite, type OutgoingInviteHost, type OutgoingInviteOptions } from './dialog/outgoing-invite.js';
import type { Session } from './dialog/session.js';
import { negotiateAsUas, type SessionTimerConfig } from './dialog/session-timer.js';
import type { ClientTransactionUser } from './transaction/invite-client.js';
import { InviteServerTransaction } from './transaction/invite-server.js';
import { TransactionLayer, type ServerTransaction, type TransactionUser } from './transaction/transaction-layer.js';
import type { Destination } from './transport/transport.js';
import type { TransportLayer } from './transport/transport-layer.js';

export type Admission =
  | { action: 'accept'; trunk?: string }
  | { action: 'drop' }
  | { action: 'reject'; status: number; reason: string; headers?: [string, string][] };

export interface UserAgentOptions {
  transport: TransportLayer;
  transactions: TransactionLayer;
  timers: Timers;
  logger: Logger;
  metrics: Metrics;
  userAgent: string;
  sessionTimers: SessionTimerConfig;
  /** How long an INVITE's From tag/Call-ID/CSeq is remembered to detect merged requests (§8.2.2.2): 64*T1 (default 32 s). */
  mergedRequestWindowMs?: number;
  /** The admission gate (trunk match, rate limit, digest); everything is accepted when absent. */
  admit?: (req: SipRequest, inDialog: boolean) => Admission;
}

export class UserAgent implements TransactionUser, IncomingInviteHost, OutgoingInviteHost {
  onInvite: (invite: IncomingInvite) => void = (inv) => inv.reject(480);
  readonly allow = UAS_CAPABILITIES.allow.join(', ');
  readonly supported = UAS_CAPABILITIES.supported.join(', ');
  readonly timers: Timers;
  readonly logger: Logger;
  readonly sessionTimers: SessionTimerConfig;
  /** While draining, new INVITEs get 503 (§21.5.4) and live sessions continue. */
  draining = false;
  private readonly sessions = new Map<string, Session>();
  private readonly pending = new Map<InviteServerTransaction, IncomingInvite>();
  private readonly merged = new Map<string, string>();

  constructor(private readonly opts: UserAgentOptions) {
    this.timers = opts.timers;
    this.logger = opts.logger;
    this.sessionTimers = opts.sessionTimers;
    opts.transactions.setUser(this);
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  // ---- TransactionUser -------------------------------------------------------------------------------

  onRequest(req: SipRequest, tx: ServerTransaction, cancelled?: InviteServerTransaction): void {
    // "In dialog" means it matched a live dialog: a forged To tag must not skip the gate's checks.
    const session = req.toTag !== undefined ? this.sessions.get(dialogId(req.callId, req.toTag, req.fromTag ?? '')) : undefined;
    const inDialog = session !== undefined;
    const admission = this.opts.admit ? this.opts.admit(req, inDialog) : { action: 'accept' as const };
    if (admission.action === 'drop') {
      this.opts.metrics.sipRejected.inc({ reason: 'dropped' });
      return tx.terminate();
    }
    if (admission.action === 'reject') {
      this.opts.metrics.sipRejected.inc({ reason: String(admission.status) });
      const res = createResponse(req, admission.status, admission.reason, undefined);
      for (const [k, v] of admission.headers ?? []) res.headers.add(k, v);
      return this.respond(tx, res);
    }
    const rejection = validateRequest(req, UAS_CAPABILITIES);
    if (rejection) {
      this.opts.metrics.sipRejected.inc({ reason: String(rejection.status) });
      const res = createResponse(req, rejection.status, rejection.reason);
      for (const [k, v] of rejection.headers ?? []) res.headers.add(k, v);
      return this.respond(tx, res);
    }
    if (req.method === 'CANCEL') return this.onCancel(req, tx, cancelled);
    if (session) return session.handleRequest(req, tx);
    if (req.toTag !== undefined) return this.respond(tx, createResponse(req, 481)); // §12.2.2
    switch (req.method) {
      case 'INVITE':
        return this.onNewInvite(req, tx as InviteServerTransaction, admission.trunk);
      case 'OPTIONS': {
        const res = createResponse(req, 200, undefined, undefined);
        res.headers.set('Allow', this.allow);
        res.headers.set('Accept', 'application/sdp');
        res.headers.set('Supported', this.supported);
        return this.respond(tx, res);
      }
      default:
        return this.respond(tx, createResponse(req, 481));
    }
  }

  private onNewInvite(req: SipRequest, tx: InviteServerTransaction, trunk: string | undefined): void {
    // §8.2.2.2 merged requests: same From tag, Call-ID and CSeq on a different transaction → 482.
    const mergeKey = `${req.callId}|${req.fromTag ?? ''}|${req.cseq?.seq ?? ''}`;
    const txKey = tx.key;
    const seen = this.merged.get(mergeKey);
    if (seen !== undefined && seen !== txKey) return this.respond(tx, createResponse(req, 482));
    if (this.draining) {
      const res = createResponse(req, 503, 'Service Unavailable');
      res.headers.set('Retry-After', '30');
      return this.respond(tx, res);
    }
    const timer = negotiateAsUas(req, this.sessionTimers);
    if (timer.kind === 'reject') {
      const res = createResponse(req, 422);
      res.headers.set('Min-SE', String(timer.minSE));
      return this.respond(tx, res);
    }
    this.merged.set(mergeKey, txKey);
    this.timers.setTimeout(() => this.merged.delete(mergeKey), this.opts.mergedRequestWindowMs ?? 32_000);
    tx.trying();
    const invite = new IncomingInvite(req, tx, this, timer);
    if (trunk !== undefined) invite.trunk = trunk;
    this.pending.set(tx, invite);
    this.onInvite(invite);
  }

  private onCancel(req: SipRequest, tx: ServerTransaction, invTx: InviteServerTransaction | undefined): void {
    // §9.2: no matching INVITE transaction → 481; else 200 to the CANCEL and 487 to the INVITE if still pending.
    if (!invTx) return this.respond(tx, createResponse(req, 481));
    this.respond(tx, createResponse(req, 200));
    this.pending.get(invTx)?.cancelled();
  }

  onAck(ack: SipRequest): void {
    this.sessions.get(dialogId(ack.callId, ack.toTag ?? '', ack.fromTag ?? ''))?.handleAck(ack);
  }

  // ---- hosts for dialog usages ------------------------------------------------------------------------

  respond(tx: ServerTransaction, res: SipResponse): void {
    res.headers.set('Server', this.opts.userAgent);
    tx.respond(res);
  }

  sendInDialog(dialog: Dialog, req: SipRequest, user: ClientTransactionUser): void {
    const dest = dialog.destination();
    req.headers.prepend('Via', this.opts.transport.viaFor(dest.transport, newBranch()));
    req.headers.set('User-Agent', this.opts.userAgent);
    req.invalidate();
    this.opts.transactions.request(req, dest, user);
  }

  sendAck(dialog: Dialog, ack: SipRequest): void {
    const dest = dialog.destination();
    if (!ack.headers.has('via')) ack.headers.prepend('Via', this.opts.transport.viaFor(dest.transport, newBranch()));
    this.opts.transactions.sendStateless(ack, dest);
  }

  sendOutOfDialog(req: SipRequest, dest: Destination, user: ClientTransactionUser): void {
    if (!req.headers.has('via')) req.headers.prepend('Via', this.opts.transport.viaFor(dest.transport, newBranch()));
    req.headers.set('User-Agent', this.opts.userAgent);
    req.invalidate();
    this.opts.transactions.request(req, dest, user);
  }

  contactFor(x: SipRequest | Destination): string {
    const transport = 'kind' in x ? (x.source?.transport ?? 'udp') : x.transport;
    const secure = 'kind' in x && x.requestUri?.scheme === 'sips';
    return `<${this.opts.transport.contactUri(transport, secure)}>`;
  }

  viaFor(dest: Destination): string {
    return this.opts.transport.viaFor(dest.transport, newBranch());
  }

  register(session: Session): void {
    this.sessions.set(session.dialog.id, session);
    this.opts.metrics.sipDialogs.set(this.sessions.size);
  }

  forget(id: string): void {
    this.sessions.delete(id);
    this.opts.metrics.sipDialogs.set(this.sessions.size);
  }

  done(invite: IncomingInvite): void {
    this.pending.delete(invite.tx);
  }

  // ---- UAC ---------------------------------------------------------------------------------------------

  invite(opts: OutgoingInviteOptions): OutgoingInvite {
    const inv = new OutgoingInvite(opts, this);
    return inv;
  }

  /** End every live session (SIGINT / shutdown grace expired). */
  async endAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.end('shutdown', 'Shutdown')));
  }
}
