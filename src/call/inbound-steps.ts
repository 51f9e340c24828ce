/**
 * The inbound INVITE as an ordered list of small named steps (the shape jambonz uses). Each step either
 * passes, or ends the call with a named rejection from termination.ts. Later issues insert their steps
 * (enrich caller, connect agent) at the marked places without touching the others.
 */
import type { InboundCall, Rejection } from '../engine/engine.js';
import { RejectionError } from '../engine/engine.js';
import type { Logger } from '../observability/logger.js';
import { REJECTIONS } from './termination.js';
import type { CallRegistry } from './call-registry.js';
import type { RouteMatcher, RouteInfo } from './routes.js';
import type { IntegrationRunner } from '../integrations/index.js';
import type { TransferReason } from '../transfer/operator-policy.js';
import { enrichmentParameters, isFailure, routeIntegrations } from './call-integrations.js';

export interface StepContext {
  call: InboundCall;
  log: Logger;
  route?: RouteInfo;
  /** Set by authenticateTrunk once a trunk slot is held; released by the call's teardown. */
  holdsSlot: boolean;
  agentConnectMs?: number;
  /** The agent is connected (set by connectAgent). */
  agentConnected: boolean;
  /** callStart integration results for the agent's `start` parameters. */
  enrichment: Record<string, string | number | boolean>;
  /** Answer, then go straight to the operator (the agent could not be reached, or enrichment failed so). */
  transferOnAnswer?: TransferReason;
  /** The integrations in force when the call arrived (a reload does not change a live call's). */
  runner?: IntegrationRunner;
}

export interface StepDeps {
  registry: CallRegistry;
  /** Bound on audio queued toward a slow agent (config agents.maxBufferedBytes). */
  agentMaxBufferedBytes: number;
  maxCallsFor(trunk: string): number;
  routes(): RouteMatcher;
  integrations(): IntegrationRunner | undefined;
}

export type Step = { name: string; run(ctx: StepContext, deps: StepDeps): Promise<Rejection | undefined> | Rejection | undefined };

/** Trunk identity and digest were checked by the engine's gate; here the trunk's concurrent-call limit. */
export const authenticateTrunk: Step = {
  name: 'authenticate-trunk',
  run(ctx, deps) {
    if (!deps.registry.tryAdd(ctx.call.trunk, deps.maxCallsFor(ctx.call.trunk))) return REJECTIONS.trunkBusy;
    ctx.holdsSlot = true;
    return undefined;
  },
};

/** First matching route wins; no match → 404; blacklisted caller → 603. */
export const matchDialplan: Step = {
  name: 'match-dialplan',
  run(ctx, deps) {
    const m = deps.routes().match({ trunk: ctx.call.trunk, to: ctx.call.to.user, from: ctx.call.from.user });
    if (!m) return REJECTIONS.noRoute;
    if ('blacklisted' in m) return REJECTIONS.blacklisted;
    ctx.route = m.route;
    ctx.log = ctx.log.child({ route: m.route.name });
    return undefined;
  },
};

/**
 * Caller enrichment: the route's `on: callStart` integrations run together under the route's integration budget
 * (e.g. a CRM lookup by caller number); their mapped fields become the agent's `start` parameters. A failure
 * follows the integration's onFailure: continue (the agent sees `<name>.status`), transfer (the operator takes
 * the call without the agent), hangup (the call is refused with 480).
 */
export const enrichCaller: Step = {
  name: 'enrich-caller',
  async run(ctx, deps) {
    const route = ctx.route;
    ctx.runner = deps.integrations();
    if (!route || route.lineTest) return undefined;
    const defs = routeIntegrations(ctx.runner, route, 'callStart');
    const runner = ctx.runner;
    if (!runner || defs.length === 0) return undefined;
    const call = ctx.call;
    const results = await Promise.all(defs.map((def) => runner.run(def.name, {}, {
      id: `${call.id}:${def.name}`, budgetMs: route.budgets.integrationMs,
      call: { id: call.id, from: call.from.user, to: call.to.user, route: route.name, trunk: call.trunk },
    }, () => undefined).then((r) => ({ def, r }))));
    for (const { def, r } of results) {
      Object.assign(ctx.enrichment, enrichmentParameters(def.name, r));
      if (!isFailure(r)) continue;
      ctx.log.warn({ integration: def.name, status: r.status, code: r.error?.code }, 'caller enrichment failed');
      if (def.onFailure === 'hangup') return REJECTIONS.integrationFailed;
      if (def.onFailure === 'transfer' && route.operator) {
        ctx.transferOnAnswer ??= { trigger: r.status === 'timeout' ? 'integration-timeout' : 'integration-failed', integration: def.name, ...(r.error ? { detail: r.error.code } : {}) };
      }
    }
    return undefined;
  },
};

/** Connect the route's agent before answering (the caller hears ringing meanwhile); 480 if it cannot be reached. */
export const connectAgent: Step = {
  name: 'connect-agent',
  async run(ctx, deps) {
    const route = ctx.route;
    if (!route || route.lineTest || ctx.transferOnAnswer) return undefined;
    try {
      const { connectMs } = await ctx.call.connectAgent({
        ...route.agent, parameters: { ...route.agent.parameters, ...ctx.enrichment }, meta: { route: route.name },
        connectTimeoutMs: route.budgets.agentConnectMs, maxBufferedBytes: deps.agentMaxBufferedBytes,
      });
      ctx.agentConnectMs = connectMs;
      ctx.agentConnected = true;
      return undefined;
    } catch (e) {
      if (!(e instanceof RejectionError)) throw e;
      // No agent: the route's operator takes the call (answered with silence, then transferred at once).
      if (!route.operator) return e.rejection;
      ctx.log.warn({ status: e.rejection.status, reason: e.rejection.reason }, 'agent unavailable; the operator takes the call');
      ctx.transferOnAnswer = { trigger: 'agent-unavailable', detail: e.rejection.reason };
      return undefined;
    }
  },
};

/** Offer/answer per the trunk's SRTP policy; 488/400 with a Warning when nothing acceptable is offered. */
export const negotiateMedia: Step = {
  name: 'negotiate-media',
  async run(ctx) {
    try {
      const route = ctx.route;
      const test = route?.lineTest;
      // The agent, or the route's line test (echo or tone) instead of it.
      const app = ctx.transferOnAnswer || (!test && !ctx.agentConnected) ? { kind: 'silence' as const }
        : !test ? { kind: 'agent' as const }
        : test.kind === 'tone' ? { kind: 'tone' as const, frequency: test.frequency, amplitude: 8000 }
          : { kind: 'echo' as const, delayMs: test.delayMs };
      await ctx.call.prepareMedia({ sampleRate: route?.agent.sampleRate ?? 8000, app });
      return undefined;
    } catch (e) {
      if (e instanceof RejectionError) return e.rejection;
      throw e;
    }
  },
};

/** Ring at least the route's `ringMs` (counted from when ringing started). */
export const ringBeforeAnswer: Step = {
  name: 'ring-before-answer',
  async run(ctx) {
    const ms = ctx.route?.ringMs ?? 0;
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
    return undefined;
  },
};

export const INBOUND_STEPS: readonly Step[] = [authenticateTrunk, matchDialplan, enrichCaller, connectAgent, negotiateMedia, ringBeforeAnswer];
