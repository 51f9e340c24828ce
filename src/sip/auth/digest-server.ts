/**
 * UAS side of SIP Digest authentication: RFC 3261 §22.4 with the RFC 7616 algorithms as adopted
 * for SIP by RFC 8760.
 *
 * - challenge(): one header value per configured algorithm, strongest first (RFC 8760 §2.4), each
 *   with its own fresh stateless nonce (nonce.ts), qop="auth" and the realm's opaque.
 * - verify(): checks credentials. Anti-enumeration (SIPVicious-style scanners probe usernames):
 *   an unknown username and a wrong password give the same reason ('invalid') after the same work —
 *   the digest is always computed, against a per-instance dummy password when the user is unknown —
 *   so the caller answers identically.
 * - An authentic but expired nonce yields 'stale' only when the digest itself is right, so the UAC
 *   can retry with stale=true without asking for a password again (RFC 7616 §3.3); otherwise 'invalid'.
 * - qop=auth (nc + cnonce) and the RFC 2069 form without qop (still sent by old PBXs) are accepted;
 *   with qop, a repeated (nonce, nc) is refused as a replay (nonce-count-cache.ts).
 *
 * Not checked: the digest-uri against the Request-URI (SIP URI comparison, RFC 3261 §19.1.4, is
 * left to the caller if it wants it); userhash and auth-int are never offered, so never accepted.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Timers } from '../../shared/timers.js';
import { type DigestAlgorithm, computeDigestResponse, parseDigestAlgorithm } from './digest-algorithm.js';
import { parseDigestCredentials, serializeDigestChallenge } from './digest-params.js';
import { NonceCountCache, DEFAULT_NONCE_COUNT_CACHE_SIZE } from './nonce-count-cache.js';
import { type NonceIssuer, StatelessNonceIssuer, DEFAULT_NONCE_TTL_MS, DEFAULT_MAX_CLOCK_SKEW_MS } from './nonce.js';

export interface DigestServerOptions {
  realm: string;
  /** HMAC key for stateless nonces; instances sharing it accept each other's nonces. */
  secret: string | Uint8Array;
  timers: Timers;
  /** Nonce lifetime; older authentic nonces answer 'stale'. */
  nonceTtlMs?: number;
  /** Allowed clock skew for nonces minted by another instance. */
  maxClockSkewMs?: number;
  /** Offered algorithms, most preferred first (the order the challenges go out). Default SHA-256, MD5. */
  algorithms?: readonly DigestAlgorithm[];
  /** Refuse a repeated (nonce, nc) for qop=auth credentials. */
  replayProtection?: boolean;
  /** Bound of the nonce-count LRU used for replay protection. */
  nonceCountCacheSize?: number;
  /** Accept RFC 2069 credentials without qop (no replay protection within the nonce lifetime). */
  allowNoQop?: boolean;
  /** Replaces the stateless nonces (tests use it to replay RFC example nonces). */
  nonceIssuer?: NonceIssuer;
}

export interface DigestVerifyInput {
  method: string;
  /** The Authorization (or Proxy-Authorization) header value; absent when the request had none. */
  authorization: string | undefined;
  /** The password for (username, realm), or undefined when there is no such user. */
  lookup: (username: string, realm: string) => string | undefined;
}

export type DigestFailure = 'missing' | 'malformed' | 'stale' | 'invalid';

export type DigestVerifyResult =
  | { ok: true; username: string; algorithm: DigestAlgorithm }
  | { ok: false; reason: DigestFailure };

export const DEFAULT_DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['SHA-256', 'MD5'];
const DUMMY_PASSWORD_BYTES = 18;
const HEX = /^[0-9a-f]+$/;

export class DigestServer {
  readonly realm: string;
  readonly algorithms: readonly DigestAlgorithm[];
  private readonly nonces: NonceIssuer;
  private readonly counts: NonceCountCache | undefined;
  private readonly allowNoQop: boolean;
  /** Used for unknown users so their verification costs the same as a known user's. */
  private readonly dummyPassword = randomBytes(DUMMY_PASSWORD_BYTES).toString('base64url');

