/**
 * The call layer's facade: takes each inbound call from the engine through the inbound steps, answers it,
 * and owns its single teardown path (registry slot, metrics, log). It knows the engine only by its ports.
 */
import { RejectionError, type Engine, type EndCause, type InboundCall, type MediaSummary, type OriginateRequest, type Rejection } from '../engine/engine.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { Timers } from '../shared/timers.js';
import { CallRegistry } from './call-registry.js';
import { INBOUND_STEPS, type StepContext, type StepDeps } from './inbound-steps.js';
import type { RouteMatcher } from './routes.js';
import { REJECTIONS, endedLabel } from './termination.js';
import { Call } from './call.js';
import type { IntegrationResult, IntegrationRunner } from '../integrations/index.js';
import type { TransferDeps, TransferEvent } from '../transfer/transfer-controller.js';

export interface CallServiceOptions {
  engine: Engine;
  logger: Logger;
  metrics: Metrics;
  timers: Timers;
  maxCallsFor(trunk: string): number;
  routes(): RouteMatcher;
  /** Longest a call may last before Switchboard hangs up. */
  maxDurationMs: number;
  agentMaxBufferedBytes: number;
  /** The integrations of the dialplans in force (swapped on reload). */
  integrations(): IntegrationRunner | undefined;
  /** sip.publicAddress: From/Referred-By host of transfers. */
  publicAddress: string;
  /** Absolute path of a prompt named in a dialplan (dialplans/prompts/<name>). */
  promptPath(name: string): string;
}

/** What happens in calls, for observers (tests today; webhooks and the agent link later). */
export type CallEvent =
  | { type: 'answered'; callId: string; trunk: string; route: string }
  | { type: 'dtmf'; callId: string; digit: string; durationMs: number }
  | { type: 'agent'; callId: string; event: { event: string; [key: string]: unknown } }
  | { type: 'integration'; callId: string; name: string; result: IntegrationResult }
  | { type: 'transfer'; callId: string; event: TransferEvent }
  | { type: 'ended'; callId: string; cause: string; media?: MediaSummary };

export class CallService {
  readonly registry = new CallRegistry();
  private draining = false;
  private readonly observers: ((ev: CallEvent) => void)[] = [];

  onEvent(cb: (ev: CallEvent) => void): void {
    this.observers.push(cb);
  }

  private publish(ev: CallEvent): void {
    for (const cb of this.observers) cb(ev);
  }

  /** How transfers reach the engine: the same for every call. */
  private readonly transferDeps: Omit<TransferDeps, 'onEvent'>;

  constructor(private readonly opts: CallServiceOptions) {
    this.transferDeps = engineTransferDeps(opts.engine, opts.publicAddress, opts.promptPath);
    opts.engine.onInboundCall((call) => void this.handle(call));
  }

