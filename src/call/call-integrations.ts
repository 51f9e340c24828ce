/**
 * A call's integrations (src/integrations) at their three moments: callStart (caller enrichment, results become
 * the agent's `start` parameters), agent requests mid-call (`integration` → `integrationPending`/`integrationResult`),
 * and callEnd (write-back). Only integrations the route lists, with the matching `on`, can run.
 */
import type { IntegrationResult, IntegrationRunner } from '../integrations/index.js';
import type { IntegrationDefinition } from '../integrations/index.js';
import type { RouteInfo } from './routes.js';

export type Trigger = IntegrationDefinition['on'];

/** The route's integrations with this trigger, in the route's order. */
export function routeIntegrations(runner: IntegrationRunner | undefined, route: RouteInfo, on: Trigger): IntegrationDefinition[] {
  if (!runner) return [];
  return route.integrations.map((n) => runner.definition(n)).filter((d): d is IntegrationDefinition => d !== undefined && (d.on ?? 'request') === on);
}

/** What the agent asked for, checked for shape (the runner checks the parameters). */
export interface IntegrationAsk {
  id: string;
  name: string;
  params: unknown;
}

export function parseAsk(event: Record<string, unknown>): IntegrationAsk | undefined {
  const body = event['integration'];
  if (typeof body !== 'object' || body === null) return undefined;
  const { id, name, params } = body as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || id.length > 128 || typeof name !== 'string') return undefined;
  return { id, name, params: params ?? {} };
}

/** `integrationResult` for a request refused before the runner (unknown to the route, malformed). */
export function refusal(id: string, code: 'INTEGRATION_UNKNOWN' | 'INTEGRATION_INVALID_PARAMS'): Record<string, unknown> {
  return { event: 'integrationResult', integrationResult: { id, status: 'rejected', data: null, latencyMs: 0, error: { code } } };
}

/**
 * callStart results as `start` parameters: `<integration>.<field>` for each mapped field (strings, numbers and
 * booleans as they are; other values as JSON) and `<integration>.status`.
 */
export function enrichmentParameters(name: string, r: IntegrationResult): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = { [`${name}.status`]: r.status };
  const data = r.data;
  if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[`${name}.${k}`] = v;
      else if (v !== null && v !== undefined) out[`${name}.${k}`] = JSON.stringify(v);
    }
  }
  return out;
}

export function isFailure(r: IntegrationResult): boolean {
  return r.status === 'failed' || r.status === 'timeout';
}
