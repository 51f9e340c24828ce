/**
 * Non-INVITE client transaction (RFC 3261 §17.1.2).
 *
 *   Trying --Timer E--> Trying (retransmit at T1, 2T1, ... capped at T2; unreliable only)
 *   Trying --1xx--> Proceeding (retransmit every T2)
 *   Trying|Proceeding --Timer F--> Terminated (timeout to TU)
 *   Trying|Proceeding --200-699--> Completed --Timer K--> Terminated
 */
import type { SipRequest, SipResponse } from '../message/sip-message.js';
import type { Destination } from '../transport/transport.js';
import type { ClientTransactionUser } from './invite-client.js';
import { timer } from './timer-config.js';
import { TimerSet, type TransactionContext } from './transaction-context.js';

export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class NonInviteClientTransaction {
  state: NonInviteClientState = 'trying';
  private readonly t: TimerSet;
  private readonly reliable: boolean;

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
    if (!this.reliable) this.retransmit(timer.E(ctx.config));
    this.t.start('F', timer.F(ctx.config), () => {
      if (this.state === 'trying' || this.state === 'proceeding') {
        this.terminate();
        this.tu.onTimeout();
      }
    });
  }

  private retransmit(interval: number): void {
    this.t.start('E', interval, () => {
      if (this.state !== 'trying' && this.state !== 'proceeding') return;
      this.ctx.retransmitted('request');
      this.ctx.send(this.request, this.dest);
      // §17.1.2.2: in Trying the interval doubles up to T2; in Proceeding it is T2.
      this.retransmit(this.state === 'proceeding' ? this.ctx.config.t2 : Math.min(2 * interval, this.ctx.config.t2));
    });
  }

  receive(res: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (res.status < 200) {
      // §17.1.2.2: the pending Timer E keeps running; when it fires in Proceeding it is reset to T2.
      this.state = 'proceeding';
      this.tu.onResponse(res);
      return;
    }
    this.state = 'completed';
    this.t.stop('E');
    this.t.stop('F');
    this.t.start('K', timer.K(this.ctx.config, this.reliable), () => this.terminate());
    this.tu.onResponse(res);
  }

  transportFailed(e: Error): void {
    if (this.state === 'trying' || this.state === 'proceeding') {
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
