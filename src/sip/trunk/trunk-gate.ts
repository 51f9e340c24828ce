/**
 * Admission of every incoming SIP request before the UA acts on it (RFC 3261 §8.2: the UAS
 * authenticates, §8.2.2 and onwards, before it processes the request). Run it after the transaction
 * layer has absorbed retransmissions: a retransmitted INVITE would otherwise spend rate-limit tokens
 * and be refused as a replayed nonce-count.
 *
 * Order of the rules:
 * 1. Per-source-address rate limit (token bucket). Over the limit: a source inside some trunk's
 *    addresses gets 503 + Retry-After (RFC 3261 §21.5.4); anyone else is dropped (a scanner or flood
 *    gets no answer to amplify). Exempt: ACK, CANCEL and in-dialog requests — they continue something
 *    already admitted, and dropping them breaks calls (a lost ACK for a 2xx tears the call down).
 * 2. Trunk match: the first trunk whose addresses contain the source AND whose transports include the
 *    one it arrived on. None: `unknownSources` decides — drop, or 403 Forbidden.
 * 3. TLS client certificate, when the trunk requires one: the request must have come over TLS with a
 *    certificate the TLS layer authorized and, if subjects are listed, a matching CN. Else 403.
 * 4. Digest (RFC 3261 §22.4), when the trunk has credentials, for out-of-dialog requests only:
 *    - never ACK or CANCEL: they cannot be resubmitted with credentials (RFC 3261 §22.1);
 *    - not in-dialog requests: the dialog was created by an authenticated request. `inDialog` must mean
 *      "matched an established or early dialog", not merely "has a To tag" (that is trivially forged);
 *    - not OPTIONS by default (`methodsWithoutAuth`): PBXs use it as a keepalive and rarely answer challenges;
 *    - everything else is challenged: initial INVITE, out-of-dialog REFER, MESSAGE, SUBSCRIBE, INFO, …
 *    Missing, malformed or wrong credentials → 401 with fresh challenges; an expired nonce with the right
 *    digest → 401 with stale=true. A wrong password and an unknown username give the same decision.
 * Any "reject" for an ACK becomes a drop: ACK never gets a response (RFC 3261 §17.1.1.3, §17.2.1).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SwitchboardError } from '../../shared/errors.js';
import type { Timers } from '../../shared/timers.js';
import type { Metrics } from '../../observability/metrics.js';
import type { DigestAlgorithm } from '../auth/digest-algorithm.js';
import { parseDigestCredentials } from '../auth/digest-params.js';
import { DigestServer, DEFAULT_DIGEST_ALGORITHMS } from '../auth/digest-server.js';
import { DEFAULT_NONCE_TTL_MS } from '../auth/nonce.js';
import { CidrList, type IpAddress, parseIp } from './cidr.js';
import { KeyedRateLimiter, DEFAULT_MAX_RATE_LIMIT_KEYS } from './token-bucket.js';
import type { TrunkConfig, TrunkGateConfig, TrunkTransport } from './trunk-config.js';

export interface GateRequest {
  sourceAddress: string;
  transport: TrunkTransport;
  /** Method as on the request line (case-sensitive, RFC 3261 §7.1). */
  method: string;
  /** True when the request matched an existing dialog (see the note above). */
  inDialog: boolean;
  /** Authorization header value(s); with several, the one for the trunk's realm is used. */
  authorization?: string | readonly string[];
  tlsPeer?: { authorized: boolean; subjectCN?: string };
}

/** Stable labels for logs and the `switchboard_sip_requests_rejected_total{reason}` metric. */
export type GateCause =
  | 'rate_limited' | 'unknown_source' | 'tls_client_cert'
  | 'auth_missing' | 'auth_malformed' | 'auth_stale' | 'auth_failed';

export type GateDecision =
  | { action: 'accept'; trunk: TrunkConfig; /** Digest username when the request was authenticated. */ username?: string }
  | { action: 'drop'; cause: GateCause }
  | { action: 'reject'; status: 401 | 403 | 503; reason: string; headers: Array<[string, string]>; cause: GateCause };

