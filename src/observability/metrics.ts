import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The one typed metrics object. Created once in main and passed to whoever records.
 * Metric and label names are a public interface (dashboards): add, do not rename.
 */
export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'switchboard_process_' });
  const m = {
    registry,
    sipMessagesIn: new Counter({
      name: 'switchboard_sip_messages_received_total', help: 'SIP messages received',
      labelNames: ['transport', 'kind'] as const, registers: [registry],
    }),
    sipMessagesOut: new Counter({
      name: 'switchboard_sip_messages_sent_total', help: 'SIP messages sent',
      labelNames: ['transport', 'kind'] as const, registers: [registry],
    }),
    sipParseErrors: new Counter({
      name: 'switchboard_sip_parse_errors_total', help: 'Malformed SIP messages (answered 400 or dropped)',
      labelNames: ['transport', 'action'] as const, registers: [registry],
    }),
    sipRetransmissions: new Counter({
      name: 'switchboard_sip_retransmissions_total', help: 'Retransmissions sent by transactions (RFC 3261 §17)',
      labelNames: ['kind'] as const, registers: [registry],
    }),
    sipTransactions: new Gauge({
      name: 'switchboard_sip_transactions', help: 'Live SIP transactions', labelNames: ['kind'] as const, registers: [registry],
    }),
    sipDialogs: new Gauge({ name: 'switchboard_sip_dialogs', help: 'Live SIP dialogs', registers: [registry] }),
    sipRejected: new Counter({
      name: 'switchboard_sip_requests_rejected_total', help: 'Requests refused before reaching a call',
      labelNames: ['reason'] as const, registers: [registry],
    }),
    callsActive: new Gauge({ name: 'switchboard_calls_active', help: 'Calls in progress', registers: [registry] }),
    callsTotal: new Counter({
      name: 'switchboard_calls_total', help: 'Calls ended, by outcome', labelNames: ['direction', 'outcome'] as const,
      registers: [registry],
    }),
    agentConnectSeconds: new Histogram({
      name: 'switchboard_agent_connect_seconds', help: 'Time to connect the agent WebSocket',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
    firstAudioOutSeconds: new Histogram({
      name: 'switchboard_first_audio_out_seconds', help: 'Answer to the first agent audio leaving as RTP',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10], registers: [registry],
    }),
    transfersTotal: new Counter({
      name: 'switchboard_transfers_total', help: 'Operator transfers: started, answered (bridged or REFER completed), failed',
      labelNames: ['event', 'method'] as const, registers: [registry],
    }),
    slowAgentFramesDropped: new Counter({
      name: 'switchboard_agent_frames_dropped_total', help: 'Caller audio frames not sent to an agent that is not keeping up',
      registers: [registry],
    }),
    mediaPacketsLost: new Counter({ name: 'switchboard_media_packets_lost_total', help: 'RTP packets lost on the way in (RFC 3550 A.3), summed at call end', registers: [registry] }),
    mediaJitterSeconds: new Histogram({
      name: 'switchboard_media_jitter_seconds', help: 'Interarrival jitter of the caller\'s RTP at call end (RFC 3550 A.8)',
      buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1], registers: [registry],
    }),
    mediaRttSeconds: new Histogram({
      name: 'switchboard_media_rtt_seconds', help: 'Round-trip time from RTCP (RFC 3550 §6.4.1) at call end',
      buckets: [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1], registers: [registry],
    }),
    srtpFailures: new Counter({ name: 'switchboard_srtp_failures_total', help: 'SRTP packets dropped (authentication, replay)', registers: [registry] }),
    callSetupSeconds: new Histogram({
      name: 'switchboard_call_setup_seconds', help: 'INVITE received to 200 OK sent',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
    integrationLatency: new Histogram({
      name: 'switchboard_integration_latency_seconds', help: 'Integration call start to decision (result sent), by integration',
      labelNames: ['integration'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5], registers: [registry],
    }),
    integrationResults: new Counter({
      name: 'switchboard_integration_results_total',
      help: 'Integration decisions by integration, status (ok, stale, failed, timeout, rejected) and error code (none when ok)',
      labelNames: ['integration', 'status', 'code'] as const, registers: [registry],
    }),
    integrationBreakerState: new Gauge({
      name: 'switchboard_integration_breaker_state', help: 'Integration circuit breaker: 0 closed, 1 half-open, 2 open',
      labelNames: ['integration'] as const, registers: [registry],
    }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
