import { Deadline, raceDeadline } from '../../shared/deadline.js';
import { SwitchboardError } from '../../shared/errors.js';
import type { Timers } from '../../shared/timers.js';
import type { Upstream } from '../http-client.js';
import type { AuthScheme, OutgoingRequest } from './auth-scheme.js';

/**
 * OAuth 2.0 client-credentials grant (RFC 6749 §4.4) with a cached bearer token (RFC 6750 §2.1).
 *
 * - One token request at a time (single flight): every caller that needs a token while one is being fetched
 *   waits for that same request, each only within its own budget.
 * - The token is used until `refreshRatio` (80 %) of `expires_in` has passed; after that the next caller
 *   still uses it (it is valid) and starts one background refresh. Past `expires_in` callers wait for a new one.
 * - A 401 from the upstream drops the token it was sent with (once: a caller holding an older token does not
 *   drop a newer one), and the caller may retry once with a fresh token.
 */

export interface OAuth2Options {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  audience?: string;
  clientAuth: 'basic' | 'body';
  /** The upstream of the token endpoint. */
  tokenUpstream: Upstream;
  timers: Timers;
  /** Limit of one token request. Default 5000. */
  tokenTimeoutMs?: number;
  /** Fraction of expires_in after which the token is refreshed. Default 0.8. */
  refreshRatio?: number;
  /** Lifetime assumed when the token response has no expires_in (RFC 6749 §5.1 makes it optional). Default 300. */
  defaultExpiresInSeconds?: number;
}

interface Token {
  value: string;
  refreshAt: number;
  expiresAt: number;
}

/** RFC 6749 Appendix B: application/x-www-form-urlencoded. */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

export class OAuth2Auth implements AuthScheme {
  private token: Token | undefined;
  private inflight: Promise<Token> | undefined;
  /** Token requests made (tests and diagnostics). */
  requests = 0;
  private readonly tokenPath: string;

  constructor(private readonly o: OAuth2Options) {
    const url = new URL(o.tokenUrl);
    this.tokenPath = url.pathname + url.search;
  }

  async apply(req: OutgoingRequest, deadline: Deadline): Promise<void> {
    const now = this.o.timers.now();
    let token = this.token;
    if (token && now >= token.expiresAt) token = undefined;
    if (token && now >= token.refreshAt) this.refresh().catch(() => undefined);
    if (!token) token = await raceDeadline(this.refresh(), deadline);
    req.headers.authorization = `Bearer ${token.value}`;
  }

  unauthorized(req: OutgoingRequest): boolean {
    if (this.token && req.headers.authorization === `Bearer ${this.token.value}`) this.token = undefined;
    return true;
  }

  /** The one token request in flight, or a new one. */
  refresh(): Promise<Token> {
    if (!this.inflight) {
      this.inflight = this.fetchToken().then(
        (t) => { this.token = t; this.inflight = undefined; return t; },
        (e: unknown) => { this.inflight = undefined; throw e; },
      );
    }
    return this.inflight;
  }

  private async fetchToken(): Promise<Token> {
    const o = this.o;
    this.requests++;
    const fields: string[] = ['grant_type=client_credentials'];
    if (o.scope !== undefined) fields.push(`scope=${formEncode(o.scope)}`);
    if (o.audience !== undefined) fields.push(`audience=${formEncode(o.audience)}`);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (o.clientAuth === 'basic') {
      // RFC 6749 §2.3.1: id and secret are form-encoded, then used as HTTP Basic user-id and password.
      const cred = `${formEncode(o.clientId)}:${formEncode(o.clientSecret)}`;
      headers.authorization = `Basic ${Buffer.from(cred, 'utf8').toString('base64')}`;
    } else {
      fields.push(`client_id=${formEncode(o.clientId)}`, `client_secret=${formEncode(o.clientSecret)}`);
    }
    const deadline = new Deadline(o.tokenTimeoutMs ?? 5000, o.timers);
    const started = o.timers.now();
    try {
      const res = await o.tokenUpstream.request({ method: 'POST', path: this.tokenPath, headers, body: fields.join('&'), deadline });
      if (res.status < 200 || res.status > 299) {
        throw new SwitchboardError('INTEGRATION_AUTH', `token endpoint ${o.tokenUpstream.origin} answered ${res.status}`);
      }
      return this.parseToken(res.body, started);
    } catch (e) {
      if (e instanceof SwitchboardError && e.code === 'INTEGRATION_AUTH') throw e;
      throw new SwitchboardError('INTEGRATION_AUTH', `token request to ${o.tokenUpstream.origin} failed`, { cause: e });
    } finally {
      deadline.dispose();
    }
  }

  /** RFC 6749 §5.1 successful response: access_token, token_type, expires_in (seconds, optional). */
  private parseToken(body: string, requestedAt: number): Token {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      doc = undefined;
    }
    const rec = doc !== null && typeof doc === 'object' ? (doc as Record<string, unknown>) : {};
    const value = rec.access_token;
    if (typeof value !== 'string' || value === '' || /[\r\n]/.test(value)) {
      throw new SwitchboardError('INTEGRATION_AUTH', `token endpoint ${this.o.tokenUpstream.origin} sent no usable access_token`);
    }
    const given = Number(rec.expires_in);
    const lifetimeMs = (Number.isFinite(given) && given > 0 ? given : this.o.defaultExpiresInSeconds ?? 300) * 1000;
    // Lifetimes count from when the request left: the server's clock started no earlier than that.
    return { value, refreshAt: requestedAt + lifetimeMs * (this.o.refreshRatio ?? 0.8), expiresAt: requestedAt + lifetimeMs };
  }
}
