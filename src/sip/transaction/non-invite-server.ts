/**
 * Non-INVITE server transaction (RFC 3261 §17.2.2).
 *
 *   Trying --1xx--> Proceeding --1xx--> Proceeding
 *   Trying|Proceeding --200-699--> Completed --Timer J--> Terminated
 * Retransmitted requests get the last response again (none in Trying).
 */
import type { SipRequest, SipResponse, MessageSource } from '../message/sip-message.js';
import { responseDestination } from '../transport/transport-layer.js';
import { timer } from './timer-config.js';
import { TimerSet, type TransactionContext } from './transaction-context.js';

export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export class NonInviteServerTransaction {
  state: NonInviteServerState = 'trying';
  private lastResponse?: SipResponse;
  private readonly t: TimerSet;

  constructor(
    private readonly ctx: TransactionContext,
    readonly key: string,
    readonly request: SipRequest,
    private readonly source: MessageSource,
  ) {
    this.t = new TimerSet(ctx.timers);
  }

  respond(res: SipResponse): void {
    if (this.state === 'completed' || this.state === 'terminated') return;
    this.lastResponse = res;
    this.ctx.send(res, responseDestination(res, this.source));
    if (res.status < 200) {
      this.state = 'proceeding';
      return;
    }
    this.state = 'completed';
    this.t.start('J', timer.J(this.ctx.config, this.source.transport !== 'udp'), () => this.terminate());
  }

  receive(_req: SipRequest): void {
    if (this.lastResponse && (this.state === 'proceeding' || this.state === 'completed')) {
      this.ctx.retransmitted('response');
      this.ctx.send(this.lastResponse, responseDestination(this.lastResponse, this.source));
    }
  }

  terminate(): void {
    this.t.stopAll();
    this.state = 'terminated';
    this.ctx.terminated(this.key);
  }
}
