import { SwitchboardError } from '../shared/errors.js';
import type { Route } from './dialplan-schema.js';

/**
 * Chooses the route of an incoming call. Routes are compiled once; `match` walks them in order and the
 * first route whose conditions all hold wins. The winning route's blacklist is then tested against the
 * caller: a blacklisted caller is reported (the call layer answers 603 Decline) instead of routed on.
 */

/** What the call layer knows when it asks for a route. */
export interface CallFacts {
  /** Name of the trunk the INVITE came from. */
  trunk: string;
  /** User part of the Request-URI (the number called). */
  to: string;
  /** User part of the From URI (the caller). */
  from: string;
}

export type DialplanMatch = { route: Route } | { blacklisted: Route };

export interface DialplanMatcher {
  readonly routes: readonly Route[];
  match(facts: CallFacts): DialplanMatch | undefined;
}

interface CompiledRoute {
  route: Route;
  trunk: string | undefined;
  to: RegExp | undefined;
  from: RegExp | undefined;
  blacklist: RegExp[];
}

/** Compiles a dialplan pattern (unanchored, no flags); throws SyntaxError with the engine's message. */
export function compilePattern(source: string): RegExp {
  return new RegExp(source);
}

/** Throws SwitchboardError(CONFIG_INVALID) if a pattern does not compile (the loader reports these earlier). */
export function compileDialplan(routes: readonly Route[]): DialplanMatcher {
  const compiled = routes.map((route): CompiledRoute => {
    try {
      return {
        route,
        trunk: route.match.trunk,
        to: route.match.to === undefined ? undefined : compilePattern(route.match.to),
        from: route.match.from === undefined ? undefined : compilePattern(route.match.from),
        blacklist: route.blacklist.map(compilePattern),
      };
    } catch (e) {
      throw new SwitchboardError('CONFIG_INVALID', `route ${route.name}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  });
  return {
    routes,
    match(facts) {
      const hit = compiled.find((c) =>
        (c.trunk === undefined || c.trunk === facts.trunk)
        && (c.to === undefined || c.to.test(facts.to))
        && (c.from === undefined || c.from.test(facts.from)));
      if (!hit) return undefined;
      return hit.blacklist.some((re) => re.test(facts.from)) ? { blacklisted: hit.route } : { route: hit.route };
    },
  };
}
