/** The dialplan as the call layer sees it: a matcher that can be swapped on reload without touching live calls. */
export interface RouteInfo {
  name: string;
  /** Minimum ringing before answer. */
  ringMs: number;
  agent: { sampleRate: 8000 | 16000 | 24000 };
  lineTest?: { kind: 'echo' | 'tone'; delayMs: number; frequency: number };
}

export type RouteMatch = { route: RouteInfo } | { blacklisted: RouteInfo };

export interface RouteMatcher {
  match(facts: { trunk: string; to: string; from: string }): RouteMatch | undefined;
}
