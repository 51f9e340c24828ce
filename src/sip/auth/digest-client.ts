/**
 * UAC side of SIP Digest authentication: answers a 401 (WWW-Authenticate) or 407
 * (Proxy-Authenticate) with an Authorization / Proxy-Authorization value (RFC 3261 §22.2–22.3,
 * RFC 7616 §3.4, RFC 8760).
 *
 * - Of the challenges we can parse, the strongest algorithm we implement wins (RFC 8760 §2.4:
 *   SHA-512/256 over SHA-256 over MD5); among equals, the first one listed.
 * - qop=auth when offered, else auth-int (over `body`, empty when absent), else the RFC 2069 form
 *   when the server offered no qop at all. A challenge offering only unknown qop values is skipped.
 * - cnonce is random per answer; nc counts per nonce as 8 hex digits, remembered for a bounded
 *   number of nonces so re-using a nonce (stale=false re-challenges, preemptive re-auth) keeps counting.
 * - userhash=true is honoured (RFC 7616 §3.4.4).
 *
 * One credential is produced, for one realm: trunk credentials are a single username/password.
 */
import { randomBytes } from 'node:crypto';
import {
  type DigestAlgorithm, type DigestQop, algorithmRank, computeDigestResponse, hashedUsername, parseDigestAlgorithm,
} from './digest-algorithm.js';
import { type DigestChallenge, type DigestCredentials, parseDigestChallenge, serializeDigestCredentials } from './digest-params.js';

export interface DigestClientOptions {
  /** cnonce source (tests pass a fixed one); default 16 random bytes as hex. */
  cnonce?: () => string;
  /** How many nonces keep their nonce-count (LRU). */
  maxTrackedNonces?: number;
}

export interface DigestAnswerInput {
  /** WWW-Authenticate or Proxy-Authenticate header values of the 401/407. */
  challenges: readonly string[];
  method: string;
  /** The Request-URI of the request being retried (the digest-uri). */
  uri: string;
  username: string;
  password: string;
  /** Message body, for qop=auth-int. */
  body?: string;
}

export const DEFAULT_MAX_TRACKED_NONCES = 64;
const CNONCE_BYTES = 16;

interface Choice { challenge: DigestChallenge; algorithm: DigestAlgorithm; qop: DigestQop | undefined }

export class DigestClient {
  private readonly nonceCounts = new Map<string, number>();
  private readonly makeCnonce: () => string;
  private readonly maxTrackedNonces: number;

  constructor(opts: DigestClientOptions = {}) {
    this.makeCnonce = opts.cnonce ?? (() => randomBytes(CNONCE_BYTES).toString('hex'));
    this.maxTrackedNonces = opts.maxTrackedNonces ?? DEFAULT_MAX_TRACKED_NONCES;
  }

  /** The credentials header value, or undefined when no challenge is a Digest challenge we can answer. */
  answer(input: DigestAnswerInput): string | undefined {
    const choice = chooseChallenge(input.challenges);
    if (!choice) return undefined;
    const { challenge, algorithm, qop } = choice;
    const needsCnonce = qop !== undefined || algorithm.endsWith('-sess');
    const cnonce = needsCnonce ? this.makeCnonce() : undefined;
    const nc = qop !== undefined ? this.nextCount(challenge.nonce).toString(16).padStart(8, '0') : undefined;
    const response = computeDigestResponse({
      algorithm,
      username: input.username,
      realm: challenge.realm,
      password: input.password,
      nonce: challenge.nonce,
      method: input.method,
      uri: input.uri,
      qop,
      nc,
      cnonce,
      body: input.body,
    });
    const creds: DigestCredentials = {
      username: challenge.userhash ? hashedUsername(algorithm, input.username, challenge.realm) : input.username,
      realm: challenge.realm,
      nonce: challenge.nonce,
      uri: input.uri,
      response,
    };
    // Name the algorithm when the server named it; omit it when the server did not (RFC 2069 peers).
    if (challenge.algorithm !== undefined) creds.algorithm = algorithm;
    if (cnonce !== undefined) creds.cnonce = cnonce;
    if (challenge.opaque !== undefined) creds.opaque = challenge.opaque;
    if (qop !== undefined) { creds.qop = qop; creds.nc = nc; }
    if (challenge.userhash) creds.userhash = true;
    return serializeDigestCredentials(creds);
  }

  private nextCount(nonce: string): number {
    const count = (this.nonceCounts.get(nonce) ?? 0) + 1;
    this.nonceCounts.delete(nonce);
    if (this.nonceCounts.size >= this.maxTrackedNonces) {
      const oldest = this.nonceCounts.keys().next();
      if (!oldest.done) this.nonceCounts.delete(oldest.value);
    }
    this.nonceCounts.set(nonce, count);
    return count;
  }
}

function chooseQop(offered: readonly string[]): DigestQop | undefined | null {
  if (offered.length === 0) return undefined; // RFC 2069 form
  if (offered.includes('auth')) return 'auth';
  if (offered.includes('auth-int')) return 'auth-int';
  return null; // only qop values we do not implement
}

function chooseChallenge(values: readonly string[]): Choice | undefined {
  let best: Choice | undefined;
  for (const value of values) {
    const challenge = parseDigestChallenge(value);
    if (!challenge) continue;
    const algorithm = parseDigestAlgorithm(challenge.algorithm);
    if (algorithm === undefined) continue;
    const qop = chooseQop(challenge.qop);
    if (qop === null) continue;
    if (!best || algorithmRank(algorithm) < algorithmRank(best.algorithm)) best = { challenge, algorithm, qop };
  }
  return best;
}