export interface TrunkGateOptions {
  timers: Timers;
  /** Key for stateless digest nonces; share it between instances behind one address. Default: random per process. */
  nonceSecret?: string | Uint8Array;
  nonceTtlMs?: number;
  digestAlgorithms?: readonly DigestAlgorithm[];
  /** Source addresses tracked individually by the rate limiter. */
  maxRateLimitKeys?: number;
  /** Out-of-dialog methods let through without digest (ACK and CANCEL always are). */
  methodsWithoutAuth?: readonly string[];
  metrics?: Pick<Metrics, 'sipRejected'>;
}

export const DEFAULT_METHODS_WITHOUT_AUTH: readonly string[] = ['OPTIONS'];
const NONCE_SECRET_BYTES = 32;

interface CompiledDigest { server: DigestServer; username: string; password: string }
interface CompiledTrunk { config: TrunkConfig; cidrs: CidrList; transports: ReadonlySet<TrunkTransport>; digest?: CompiledDigest }

export class TrunkGate {
  private readonly limiter: KeyedRateLimiter;
  private readonly nonceSecret: string | Uint8Array;
  private readonly methodsWithoutAuth: ReadonlySet<string>;
  private config: TrunkGateConfig;
  private trunks: CompiledTrunk[];

  constructor(config: TrunkGateConfig, private readonly opts: TrunkGateOptions) {
    this.nonceSecret = opts.nonceSecret ?? randomBytes(NONCE_SECRET_BYTES);
    this.methodsWithoutAuth = new Set(opts.methodsWithoutAuth ?? DEFAULT_METHODS_WITHOUT_AUTH);
    this.trunks = this.compile(config, []);
    this.config = config;
    this.limiter = new KeyedRateLimiter({
      ...config.rateLimit, timers: opts.timers, maxKeys: opts.maxRateLimitKeys ?? DEFAULT_MAX_RATE_LIMIT_KEYS,
    });
  }

  /**
   * Applies a reloaded configuration. Rate-limit state per source survives; a trunk whose name and
   * digest settings are unchanged keeps its digest server (and so its replay cache). Nonces stay valid
   * across reloads (same secret). Throws CONFIG_INVALID, leaving the old config in place, on a bad address.
   */
  update(config: TrunkGateConfig): void {
    const trunks = this.compile(config, this.trunks);
    this.limiter.update(config.rateLimit);
    this.trunks = trunks;
    this.config = config;
  }

  decide(req: GateRequest): GateDecision {
    const ip = parseIp(req.sourceAddress);
    const isAck = req.method === 'ACK';
    const continuesAdmitted = isAck || req.method === 'CANCEL' || req.inDialog;

    if (!continuesAdmitted) {
      const taken = this.limiter.take(ip ? ipKey(ip) : req.sourceAddress);
      if (!taken.ok) {
        const known = ip !== undefined && this.trunks.some((t) => t.cidrs.contains(ip));
        if (!known) return this.drop('rate_limited');
        return this.reject(req, 503, 'Service Unavailable', [['Retry-After', String(taken.retryAfterSeconds)]], 'rate_limited');
      }
    }

    const trunk = ip && this.trunks.find((t) => t.transports.has(req.transport) && t.cidrs.contains(ip));
    if (!trunk) {
      return this.config.unknownSources === 'reject'
        ? this.reject(req, 403, 'Forbidden', [], 'unknown_source')
        : this.drop('unknown_source');
    }

    if (trunk.config.tlsClientCert?.required && !tlsPeerAccepted(req, trunk.config.tlsClientCert.subjects)) {
      return this.reject(req, 403, 'Forbidden', [], 'tls_client_cert');
    }

    if (!trunk.digest || continuesAdmitted || this.methodsWithoutAuth.has(req.method)) {
      return { action: 'accept', trunk: trunk.config };
    }
    return this.authenticate(req, trunk, trunk.digest);
  }

