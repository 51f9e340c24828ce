/**
 * Stateless server nonces (RFC 7616 §3.3 leaves the nonce format to the server; §5.4 suggests a
 * timestamp plus a keyed hash so the server need not remember what it issued):
 *
 *   nonce = base64url( timestamp(8, ms, big-endian) || random(16) || HMAC-SHA256(secret, realm || 0x00 || timestamp || random) )
 *
 * Any instance holding the same secret verifies the nonces of the others. The realm is mixed into
 * the MAC so a nonce issued for one realm is not accepted by another sharing the secret.
 * Timestamps are wall-clock milliseconds (so instances agree) advanced by `Timers.now()` (so fake
 * timers drive expiry in tests): wall = Date.now() at construction + (timers.now() - timers.now() at construction).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SwitchboardError } from '../../shared/errors.js';
import type { Timers } from '../../shared/timers.js';

/** What the digest server needs from a nonce source; tests substitute fixed RFC nonces. */
export interface NonceIssuer {
  /** The opaque value sent with every challenge and expected back unchanged (RFC 7616 §3.3). */
  readonly opaque: string;
  issue(): string;
  /** fresh: ours and within its lifetime; expired: ours but too old (→ stale=true); forged: not ours. */
  check(nonce: string): NonceCheck;
}

export type NonceCheck = 'fresh' | 'expired' | 'forged';

export interface StatelessNonceOptions {
  realm: string;
  /** HMAC key shared by every instance that must accept the others' nonces; at least MIN_NONCE_SECRET_BYTES. */
  secret: string | Uint8Array;
  timers: Timers;
  /** Lifetime of a nonce; older authentic nonces are "expired" (stale). */
  nonceTtlMs?: number;
  /** How far in the future a nonce timestamp may be (clock skew between instances) before it is refused. */
  maxClockSkewMs?: number;
  /** Wall clock in ms; by default anchored to Date.now() once and advanced by timers.now(). */
  wallClock?: () => number;
}

export const DEFAULT_NONCE_TTL_MS = 300_000;
export const DEFAULT_MAX_CLOCK_SKEW_MS = 30_000;
export const MIN_NONCE_SECRET_BYTES = 16;
const TIMESTAMP_BYTES = 8;
const RANDOM_BYTES = 16;
const MAC_BYTES = 32;
const NONCE_BYTES = TIMESTAMP_BYTES + RANDOM_BYTES + MAC_BYTES;
const OPAQUE_BYTES = 16;

export class StatelessNonceIssuer implements NonceIssuer {
  readonly opaque: string;
  private readonly key: Buffer;
  private readonly realm: Buffer;
  private readonly ttlMs: number;
  private readonly skewMs: number;
  private readonly wallClock: () => number;

  constructor(opts: StatelessNonceOptions) {
    this.key = typeof opts.secret === 'string' ? Buffer.from(opts.secret, 'utf8') : Buffer.from(opts.secret);
    if (this.key.length < MIN_NONCE_SECRET_BYTES) {
      throw new SwitchboardError('CONFIG_INVALID', `digest nonce secret must be at least ${MIN_NONCE_SECRET_BYTES} bytes`);
    }
    this.realm = Buffer.from(`${opts.realm}\u0000`, 'utf8');
    this.ttlMs = opts.nonceTtlMs ?? DEFAULT_NONCE_TTL_MS;
    this.skewMs = opts.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    if (opts.wallClock) {
      this.wallClock = opts.wallClock;
    } else {
      const timers = opts.timers;
      const anchor = Date.now() - timers.now();
      this.wallClock = () => anchor + timers.now();
    }
    // Deterministic per (secret, realm) so every instance sends the same opaque.
    this.opaque = createHmac('sha256', this.key).update('opaque\u0000').update(this.realm).digest()
      .subarray(0, OPAQUE_BYTES).toString('base64url');
  }

  issue(): string {
    const body = Buffer.alloc(TIMESTAMP_BYTES + RANDOM_BYTES);
    body.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(this.wallClock()))), 0);
    randomBytes(RANDOM_BYTES).copy(body, TIMESTAMP_BYTES);
    return Buffer.concat([body, this.mac(body)]).toString('base64url');
  }

  check(nonce: string): NonceCheck {
    if (!/^[A-Za-z0-9_-]+$/.test(nonce)) return 'forged';
    const raw = Buffer.from(nonce, 'base64url');
    // Canonical encoding only, so one nonce has exactly one spelling (the replay cache keys on it).
    if (raw.length !== NONCE_BYTES || raw.toString('base64url') !== nonce) return 'forged';
    const body = raw.subarray(0, TIMESTAMP_BYTES + RANDOM_BYTES);
    if (!timingSafeEqual(raw.subarray(TIMESTAMP_BYTES + RANDOM_BYTES), this.mac(body))) return 'forged';
    const issuedAt = Number(body.readBigUInt64BE(0));
    const age = this.wallClock() - issuedAt;
    if (age < -this.skewMs) return 'forged';
    return age > this.ttlMs ? 'expired' : 'fresh';
  }

  private mac(body: Buffer): Buffer {
    return createHmac('sha256', this.key).update(this.realm).update(body).digest();
  }
}
