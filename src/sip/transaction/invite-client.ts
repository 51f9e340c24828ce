/**
 * INVITE client transaction (RFC 3261 §17.1.1, with the Accepted state of RFC 6026 §7.2).
 *
 *   Calling --Timer A--> Calling (retransmit, unreliable only)   Calling --Timer B--> Terminated (408 to TU)
 *   Calling|Proceeding --1xx--> Proceeding
 *   Calling|Proceeding --300-699--> Completed (ACK sent) --Timer D--> Terminated
 *   Calling|Proceeding --2xx--> Accepted (2xx retransmissions go to the TU, which re-ACKs) --Timer M--> Terminated
 */
import { SipHeaders } from '../message/headers.js';
import { SipRequest, type SipResponse } from '../message/sip-message.js';
import type { Destination } from '../transport/transport.js';
import { timer } from './timer-config.js';
import { TimerSet, type TransactionContext } from './transaction-context.js';

export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

export interface ClientTransactionUser {
  onResponse(res: SipResponse): void;
  /** Timer B/F fired or the transport failed: the TU sees a 408 (§8.1.3.1). */
  onTimeout(): void;
  onTransportError?(e: Error): void;
}

export class InviteClientTransaction {
  state: InviteClientState = 'calling';
  private readonly t: TimerSet;
  private readonly reliable: boolean;
  private ack?: SipRequest;

  constructor(
    private readonly ctx: TransactionContext,
    readonly key: string,
    readonly request: SipRequest,
    readonly dest: Destination,
    private readonly tu: ClientTransactionUser,
  ) {
    this.t = new TimerSet(ctx.timers);
    this.reliable = dest.transport !== 'udp';
  }

  /** Send the request and start the timers; called once the layer has the transaction in its table (§17.1.4). */
  start(): void {
    const ctx = this.ctx;
    ctx.send(this.request, this.dest);
    if (this.state === 'terminated') return;
    if (!this.reliable) this.retransmit(timer.A(ctx.config));
    // §17.1.1.2: Timer B only times out the Calling state; a ringing call is bounded by the TU (CANCEL).
    this.t.start('B', timer.B(ctx.config), () => {
      if (this.state === 'calling') {
        this.terminate();
        this.tu.onTimeout();
      }
    });
  }

  private retransmit(interval: number): void {
    // §17.1.1.2: Timer A doubles on each retransmission, with no upper bound other than Timer B.
    this.t.start('A', interval, () => {
      if (this.state !== 'calling') return;
      this.ctx.retransmitted('request');
      this.ctx.send(this.request, this.dest);
      this.retransmit(2 * interval);
    });
  }

  receive(res: SipResponse): void {
    const s = res.status;
    switch (this.state) {
      case 'calling':
      case 'proceeding':
        if (s < 200) {
          this.state = 'proceeding';
          this.t.stop('A');
          this.tu.onResponse(res);
        } else if (s < 300) {
          // RFC 6026 §7.2: Accepted; Timer M keeps the transaction to pass 2xx retransmissions up.
          this.state = 'accepted';
          this.t.stop('A');
          this.t.stop('B');
          this.t.start('M', timer.M(this.ctx.config), () => this.terminate());
          this.tu.onResponse(res);
        } else {
          // §17.1.1.3: Completed; ACK the final response, Timer D absorbs its retransmissions.
          this.state = 'completed';
          this.t.stop('A');
          this.t.stop('B');
          this.ack = this.buildAck(res);
          this.ctx.send(this.ack, this.dest);
          this.t.start('D', timer.D(this.ctx.config, this.reliable), () => this.terminate());
          this.tu.onResponse(res);
        }
        break;
      case 'completed':
        if (s >= 300 && this.ack) this.ctx.send(this.ack, this.dest);
        break;
      case 'accepted':
        if (s >= 200 && s < 300) this.tu.onResponse(res);
        break;
      default:
        break;
    }
  }

  /** §17.1.1.3: the ACK for a non-2xx final has the INVITE's Request-URI, top Via, From, Call-ID, Route, CSeq number and the response's To. */
  private buildAck(res: SipResponse): SipRequest {
    const h = new SipHeaders();
    const via = this.request.headers.get('via');
    if (via) h.add('Via', via);
    for (const r of this.request.headers.getAll('route')) h.add('Route', r);
    h.set('Max-Forwards', '70');
    h.set('From', this.request.headers.get('from') ?? '');
    h.set('To', res.headers.get('to') ?? '');
    h.set('Call-ID', this.request.callId);
    h.set('CSeq', `${this.request.cseq?.seq ?? 1} ACK`);
    return new SipRequest('ACK', this.request.uri, h);
  }

  transportFailed(e: Error): void {
    if (this.state === 'calling' || this.state === 'proceeding') {
      this.terminate();
      this.tu.onTransportError ? this.tu.onTransportError(e) : this.tu.onTimeout();
    }
  }

  terminate(): void {
    this.t.stopAll();
    this.state = 'terminated';
    this.ctx.terminated(this.key);
  }
}