  private authenticate(req: GateRequest, trunk: CompiledTrunk, digest: CompiledDigest): GateDecision {
    const { server } = digest;
    const result = server.verify({
      method: req.method,
      authorization: pickCredentials(req.authorization, server.realm),
      lookup: (username, realm) =>
        constantTimeEqual(username, digest.username) && realm === server.realm ? digest.password : undefined,
    });
    if (result.ok) return { action: 'accept', trunk: trunk.config, username: result.username };
    const cause = ({ missing: 'auth_missing', malformed: 'auth_malformed', stale: 'auth_stale', invalid: 'auth_failed' } as const)[result.reason];
    const challenges = server.challenge(result.reason === 'stale');
    return this.reject(req, 401, 'Unauthorized', challenges.map((c): [string, string] => ['WWW-Authenticate', c]), cause);
  }

  private reject(
    req: GateRequest, status: 401 | 403 | 503, reason: string, headers: Array<[string, string]>, cause: GateCause,
  ): GateDecision {
    if (req.method === 'ACK') return this.drop(cause);
    this.opts.metrics?.sipRejected.inc({ reason: cause });
    return { action: 'reject', status, reason, headers, cause };
  }

  private drop(cause: GateCause): GateDecision {
    this.opts.metrics?.sipRejected.inc({ reason: cause });
    return { action: 'drop', cause };
  }

  private compile(config: TrunkGateConfig, previous: readonly CompiledTrunk[]): CompiledTrunk[] {
    return config.trunks.map((t) => {
      const cidrs = CidrList.parse(t.addresses);
      if (!cidrs) throw new SwitchboardError('CONFIG_INVALID', `trunk "${t.name}" has an address that is not a CIDR`);
      const compiled: CompiledTrunk = { config: t, cidrs, transports: new Set(t.transports) };
      if (t.digest) {
        const d = t.digest;
        const reuse = previous.find((p) => p.config.name === t.name && p.digest && p.config.digest
          && p.config.digest.realm === d.realm && p.digest.username === d.username && p.digest.password === d.password
          && (p.config.digest.algorithms ?? []).join() === (d.algorithms ?? []).join());
        compiled.digest = reuse?.digest ?? {
          server: new DigestServer({
            realm: d.realm,
            secret: this.nonceSecret,
            timers: this.opts.timers,
            nonceTtlMs: this.opts.nonceTtlMs ?? DEFAULT_NONCE_TTL_MS,
            algorithms: d.algorithms ?? this.opts.digestAlgorithms ?? DEFAULT_DIGEST_ALGORITHMS,
          }),
          username: d.username,
          password: d.password,
        };
      }
      return compiled;
    });
  }
}

/** One rate-limit key per address whatever its spelling (`::ffff:1.2.3.4` and `1.2.3.4` are one source). */
function ipKey(ip: IpAddress): string {
  return ip.family === 4 ? `4:${ip.value}` : `6:${ip.words.join(':')}`;
}

function tlsPeerAccepted(req: GateRequest, subjects: readonly string[] | undefined): boolean {
  if (req.transport !== 'tls' || !req.tlsPeer?.authorized) return false;
  if (!subjects || subjects.length === 0) return true;
  const cn = req.tlsPeer.subjectCN?.toLowerCase();
  return cn !== undefined && subjects.some((s) => s.toLowerCase() === cn);
}

/** With several Authorization values, the one answering our realm (RFC 3261 §22.4); else the first. */
function pickCredentials(values: string | readonly string[] | undefined, realm: string): string | undefined {
  if (values === undefined || typeof values === 'string') return values;
  return values.find((v) => parseDigestCredentials(v)?.realm === realm) ?? values[0];
}

/** Username comparison whose time does not depend on how much of it matched. */
function constantTimeEqual(a: string, b: string): boolean {
  const h = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(h(a), h(b));
}
