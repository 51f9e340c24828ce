/** RFC 3261 §17 timer values (Table 4 of Appendix A). T1/T2/T4 are configurable; the rest derive from them. */
export interface TimerConfig {
  /** RTT estimate, default 500 ms. */
  t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  t2: number;
  /** Maximum duration a message remains in the network, default 5 s. */
  t4: number;
  /** Optional overrides (config sip.timers.timer*Ms); each defaults to 64*T1 as in the RFC. */
  timerB?: number;
  timerF?: number;
  timerH?: number;
  timerJ?: number;
}

export const DEFAULT_TIMERS: TimerConfig = { t1: 500, t2: 4000, t4: 5000 };

/** Named timers, so code reads like the RFC. */
export const timer = {
  /** INVITE request retransmit interval start (unreliable). */
  A: (c: TimerConfig) => c.t1,
  /** INVITE transaction timeout. */
  B: (c: TimerConfig) => c.timerB ?? 64 * c.t1,
  /** Wait time for response retransmits (client INVITE completed): > 32 s unreliable, 0 reliable. */
  D: (c: TimerConfig, reliable: boolean) => (reliable ? 0 : Math.max(32000, 64 * c.t1)),
  /** Non-INVITE request retransmit interval start. */
  E: (c: TimerConfig) => c.t1,
  /** Non-INVITE transaction timeout. */
  F: (c: TimerConfig) => c.timerF ?? 64 * c.t1,
  /** INVITE response retransmit interval start. */
  G: (c: TimerConfig) => c.t1,
  /** Wait time for ACK receipt. */
  H: (c: TimerConfig) => c.timerH ?? 64 * c.t1,
  /** Wait time for ACK retransmits: T4 unreliable, 0 reliable. */
  I: (c: TimerConfig, reliable: boolean) => (reliable ? 0 : c.t4),
  /** Wait time for non-INVITE request retransmits: 64*T1 unreliable, 0 reliable. */
  J: (c: TimerConfig, reliable: boolean) => (reliable ? 0 : (c.timerJ ?? 64 * c.t1)),
  /** Wait time for non-INVITE response retransmits: T4 unreliable, 0 reliable. */
  K: (c: TimerConfig, reliable: boolean) => (reliable ? 0 : c.t4),
  /** RFC 6026 §7.1: wait time for accepted INVITE request retransmits (server Accepted state). */
  L: (c: TimerConfig) => 64 * c.t1,
  /** RFC 6026 §7.2: wait time for retransmission of 2xx to INVITE (client Accepted state). */
  M: (c: TimerConfig) => 64 * c.t1,
} as const;
