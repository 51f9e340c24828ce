/**
 * A TransactionContext for driving one transaction state machine under fake time: it records every message
 * handed to the transport with the (fake) time it was sent, counts retransmissions and remembers which
 * transaction keys reported termination.
 */
import type { SipMessage, SipResponse } from '../../src/sip/message/sip-message.js';
import type { Destination } from '../../src/sip/transport/transport.js';
import type { ClientTransactionUser } from '../../src/sip/transaction/invite-client.js';
import { DEFAULT_TIMERS, type TimerConfig } from '../../src/sip/transaction/timer-config.js';
import type { TransactionContext } from '../../src/sip/transaction/transaction-context.js';
import { FakeTimers } from './fake-timers.js';

export interface SentRecord {
  message: SipMessage;
  dest: Destination;
  /** Fake-clock time (ms) at which the message was handed to the transport. */
  at: number;
}

/** Short label for a sent message: the method of a request, the status code of a response. */
export function labelOf(m: SipMessage): string {
  return m.kind === 'request' ? m.method : String(m.status);
}

export class FakeTransactionContext implements TransactionContext {
  readonly timers = new FakeTimers();
  readonly sent: SentRecord[] = [];
  readonly retransmissions = { request: 0, response: 0 };
  readonly terminatedKeys: string[] = [];

  constructor(readonly config: TimerConfig = DEFAULT_TIMERS) {}

  send(message: SipMessage, dest: Destination): void {
    this.sent.push({ message, dest, at: this.timers.now() });
  }

  retransmitted(kind: 'request' | 'response'): void {
    this.retransmissions[kind]++;
  }

  terminated(key: string): void {
    this.terminatedKeys.push(key);
  }

  /** Times at which messages with this label (method or status code) were sent. */
  timesOf(label: string): number[] {
    return this.sent.filter((s) => labelOf(s.message) === label).map((s) => s.at);
  }

  /** Records of messages with this label. */
  sentOf(label: string): SentRecord[] {
    return this.sent.filter((s) => labelOf(s.message) === label);
  }
}

/** A client transaction user that records what the transaction reported, and when. */
export class RecordingClientUser implements ClientTransactionUser {
  readonly responses: SipResponse[] = [];
  readonly timeouts: number[] = [];
  readonly transportErrors: Error[] = [];

  constructor(private readonly clock: { now(): number }) {}

  onResponse(res: SipResponse): void {
    this.responses.push(res);
  }

  onTimeout(): void {
    this.timeouts.push(this.clock.now());
  }

  onTransportError(e: Error): void {
    this.transportErrors.push(e);
  }

  get statuses(): number[] {
    return this.responses.map((r) => r.status);
  }
}

/** Intervals between consecutive times: [0, 500, 1500] → [500, 1000]. */
export function intervals(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - (times[i] as number));
}
