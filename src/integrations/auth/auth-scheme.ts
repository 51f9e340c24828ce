import type { Deadline } from '../../shared/deadline.js';
import type { Timers } from '../../shared/timers.js';
import type { HttpClient, UpstreamTls } from '../http-client.js';
import type { HttpMethod } from '../schema.js';

/** A request about to leave, as auth schemes see it. Header names are lower-case. */
export interface OutgoingRequest {
  method: HttpMethod;
  /** Path and query, encoded. An apiKey in the query is appended here. */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** One way of authenticating to an upstream (auth/*.ts). */
export interface AuthScheme {
  /** TLS material the connection pool needs (mutual TLS). */
  readonly tls?: UpstreamTls;
  /** Add credentials to the request. May wait (an OAuth2 token), but never past `deadline`. */
  apply(req: OutgoingRequest, deadline: Deadline): void | Promise<void>;
  /**
   * The upstream answered 401 to `req`. Returns true when new credentials may help, so the caller retries
   * once (OAuth2 drops the token `req` carried); false when retrying cannot change the answer.
   */
  unauthorized(req: OutgoingRequest): boolean;
}

/** What the schemes may need from their surroundings. */
export interface AuthContext {
  http: HttpClient;
  timers: Timers;
  /** Wall-clock milliseconds since the epoch (HMAC timestamps). */
  wallClock: () => number;
  /** Reads certificate and key files (mTLS). */
  readFile: (path: string) => Buffer;
  /** OAuth2 token request limit (the shared request is not bound to any one caller's budget). Default 5000. */
  tokenTimeoutMs?: number;
}