  get activeCalls(): number {
    return this.registry.size;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  drain(): void {
    this.draining = true;
    this.opts.engine.drain();
  }

  private async handle(call: InboundCall): Promise<void> {
    const { metrics } = this.opts;
    const started = this.opts.timers.now();
    const ctx: StepContext = { call, log: this.opts.logger.child({ callId: call.id, trunk: call.trunk }), holdsSlot: false, agentConnected: false, enrichment: {} };
    ctx.log.info({ from: call.from.user, to: call.to.user, transport: call.source.transport }, 'inbound call');
    let cancelled = false;
    const release = (): void => {
      if (ctx.holdsSlot) {
        ctx.holdsSlot = false;
        this.registry.remove(call.trunk);
        metrics.callsActive.set(this.registry.size);
      }
    };
    call.onCancel(() => {
      cancelled = true;
      ctx.log.info('caller cancelled');
      metrics.callsTotal.inc({ direction: 'inbound', outcome: 'caller_cancelled' });
      release();
    });
    const deps: StepDeps = {
      registry: this.registry, maxCallsFor: this.opts.maxCallsFor, routes: this.opts.routes,
      agentMaxBufferedBytes: this.opts.agentMaxBufferedBytes, integrations: this.opts.integrations,
    };
    const reject = (r: Rejection): void => {
      ctx.log.info({ status: r.status, outcome: r.label }, 'call rejected');
      metrics.callsTotal.inc({ direction: 'inbound', outcome: r.label });
      call.reject(r);
      release();
    };
    if (this.draining) return reject(REJECTIONS.draining);
    try {
      for (const step of INBOUND_STEPS) {
        const r = await step.run(ctx, deps);
        if (cancelled) return;
        if (r) return reject(r);
        metrics.callsActive.set(this.registry.size);
        if (step.name === 'match-dialplan') call.progress('ringing');
      }
      let leg;
      try {
        leg = await call.answer();
      } catch (e) {
        if (e instanceof RejectionError && !cancelled) return reject(e.rejection);
        throw e;
      }
      metrics.callSetupSeconds.observe((this.opts.timers.now() - started) / 1000);
      ctx.log.info({ setupMs: Math.round(this.opts.timers.now() - started) }, 'call answered');
      const limit = this.opts.timers.setTimeout(() => void leg.hangup('Maximum Call Duration'), this.opts.maxDurationMs);
      this.publish({ type: 'answered', callId: call.id, trunk: call.trunk, route: ctx.route?.name ?? '' });
      if (ctx.agentConnectMs !== undefined) metrics.agentConnectSeconds.observe(ctx.agentConnectMs / 1000);
      const id = call.id;
      const live = new Call({
        inbound: call, leg, route: ctx.route, log: ctx.log, timers: this.opts.timers, runner: ctx.runner,
        agentConnected: ctx.agentConnected,
        transferDeps: this.transferDeps,
        hooks: {
          dtmf: (digit, durationMs) => this.publish({ type: 'dtmf', callId: id, digit, durationMs }),
          agent: (event) => this.publish({ type: 'agent', callId: id, event }),
          integration: (name, result) => this.publish({ type: 'integration', callId: id, name, result }),
          transfer: (event) => {
            metrics.transfersTotal.inc({ event: event.type, method: event.type === 'transfer.failed' ? 'none' : event.method });
            this.publish({ type: 'transfer', callId: id, event });
          },
        },
      });
      if (ctx.transferOnAnswer) live.startTransfer(ctx.transferOnAnswer);
      leg.onEnded((cause: EndCause, media?: MediaSummary) => {
        limit.cancel();
        live.ended(cause, media);
        ctx.log.info({ cause, durationMs: Math.round(this.opts.timers.now() - started), media }, 'call ended');
        metrics.callsTotal.inc({ direction: 'inbound', outcome: endedLabel(cause) });
        if (media) recordMedia(metrics, media);
        release();
        this.publish({ type: 'ended', callId: call.id, cause, ...(media ? { media } : {}) });
      });
    } catch (e) {
      ctx.log.error({ err: e instanceof Error ? e.stack : String(e) }, 'call setup failed');
      if (!cancelled) reject(REJECTIONS.internal);
    }
  }
}

function engineTransferDeps(engine: Engine, publicAddress: string, promptPath: (name: string) => string): Omit<TransferDeps, 'onEvent'> {
  const prepare = engine.prepareOriginate?.bind(engine);
  return {
    originate: (req: OriginateRequest) => engine.originate(req),
    ...(prepare ? { prepareOriginate: (req: OriginateRequest) => prepare(req) } : {}),
    publicAddress, promptPath,
  };
}

function recordMedia(metrics: Metrics, m: MediaSummary): void {
  metrics.mediaPacketsLost.inc(m.packetsLost);
  metrics.mediaJitterSeconds.observe(m.jitterMs / 1000);
  if (m.rttMs !== undefined) metrics.mediaRttSeconds.observe(m.rttMs / 1000);
  if (m.firstAudioOutMs !== undefined) metrics.firstAudioOutSeconds.observe(m.firstAudioOutMs / 1000);
  if (m.srtpFailures > 0) metrics.srtpFailures.inc(m.srtpFailures);
  if (m.agentFramesDropped) metrics.slowAgentFramesDropped.inc(m.agentFramesDropped);
}
