import type { Deadline } from '../shared/deadline.js';
import { SwitchboardError } from '../shared/errors.js';
import type { Timers } from '../shared/timers.js';
import type { AuthScheme, OutgoingRequest } from './auth/index.js';
import type { CallOutcome } from './breaker.js';
import type { Upstream } from './http-client.js';
import type { MappedData, ResponseMap } from './response-map.js';

/**
 * The request itself, under the call's Deadline: credentials, the HTTP exchange, status check, mapping, and
 * the retries that fit.
 *
 * Retries (RFC 9110 §9.2.2: only idempotent methods may be repeated without changing the outcome):
 * up to `attempts` more tries of GET, HEAD, PUT, DELETE and OPTIONS after a transport error or a 500/502/503/504,
 * each only if the remaining budget is at least max(minRemainingMs, how long the failed try took) and the rate
 * limiter still has a token. A 401 with OAuth2 drops the token and tries once more with a new one (any method:
 * a 401 means the request was not acted on, RFC 9110 §15.5.2), under the same budget rule.
 */

export interface UpstreamCall {
  upstream: Upstream;
  auth: AuthScheme;
  response: ResponseMap;
  idempotent: boolean;
  retries: number;
  minRemainingMs: number;
  timers: Timers;
  /** Take a rate-limit token for a further try (always true without a rate limit). */
  takeToken: () => boolean;
}

const RETRYABLE_STATUS: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/** A non-2xx answer: INTEGRATION_HTTP_STATUS, or INTEGRATION_AUTH for 401/403, with the status. */
export class UpstreamStatusError extends SwitchboardError {
  constructor(code: 'INTEGRATION_HTTP_STATUS' | 'INTEGRATION_AUTH', readonly httpStatus: number, origin: string) {
    super(code, `${origin} answered ${httpStatus}`);
  }
}

/** The upstream's HTTP status carried by the error, if any. */
export function httpStatusOf(e: SwitchboardError): number | undefined {
  return e instanceof UpstreamStatusError ? e.httpStatus : undefined;
}

function retryable(e: SwitchboardError): boolean {
  if (e.code === 'INTEGRATION_TRANSPORT') return true;
  const s = httpStatusOf(e);
  return e.code === 'INTEGRATION_HTTP_STATUS' && s !== undefined && RETRYABLE_STATUS.has(s);
}

/** What the call tells the breaker: did the upstream misbehave? (4xx and auth refusals say nothing about its health.) */
export function breakerOutcome(e: SwitchboardError): CallOutcome {
  switch (e.code) {
    case 'INTEGRATION_TIMEOUT':
    case 'INTEGRATION_TRANSPORT':
    case 'INTEGRATION_BAD_RESPONSE':
      return 'failure';
    case 'INTEGRATION_HTTP_STATUS': {
      const s = httpStatusOf(e) ?? 0;
      return s >= 500 || s === 429 ? 'failure' : 'neutral';
    }
    default:
      return 'neutral';
  }
}

export function asIntegrationError(e: unknown, deadline: Deadline): SwitchboardError {
  if (deadline.expired) return e instanceof SwitchboardError && e.code === 'INTEGRATION_TIMEOUT' ? e : new SwitchboardError('INTEGRATION_TIMEOUT', undefined, { cause: e });
  if (e instanceof SwitchboardError) return e;
  return new SwitchboardError('INTEGRATION_TRANSPORT', e instanceof Error ? e.message : 'request failed', { cause: e });
}

export async function callUpstream(c: UpstreamCall, base: OutgoingRequest, deadline: Deadline): Promise<MappedData> {
  let retriesLeft = c.idempotent ? c.retries : 0;
  let authRetryLeft = true;
  const fits = (tookMs: number): boolean => deadline.remainingMs() >= Math.max(c.minRemainingMs, tookMs);
  for (;;) {
    const started = c.timers.now();
    const req: OutgoingRequest = { ...base, headers: { ...base.headers } };
    let error: SwitchboardError;
    try {
      await c.auth.apply(req, deadline);
      const res = await c.upstream.request({ method: req.method, path: req.path, headers: req.headers, ...(req.body !== undefined ? { body: req.body } : {}), deadline });
      if (res.status >= 200 && res.status <= 299) return c.response.project(res.body, res.contentType);
      if (res.status === 401 && authRetryLeft && c.auth.unauthorized(req)) {
        authRetryLeft = false;
        if (fits(c.timers.now() - started) && c.takeToken()) continue;
      }
      error = new UpstreamStatusError(res.status === 401 || res.status === 403 ? 'INTEGRATION_AUTH' : 'INTEGRATION_HTTP_STATUS', res.status, c.upstream.origin);
    } catch (e) {
      error = asIntegrationError(e, deadline);
    }
    if (retriesLeft > 0 && retryable(error) && fits(c.timers.now() - started) && c.takeToken()) {
      retriesLeft--;
      continue;
    }
    throw error;
  }
}
