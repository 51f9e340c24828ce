/**
 * INVITE server transaction (RFC 3261 §17.2.1, with the Accepted state of RFC 6026 §7.1).
 *
 *   Proceeding --1xx--> Proceeding      Proceeding --2xx--> Accepted --Timer L--> Terminated
 *   Proceeding --300-699--> Completed --ACK--> Confirmed --Timer I--> Terminated
 *                           Completed --Timer H--> Terminated (TU told: no ACK)
 *
 * The 2xx itself is retransmitted here in Accepted (§13.3.1.4 puts this on the UAS core; keeping it beside
 * the transaction that sent it keeps one owner of the timers) until the dialog layer reports the ACK.
 */
import type { SipRequest, SipResponse, MessageSource } from '../message/sip-message.js';
import { createResponse } from '../message/build.js';
import { responseDestination } from '../transport/transport-layer.js';
import { timer } from './timer-config.js';
import { TimerSet, type TransactionContext } from './transaction-context.js';

export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

export interface InviteServerEvents {
  /** Timer H fired: no ACK for our non-2xx final response. */
  onAckTimeout?: () => void;
  /** 64*T1 passed without an ACK for our 2xx (§13.3.1.4): the UAS core must end the session with BYE. */
  on2xxAckTimeout?: () => void;
}

export class InviteServerTransaction {
  state: InviteServerState = 'proceeding';
  private lastResponse?: SipResponse;
  private acked = false;
  private readonly t: TimerSet;
  private readonly reliable: boolean;
  events: InviteServerEvents = {};

  constructor(
    private readonly ctx: TransactionContext,
    readonly key: string,
    readonly request: SipRequest,
    private readonly source: MessageSource,
    sendTrying: boolean,
  ) {
    this.t = new TimerSet(ctx.timers);
    this.reliable = source.transport !== 'udp';
    // §17.2.1: the server transaction MUST generate a 100 (Trying) unless the TU answers within 200 ms.
    if (sendTrying) this.send(createResponse(request, 100));
  }

  /** §17.2.1: send 100 Trying if nothing has been sent yet. */
  trying(): void {
    if (!this.lastResponse && this.state === 'proceeding') this.send(createResponse(this.request, 100));
  }

  get finalStatus(): number | undefined {
    return this.lastResponse && this.lastResponse.status >= 200 ? this.lastResponse.status : undefined;
  }

  /** A response from the TU. */
  respond(res: SipResponse): void {
    if (this.state !== 'proceeding') return; // §17.2.1: nothing may follow a final response
    this.lastResponse = res;
    this.send(res);
    if (res.status < 200) return;
    if (res.status < 300) {
      // RFC 6026 §7.1: Proceeding --2xx--> Accepted; Timer L absorbs retransmitted INVITEs.
      this.state = 'accepted';
      this.retransmit2xx(timer.G(this.ctx.config));
      this.t.start('L', timer.L(this.ctx.config), () => {
        if (!this.acked) this.events.on2xxAckTimeout?.();
        this.terminate();
      });
      return;
    }
    // §17.2.1: Proceeding --300-699--> Completed; Timer G (unreliable only) and Timer H.
    this.state = 'completed';
    if (!this.reliable) this.retransmitFinal(timer.G(this.ctx.config));
    this.t.start('H', timer.H(this.ctx.config), () => {
      this.events.onAckTimeout?.();
      this.terminate();
    });
  }

  /** A retransmitted INVITE, or an ACK matching this transaction (non-2xx ACK, §17.2.3). */
  receive(req: SipRequest): void {
    if (req.method === 'ACK') {
      if (this.state === 'completed') {
        // §17.2.1: Completed --ACK--> Confirmed; Timer I absorbs ACK retransmissions.
        this.state = 'confirmed';
        this.t.stop('G');
        this.t.stop('H');
        this.t.start('I', timer.I(this.ctx.config, this.reliable), () => this.terminate());
      }
      return;
    }
    // §17.2.1: a retransmitted INVITE in Proceeding/Completed gets the last response again (RFC 6026: and in Accepted
    // the 2xx is passed on again by the UAS core; same effect).
    if (this.lastResponse && this.state !== 'confirmed') {
      this.ctx.retransmitted('response');
      this.send(this.lastResponse);
    } else if (!this.lastResponse && this.state === 'proceeding') {
      this.send(createResponse(this.request, 100));
    }
  }

  /** The dialog layer saw the ACK for our 2xx: stop retransmitting it (§13.3.1.4). */
  ackFor2xx(): void {
    this.acked = true;
    this.t.stop('G2xx');
    // Stay in the table until Timer L so retransmitted INVITEs are still absorbed (RFC 6026 §7.1).
  }

  private retransmit2xx(interval: number): void {
    this.t.start('G2xx', interval, () => {
      if (this.acked || !this.lastResponse) return;
      this.ctx.retransmitted('response');
      this.send(this.lastResponse);
      this.retransmit2xx(Math.min(2 * interval, this.ctx.config.t2));
    });
  }

  private retransmitFinal(interval: number): void {
    this.t.start('G', interval, () => {
      if (this.state !== 'completed' || !this.lastResponse) return;
      this.ctx.retransmitted('response');
      this.send(this.lastResponse);
      this.retransmitFinal(Math.min(2 * interval, this.ctx.config.t2));
    });
  }

  private send(res: SipResponse): void {
    this.ctx.send(res, responseDestination(res, this.source));
  }

  terminate(): void {
    this.t.stopAll();
    this.state = 'terminated';
    this.ctx.terminated(this.key);
  }
}
