/**
 * A TransactionLayer wired to a FakeTransportLayer, fake timers and real (unregistered-by-default) metrics,
 * with a TU that records what the layer hands up.
 */
import { createMetrics } from '../../src/observability/metrics.js';
import type { SipRequest, SipResponse } from '../../src/sip/message/sip-message.js';
import type { InviteServerTransaction } from '../../src/sip/transaction/invite-server.js';
import { DEFAULT_TIMERS } from '../../src/sip/transaction/timer-config.js';
import { TransactionLayer, type ServerTransaction, type TransactionUser } from '../../src/sip/transaction/transaction-layer.js';
import { labelOf } from './fake-transaction-context.js';
import { FakeTimers } from './fake-timers.js';
import { FakeTransportLayer } from './fake-transport-layer.js';

export class RecordingTransactionUser implements TransactionUser {
  readonly requests: { req: SipRequest; tx: ServerTransaction; cancelled: InviteServerTransaction | undefined }[] = [];
  readonly acks: SipRequest[] = [];
  /** Responses the TU saw outside a transaction: must stay empty (RFC 6026 §8.9 discards them). */
  readonly strays: SipResponse[] = [];

  onRequest(req: SipRequest, tx: ServerTransaction, cancelled?: InviteServerTransaction): void {
    this.requests.push({ req, tx, cancelled });
  }

  onAck(ack: SipRequest): void {
    this.acks.push(ack);
  }

}

export function transactionLayerHarness() {
  const timers = new FakeTimers();
  const metrics = createMetrics({ defaultMetrics: false });
  const transport = new FakeTransportLayer(timers, metrics);
  const layer = new TransactionLayer(transport, { timers, config: DEFAULT_TIMERS, metrics });
  const tu = new RecordingTransactionUser();
  layer.setUser(tu);
  /**
   * Method or status code of everything sent, in order, leaving out 100 Trying: the UA sends it after admission
   * (InviteServerTransaction.trying()), and the transaction tests cover it.
   */
  const sentLabels = (): string[] => transport.sent.map((s) => labelOf(s.message)).filter((l) => l !== '100');
  return { timers, metrics, transport, layer, tu, sentLabels };
}
