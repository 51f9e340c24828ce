/**
 * A TransportLayer that never opens a socket: what the transaction layer sends is recorded with the fake-clock
 * time, and tests inject parsed messages with deliver(). It subclasses the real class (overriding only
 * onMessage and send) so the TransactionLayer gets its declared type without a cast.
 */
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import type { SipMessage } from '../../src/sip/message/sip-message.js';
import type { Destination } from '../../src/sip/transport/transport.js';
import { TransportLayer, type MessageHandler } from '../../src/sip/transport/transport-layer.js';
import type { Timers } from '../../src/shared/timers.js';
import type { SentRecord } from './fake-transaction-context.js';

export class FakeTransportLayer extends TransportLayer {
  readonly sent: SentRecord[] = [];
  /** When set, send() reports this error through onSendFailure synchronously, as a throwing socket would. */
  failSendsWith?: Error;
  private upper?: MessageHandler;

  constructor(private readonly clock: Timers, metrics: Metrics = createMetrics({ defaultMetrics: false })) {
    super({
      listen: [], publicAddress: '198.51.100.1', maxMessageBytes: 65535, idleTimeoutMs: 30_000,
      connectTimeoutMs: 5_000, logger: silentLogger(), metrics,
    });
  }

  override onMessage(handler: MessageHandler): void {
    this.upper = handler;
  }

  override send(message: SipMessage, dest: Destination): void {
    this.sent.push({ message, dest, at: this.clock.now() });
    if (this.failSendsWith) this.onSendFailure(dest, this.failSendsWith);
  }

  /** A message arrives from the network (already parsed, with its source set). */
  deliver(message: SipMessage): void {
    if (!this.upper) throw new Error('nothing registered with onMessage');
    this.upper(message);
  }
}
