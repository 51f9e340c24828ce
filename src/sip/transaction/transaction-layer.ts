/**
 * The transaction layer (RFC 3261 §17): matches requests to server transactions (§17.2.3) and responses to
 * client transactions (§17.1.3), creates server transactions for new requests and hands them to the TU,
 * absorbs retransmissions, and passes 2xx ACKs and stray 2xx responses to the TU (they belong to dialogs).
 */
import type { Timers } from '../../shared/timers.js';
import type { Metrics } from '../../observability/metrics.js';
import { type SipMessage, type SipRequest, type SipResponse } from '../message/sip-message.js';
import { BRANCH_MAGIC, branchOf } from '../message/via.js';
import type { Destination } from '../transport/transport.js';
import type { TransportLayer } from '../transport/transport-layer.js';
import { InviteServerTransaction } from './invite-server.js';
import { NonInviteServerTransaction } from './non-invite-server.js';
import { InviteClientTransaction, type ClientTransactionUser } from './invite-client.js';
import { NonInviteClientTransaction } from './non-invite-client.js';
import type { TimerConfig } from './timer-config.js';
import type { TransactionContext } from './transaction-context.js';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;

export interface TransactionUser {
  /** A new request (not a retransmission, not an ACK). CANCEL arrives here too with the INVITE it targets. */
  onRequest(req: SipRequest, tx: ServerTransaction, cancelled?: InviteServerTransaction): void;
  /** An ACK that matched no server transaction: the ACK for a 2xx (§17.2.3, §13.3.1.4). */
  onAck(ack: SipRequest): void;
}

export interface TransactionLayerOptions {
  timers: Timers;
  config: TimerConfig;
  metrics: Metrics;
}

export class TransactionLayer {
  private readonly server = new Map<string, ServerTransaction>();
  private readonly client = new Map<string, ClientTransaction>();
  private readonly ctx: TransactionContext;
  private tu?: TransactionUser;

  constructor(private readonly transport: TransportLayer, private readonly opts: TransactionLayerOptions) {
    this.ctx = {
      timers: opts.timers,
      config: opts.config,
      send: (msg: SipMessage, dest: Destination) => transport.send(msg, dest),
      retransmitted: (kind) => opts.metrics.sipRetransmissions.inc({ kind }),
      terminated: (key) => {
        if (this.server.delete(key)) opts.metrics.sipTransactions.dec({ kind: 'server' });
        else if (this.client.delete(key)) opts.metrics.sipTransactions.dec({ kind: 'client' });
      },
    };
    transport.onMessage((msg) => (msg.kind === 'request' ? this.onRequest(msg) : this.onResponse(msg)));
    transport.onSendFailure = (dest, e) => {
      for (const tx of this.client.values()) {
        if (tx.dest.address === dest.address && tx.dest.port === dest.port && tx.dest.transport === dest.transport) tx.transportFailed(e);
      }
    };
  }

  setUser(tu: TransactionUser): void {
    this.tu = tu;
  }

  get counts(): { server: number; client: number } {
    return { server: this.server.size, client: this.client.size };
  }

  /** §17.2.3 matching key; RFC 2543 peers (no magic cookie) are matched on the dialog-ish fields instead. */
  static serverKey(req: SipRequest, methodOverride?: string): string | undefined {
    const via = req.topVia;
    if (!via) return undefined;
    const method = methodOverride ?? (req.method === 'ACK' ? 'INVITE' : req.method);
    const branch = branchOf(via);
    if (branch && branch.startsWith(BRANCH_MAGIC) && branch.length > BRANCH_MAGIC.length) {
      return `${branch}|${via.host}:${via.port ?? ''}|${method}`;
    }
    return `2543|${req.callId}|${req.fromTag ?? ''}|${req.cseq?.seq ?? ''}|${req.headers.get('via') ?? ''}|${req.uri}|${method}`;
  }

  private onRequest(req: SipRequest): void {
    const key = TransactionLayer.serverKey(req);
    if (!key || !req.source) return;
    const existing = this.server.get(key);
    if (existing) {
      // RFC 6026 §7.1: an ACK matching an INVITE transaction in Accepted (a 2xx ACK that reused the branch)
      // belongs to the TU.
      if (req.method === 'ACK' && existing instanceof InviteServerTransaction && existing.state === 'accepted') this.tu?.onAck(req);
      else if (existing instanceof InviteServerTransaction) existing.receive(req);
      else if (req.method !== 'ACK') existing.receive(req);
      return;
    }
    if (req.method === 'ACK') {
      this.tu?.onAck(req);
      return;
    }
    const tx = req.method === 'INVITE'
      ? new InviteServerTransaction(this.ctx, key, req, req.source, false)
      : new NonInviteServerTransaction(this.ctx, key, req, req.source);
    this.server.set(key, tx);
    this.opts.metrics.sipTransactions.inc({ kind: 'server' });
    if (req.method === 'CANCEL') {
      // §9.2: the CANCEL matches the INVITE transaction with the same branch.
      const inviteKey = TransactionLayer.serverKey(req, 'INVITE');
      const invite = inviteKey ? this.server.get(inviteKey) : undefined;
      this.tu?.onRequest(req, tx, invite instanceof InviteServerTransaction ? invite : undefined);
      return;
    }
    this.tu?.onRequest(req, tx);
  }

  private onResponse(res: SipResponse): void {
    const via = res.topVia;
    const branch = via ? branchOf(via) : undefined;
    const method = res.cseq?.method;
    const tx = branch && method ? this.client.get(`${branch}|${method}`) : undefined;
    // RFC 6026 §8.9: a response matching no transaction is discarded (Timer M keeps INVITE client
    // transactions alive long enough to pass 2xx retransmissions to the TU).
    if (tx) tx.receive(res);
  }

  /** Start a client transaction (§17.1). The request must already carry its Via with a fresh branch. */
  request(req: SipRequest, dest: Destination, user: ClientTransactionUser): ClientTransaction {
    const branch = req.topVia ? branchOf(req.topVia) : undefined;
    const key = `${branch ?? ''}|${req.method}`;
    const tx = req.method === 'INVITE'
      ? new InviteClientTransaction(this.ctx, key, req, dest, user)
      : new NonInviteClientTransaction(this.ctx, key, req, dest, user);
    this.client.set(key, tx);
    this.opts.metrics.sipTransactions.inc({ kind: 'client' });
    tx.start();
    return tx;
  }

  /** Send an ACK for a 2xx: it is its own transaction-less request (§17.1.1.3, §13.2.2.4). */
  sendStateless(msg: SipMessage, dest: Destination): void {
    this.transport.send(msg, dest);
  }

  shutdown(): void {
    for (const tx of [...this.server.values(), ...this.client.values()]) tx.terminate();
  }
}
