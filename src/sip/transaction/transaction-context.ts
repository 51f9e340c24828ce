/** What every transaction gets from the transaction layer. */
import type { Timers, TimerHandle } from '../../shared/timers.js';
import type { SipMessage } from '../message/sip-message.js';
import type { Destination } from '../transport/transport.js';
import type { TimerConfig } from './timer-config.js';

export interface TransactionContext {
  timers: Timers;
  config: TimerConfig;
  send(msg: SipMessage, dest: Destination): void;
  /** Counts retransmissions (metrics). */
  retransmitted(kind: 'request' | 'response'): void;
  /** Remove the transaction from the layer's table. */
  terminated(key: string): void;
}

/** Holder for a transaction's running timers so every state change can cancel what no longer applies. */
export class TimerSet {
  private readonly handles = new Map<string, TimerHandle>();
  constructor(private readonly timers: Timers) {}

  start(name: string, ms: number, fn: () => void): void {
    this.stop(name);
    this.handles.set(name, this.timers.setTimeout(() => {
      this.handles.delete(name);
      fn();
    }, ms));
  }

  stop(name: string): void {
    this.handles.get(name)?.cancel();
    this.handles.delete(name);
  }

  stopAll(): void {
    for (const h of this.handles.values()) h.cancel();
    this.handles.clear();
  }
}
