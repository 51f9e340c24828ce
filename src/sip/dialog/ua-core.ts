/** What dialog usages (sessions, REFER) need from the user agent, so they never touch transports directly. */
import type { Timers } from '../../shared/timers.js';
import type { Logger } from '../../observability/logger.js';
import type { SipRequest, SipResponse } from '../message/sip-message.js';
import type { ClientTransactionUser } from '../transaction/invite-client.js';
import type { ServerTransaction } from '../transaction/transaction-layer.js';
import type { Destination } from '../transport/transport.js';
import type { Dialog } from './dialog.js';
import type { SessionTimerConfig } from './session-timer.js';

export interface UaCore {
  readonly timers: Timers;
  readonly logger: Logger;
  readonly sessionTimers: SessionTimerConfig;
  /** Allow / Supported values we advertise. */
  readonly allow: string;
  readonly supported: string;
  /** Send a request inside a dialog through a client transaction (adds Via, User-Agent). */
  sendInDialog(dialog: Dialog, req: SipRequest, user: ClientTransactionUser): void;
  /** Send an ACK for a 2xx (no transaction, §13.2.2.4). */
  sendAck(dialog: Dialog, ack: SipRequest): void;
  /** Respond on a server transaction (adds Server, Contact where needed). */
  respond(tx: ServerTransaction, res: SipResponse): void;
  /** A request out of any dialog (adds Via). */
  sendOutOfDialog(req: SipRequest, dest: Destination, user: ClientTransactionUser): void;
  /** Forget a dialog (it ended). */
  forget(dialogId: string): void;
}
