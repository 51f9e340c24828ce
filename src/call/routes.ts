/** The dialplan as the call layer sees it: a matcher that can be swapped on reload without touching live calls. */
import type { OperatorPolicy } from '../transfer/operator-policy.js';

export interface RouteInfo {
  name: string;
  /** Minimum ringing before answer. */
  ringMs: number;
  agent: {
    url: string;
    protocol: 'twilio' | 'l16';
    sampleRate: 8000 | 16000 | 24000;
    headers: Record<string, string>;
    parameters: Record<string, string | number | boolean>;
  };
  budgets: { agentConnectMs: number; integrationMs: number };
  /** Names of the integrations this route may use (callStart, request and callEnd ones). */
  integrations: string[];
  operator?: OperatorPolicy;
  lineTest?: { kind: 'echo' | 'tone'; delayMs: number; frequency: number };
}

export type RouteMatch = { route: RouteInfo } | { blacklisted: RouteInfo };

export interface RouteMatcher {
  match(facts: { trunk: string; to: string; from: string }): RouteMatch | undefined;
}
