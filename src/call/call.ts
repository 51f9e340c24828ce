/**
 * One answered inbound call: owns its signalling leg (through the engine port), its agent's control events,
 * its integrations and its transfer to an operator, and ends through one path (CallService's onEnded).
 */
import type { CallLeg, EndCause, InboundCallInfo, MediaSummary } from '../engine/engine.js';
import type { IntegrationResult, IntegrationRunner } from '../integrations/index.js';
import type { Logger } from '../observability/logger.js';
import type { Timers } from '../shared/timers.js';
import { TransferController, type TransferDeps, type TransferEvent } from '../transfer/transfer-controller.js';
import type { TransferReason } from '../transfer/operator-policy.js';
import { isFailure, parseAsk, refusal, routeIntegrations } from './call-integrations.js';
import type { RouteInfo } from './routes.js';
import type { ErrorCode } from '../shared/errors.js';

const NO_OPERATOR: ErrorCode = 'TRANSFER_NO_OPERATOR';

export type AgentControl = { event: string; [key: string]: unknown };

export interface CallHooks {
  dtmf(digit: string, durationMs: number): void;
  agent(event: AgentControl): void;
  integration(name: string, result: IntegrationResult): void;
  transfer(ev: TransferEvent): void;
}

export interface CallInit {
  inbound: InboundCallInfo;
  leg: CallLeg;
  route: RouteInfo | undefined;
  log: Logger;
  timers: Timers;
  runner: IntegrationRunner | undefined;
  /** The agent is connected (false for line tests and when it could not be reached). */
  agentConnected: boolean;
  transferDeps: Omit<TransferDeps, 'onEvent'>;
  hooks: CallHooks;
}

export class Call {
  readonly id: string;
  private agentUp: boolean;
  private endedFlag = false;
  readonly answeredAt: number;
  readonly transfer?: TransferController;

  constructor(private readonly c: CallInit) {
    this.id = c.inbound.id;
    this.agentUp = c.agentConnected;
    this.answeredAt = c.timers.now();
    const op = c.route?.operator;
    if (op) {
      this.transfer = new TransferController({
        id: this.id, leg: c.leg, callerUser: c.inbound.from.user,
        ...(c.inbound.from.displayName ? { callerDisplayName: c.inbound.from.displayName } : {}),
        sampleRate: c.route?.agent.sampleRate ?? 8000, log: c.log,
        agentPresent: () => this.agentUp, ended: () => this.endedFlag,
      }, op, { ...c.transferDeps, onEvent: (ev) => c.hooks.transfer(ev) });
    }
    c.leg.onAgent((ev) => {
      if (ev.type === 'closed') this.agentClosed(ev.code, ev.reason);
      else this.agentEvent(ev.event);
    });
    c.leg.onDtmf((digit, ms) => this.dtmf(digit, ms));
  }

  get agentPresent(): boolean {
    return this.agentUp;
  }

  /** Send the call to the route's operator (or, without one, tell the agent it cannot). */
  startTransfer(reason: TransferReason): void {
    if (!this.transfer) {
      this.c.log.warn({ trigger: reason.trigger }, 'transfer requested but the route has no operator');
      if (this.agentUp) this.c.leg.sendToAgent({ event: 'transferFailed', transferFailed: { reason: reason.trigger, error: { code: NO_OPERATOR } } });
      else void this.c.leg.hangup('No Operator Configured', 'transfer-failed');
      return;
    }
    void this.transfer.start(reason).catch((e: unknown) => {
      this.c.log.error({ err: e instanceof Error ? e.stack : String(e) }, 'transfer failed unexpectedly');
      void this.c.leg.hangup('Transfer Failed', 'transfer-failed');
    });
  }

  private transferring(): boolean {
    return this.transfer !== undefined && this.transfer.state !== 'idle';
  }

  private agentClosed(code: number, reason: string): void {
    const was = this.agentUp;
    this.agentUp = false;
    // Closed by us for a bridge, or after the call went to an operator: nothing to do.
    if (!was || this.transferring() || this.endedFlag) return;
    this.c.log.warn({ code, reason }, 'agent disconnected');
    if (this.transfer) this.startTransfer({ trigger: 'agent-disconnected', detail: `${code} ${reason}`.trim() });
    else void this.c.leg.hangup('Agent Disconnected', 'agent-disconnected');
  }