  constructor(opts: DigestServerOptions) {
    this.realm = opts.realm;
    // RFC 8760 §2.4: one challenge per algorithm in order of preference — the configured order, because
    // the admin knows whether their PBX reads past the first challenge (SIPp and some older PBXs do not).
    this.algorithms = [...new Set(opts.algorithms ?? DEFAULT_DIGEST_ALGORITHMS)];
    this.nonces = opts.nonceIssuer ?? new StatelessNonceIssuer({
      realm: opts.realm,
      secret: opts.secret,
      timers: opts.timers,
      nonceTtlMs: opts.nonceTtlMs ?? DEFAULT_NONCE_TTL_MS,
      maxClockSkewMs: opts.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS,
    });
    this.counts = (opts.replayProtection ?? true)
      ? new NonceCountCache(opts.nonceCountCacheSize ?? DEFAULT_NONCE_COUNT_CACHE_SIZE)
      : undefined;
    this.allowNoQop = opts.allowNoQop ?? true;
  }

  /**
   * WWW-Authenticate (401) / Proxy-Authenticate (407) values, one per algorithm, strongest first
   * (RFC 8760 §2.4), each with a fresh nonce. stale=true after a 'stale' verification (RFC 7616 §3.3).
   */
  challenge(stale = false): string[] {
    return this.algorithms.map((algorithm) => serializeDigestChallenge({
      realm: this.realm,
      nonce: this.nonces.issue(),
      opaque: this.nonces.opaque,
      algorithm,
      qop: ['auth'],
      stale,
      userhash: false,
    }));
  }

  verify(input: DigestVerifyInput): DigestVerifyResult {
    if (input.authorization === undefined || input.authorization.trim() === '') return { ok: false, reason: 'missing' };
    const creds = parseDigestCredentials(input.authorization);
    if (!creds) return { ok: false, reason: 'malformed' };
    const nc = creds.nc === undefined ? undefined : Number.parseInt(creds.nc, 16);
    if (nc === 0) return { ok: false, reason: 'malformed' }; // nc counts from 00000001

    // Everything below is decided without short-circuiting on the username, so unknown users and
    // wrong passwords cost the same and end the same.
    const algorithm = parseDigestAlgorithm(creds.algorithm);
    const qopOk = creds.qop === 'auth' || (creds.qop === undefined && this.allowNoQop);
    const offered = algorithm !== undefined && this.algorithms.includes(algorithm);
    const realmOk = creds.realm === this.realm;
    const opaqueOk = creds.opaque === undefined || creds.opaque === this.nonces.opaque;
    const nonceState = this.nonces.check(creds.nonce);

    const password = input.lookup(creds.username, creds.realm);
    const known = password !== undefined;
    const expected = computeDigestResponse({
      algorithm: algorithm ?? 'MD5',
      username: creds.username,
      realm: creds.realm,
      password: password ?? this.dummyPassword,
      nonce: creds.nonce,
      method: input.method,
      uri: creds.uri,
      qop: creds.qop === 'auth' ? 'auth' : undefined,
      nc: creds.nc,
      cnonce: creds.cnonce,
    });
    const match = hexEqual(expected, creds.response.toLowerCase());

    if (!(match && known && offered && qopOk && realmOk && opaqueOk && nonceState !== 'forged')) {
      return { ok: false, reason: 'invalid' };
    }
    if (nonceState === 'expired') return { ok: false, reason: 'stale' };
    if (nc !== undefined && creds.qop !== undefined && this.counts && !this.counts.use(creds.nonce, nc)) {
      return { ok: false, reason: 'invalid' }; // replayed (nonce, nc)
    }
    return { ok: true, username: creds.username, algorithm: algorithm ?? 'MD5' };
  }
}

/** Constant-time comparison of our hex digest with the received one (any length, any content). */
function hexEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const sameShape = received.length === expected.length && HEX.test(received);
  const b = sameShape ? Buffer.from(received, 'utf8') : a;
  return timingSafeEqual(a, b) && sameShape;
}
