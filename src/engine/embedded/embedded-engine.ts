/**
 * The embedded engine: Switchboard's own SIP stack (src/sip) and media (src/media) in this process, behind
 * the engine ports. It composes transport → transactions → user agent, puts the trunk gate in front, and turns
 * each admitted INVITE into an InboundCall.
 */
import type { Timers } from '../../shared/timers.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import { DataPlane } from '../../media/plane/data-plane.js';
import type { MediaOptions } from '../../media/plane/protocol.js';
import type { AudioCodec, SrtpPolicy } from '../../sdp/index.js';
import { TransportLayer } from '../../sip/transport/transport-layer.js';
import type { ListenSpec } from '../../sip/transport/transport.js';
import type { TlsOptions } from '../../sip/transport/stream.js';
import { TransactionLayer } from '../../sip/transaction/transaction-layer.js';
import type { TimerConfig } from '../../sip/transaction/timer-config.js';
import { UserAgent, type Admission } from '../../sip/user-agent.js';
import type { SessionTimerConfig } from '../../sip/dialog/session-timer.js';
import { TrunkGate } from '../../sip/trunk/trunk-gate.js';
import type { TrunkGateConfig } from '../../sip/trunk/trunk-config.js';
import type { SipRequest } from '../../sip/message/sip-message.js';
import type { CallLeg, Engine, EngineStats, InboundCall, OriginateRequest, PreparedOriginate } from '../engine.js';
import { originate, prepareOutbound, type OutboundDeps } from './outbound-call.js';
import { AgentApps } from '../agent-plane/agent-apps.js';
import { EmbeddedInboundCall } from './inbound-call.js';
import type { EmbeddedCallLeg } from './call-leg.js';

export interface EmbeddedEngineOptions {
  listen: ListenSpec[];
  publicAddress: string;
  tls?: TlsOptions;
  maxMessageBytes: number;
  /** Idle TCP/TLS connections close after this long. */
  connectionIdleTimeoutMs: number;
  connectTimeoutMs: number;
  timerConfig: TimerConfig;
  sessionTimers: SessionTimerConfig;
  userAgent: string;
  gate: TrunkGateConfig;
  /** SRTP policy per trunk name. */
  srtpByTrunk: Record<string, SrtpPolicy>;
  nonceSecret?: string;
  nonceTtlMs: number;
  media: {
    host: string;
    portMin: number;
    portMax: number;
    /** Worker threads for media; 0 = in this thread. */
    workers: number;
    codecs: AudioCodec[];
    ptimeMs: number;
    session: Omit<MediaOptions, 'pcmRate' | 'app'>;
  };
  timers: Timers;
  logger: Logger;
  metrics: Metrics;
}

export class EmbeddedEngine implements Engine {
  readonly name = 'embedded' as const;
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  readonly ua: UserAgent;
  readonly gate: TrunkGate;
  readonly plane: DataPlane;
  private handler: (call: InboundCall) => void = (c) => c.reject({ status: 480, reason: 'Temporarily Unavailable', label: 'no_handler' });
  private readonly legs = new Set<EmbeddedCallLeg>();

  constructor(private readonly opts: EmbeddedEngineOptions) {
    this.transport = new TransportLayer({
      listen: opts.listen, publicAddress: opts.publicAddress, maxMessageBytes: opts.maxMessageBytes,
      idleTimeoutMs: opts.connectionIdleTimeoutMs, connectTimeoutMs: opts.connectTimeoutMs,
      logger: opts.logger, metrics: opts.metrics, ...(opts.tls ? { tls: opts.tls } : {}),
    });
    this.transactions = new TransactionLayer(this.transport, {
      timers: opts.timers, config: opts.timerConfig, metrics: opts.metrics,
    });
    this.gate = new TrunkGate(opts.gate, {
      timers: opts.timers, nonceTtlMs: opts.nonceTtlMs, metrics: opts.metrics,
      ...(opts.nonceSecret ? { nonceSecret: opts.nonceSecret } : {}),
    });
    this.ua = new UserAgent({
      transport: this.transport, transactions: this.transactions, timers: opts.timers, logger: opts.logger,
      metrics: opts.metrics, userAgent: opts.userAgent, sessionTimers: opts.sessionTimers,
      mergedRequestWindowMs: 64 * opts.timerConfig.t1,
      admit: (req, inDialog) => this.admit(req, inDialog),
    });
    this.plane = new DataPlane({
      host: opts.media.host, portMin: opts.media.portMin, portMax: opts.media.portMax, workers: opts.media.workers,
      workerEntry: new URL('./worker/agent-worker.mjs', import.meta.url), apps: new AgentApps(),
    });
    this.ua.onInvite = (invite) => {
      const call = new EmbeddedInboundCall(invite, {
        mediaPublicAddress: opts.publicAddress, plane: this.plane, codecs: opts.media.codecs, ptimeMs: opts.media.ptimeMs,
        media: opts.media.session, srtp: opts.srtpByTrunk[invite.trunk ?? ''] ?? 'off', logger: opts.logger,
        onLeg: (leg) => {
          this.legs.add(leg);
          leg.onEnded(() => this.legs.delete(leg));
        },
      });
      this.handler(call);
    };
  }

  private admit(req: SipRequest, inDialog: boolean): Admission {
    const src = req.source;
    if (!src) return { action: 'drop' };
    const d = this.gate.decide({
      sourceAddress: src.address, transport: src.transport, method: req.method, inDialog,
      authorization: req.headers.getAll('authorization').concat(req.headers.getAll('proxy-authorization')),
      ...(src.tlsPeer ? { tlsPeer: src.tlsPeer } : {}),
    });
    if (d.action === 'accept') return { action: 'accept', trunk: d.trunk.name };
    if (d.action === 'drop') return { action: 'drop' };
    // An ACK is never answered (RFC 3261 §17.2.1): the gate's reject for one becomes a drop.
    if (req.method === 'ACK') return { action: 'drop' };
    return { action: 'reject', status: d.status, reason: d.reason, headers: d.headers };
  }

  async start(): Promise<void> {
    await this.plane.ready();
    await this.transport.start();
  }

  onInboundCall(handler: (call: InboundCall) => void): void {
    this.handler = handler;
  }

  originate(req: OriginateRequest): Promise<CallLeg> {
    return originate(req, this.outboundDeps());
  }

  prepareOriginate(req: OriginateRequest): Promise<PreparedOriginate> {
    return prepareOutbound(req, this.outboundDeps());
  }

  private outboundDeps(): OutboundDeps {
    const o = this.opts;
    return {
      ua: this.ua, plane: this.plane, publicAddress: o.publicAddress, codecs: o.media.codecs, ptimeMs: o.media.ptimeMs,
      media: o.media.session, logger: o.logger,
      onLeg: (leg) => {
        this.legs.add(leg);
        leg.onEnded(() => this.legs.delete(leg));
      },
    };
  }

  drain(): void {
    this.ua.draining = true;
  }

  async stop(): Promise<void> {
    this.ua.draining = true;
    await this.ua.endAll();
    this.transactions.shutdown();
    await this.transport.stop();
    await this.plane.stop();
  }

  stats(): EngineStats {
    return { activeCalls: this.ua.sessionCount, pendingCalls: this.ua.pendingCount, ready: true };
  }
}