  private agentEvent(event: AgentControl): void {
    switch (event.event) {
      case 'hangup':
        this.c.log.info('agent hung up');
        void this.c.leg.hangup('Agent Hangup', 'agent-hangup');
        return;
      case 'transfer': {
        const body = event['transfer'];
        const why = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['reason'] : undefined;
        this.startTransfer({ trigger: 'agent-request', ...(typeof why === 'string' && why ? { detail: why } : {}) });
        break;
      }
      case 'integration':
        this.integration(event);
        break;
      default:
        this.c.log.info({ event: event.event }, 'agent control event');
    }
    this.c.hooks.agent(event);
  }

  private integration(event: AgentControl): void {
    const ask = parseAsk(event);
    if (!ask) {
      const id = typeof (event['integration'] as Record<string, unknown> | undefined)?.['id'] === 'string' ? String((event['integration'] as Record<string, unknown>)['id']) : '';
      this.c.leg.sendToAgent(refusal(id, 'INTEGRATION_INVALID_PARAMS'));
      return;
    }
    const route = this.c.route;
    const runner = this.c.runner;
    const allowed = route && routeIntegrations(runner, route, 'request').some((d) => d.name === ask.name);
    if (!route || !runner || !allowed) {
      this.c.leg.sendToAgent(refusal(ask.id, 'INTEGRATION_UNKNOWN'));
      return;
    }
    const def = runner.definition(ask.name);
    const inbound = this.c.inbound;
    // A timeout here would transfer: have the operator's INVITE ready before the budget runs out.
    const prepares = def?.onFailure === 'transfer' && this.transfer !== undefined;
    if (prepares) this.transfer?.prepare({ trigger: 'integration-timeout', integration: ask.name, detail: 'INTEGRATION_TIMEOUT' });
    void runner.run(ask.name, ask.params, {
      id: ask.id, budgetMs: route.budgets.integrationMs,
      call: { id: this.id, from: inbound.from.user, to: inbound.to.user, route: route.name, trunk: inbound.trunk },
    }, (ev) => {
      if (!this.endedFlag) this.c.leg.sendToAgent(ev as unknown as Record<string, unknown>);
    }).then((r) => {
      this.c.hooks.integration(ask.name, r);
      if (this.endedFlag || !isFailure(r)) {
        if (prepares) this.transfer?.unprepare();
        return;
      }
      if (def?.onFailure === 'transfer') {
        this.startTransfer({ trigger: r.status === 'timeout' ? 'integration-timeout' : 'integration-failed', integration: ask.name, ...(r.error ? { detail: r.error.code } : {}) });
        if (prepares) this.transfer?.unprepare();
      } else if (def?.onFailure === 'hangup') {
        void this.c.leg.hangup('Integration Failed', 'local-hangup');
      }
    });
  }

  private dtmf(digit: string, ms: number): void {
    this.c.log.debug({ digit }, 'dtmf');
    const key = this.c.route?.operator?.dtmfKey;
    if (key !== undefined && digit === key && !this.transferring()) this.startTransfer({ trigger: 'dtmf', detail: digit });
    this.c.hooks.dtmf(digit, ms);
  }

  /** The leg ended: stop a transfer in progress, run the callEnd integrations (write-back). */
  ended(cause: EndCause, _media?: MediaSummary): void {
    this.endedFlag = true;
    this.transfer?.callEnded();
    const route = this.c.route;
    const runner = this.c.runner;
    if (!route || !runner) return;
    const inbound = this.c.inbound;
    const durationSeconds = Math.round((this.c.timers.now() - this.answeredAt) / 1000);
    for (const def of routeIntegrations(runner, route, 'callEnd')) {
      void runner.run(def.name, {}, {
        id: `${this.id}:callEnd`, budgetMs: route.budgets.integrationMs,
        call: { id: this.id, from: inbound.from.user, to: inbound.to.user, route: route.name, trunk: inbound.trunk, endCause: cause, durationSeconds },
      }, () => undefined).then((r) => {
        this.c.hooks.integration(def.name, r);
        if (isFailure(r)) this.c.log.warn({ integration: def.name, status: r.status, code: r.error?.code }, 'callEnd integration failed');
      });
    }
  }
}
