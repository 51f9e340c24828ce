import { createHmac } from 'node:crypto';
import type { AuthScheme } from './auth-scheme.js';

export interface HmacOptions {
  secret: string;
  keyId?: string;
  keyIdHeader: string;
  header: string;
  timestampHeader: string;
  algorithm: 'sha256';
  /** Wall-clock milliseconds since the epoch. */
  wallClock: () => number;
}

/**
 * HMAC request signing (RFC 2104 HMAC, SHA-256): the upstream recomputes
 * `hex(HMAC(secret, <timestamp> "." <body>))` with the timestamp (Unix seconds) from `timestampHeader` and the
 * raw body (empty without one), compares it with `header`, and rejects old timestamps to stop replays.
 */
export function hmacAuth(o: HmacOptions): AuthScheme {
  const sigHeader = o.header.toLowerCase();
  const tsHeader = o.timestampHeader.toLowerCase();
  const keyIdHeader = o.keyIdHeader.toLowerCase();
  return {
    apply(req) {
      const ts = String(Math.floor(o.wallClock() / 1000));
      req.headers[tsHeader] = ts;
      req.headers[sigHeader] = hmacSignature(o.algorithm, o.secret, ts, req.body ?? '');
      if (o.keyId !== undefined) req.headers[keyIdHeader] = o.keyId;
    },
    unauthorized: () => false,
  };
}

/** `hex(HMAC-<algorithm>(secret, timestamp + "." + body))`. */
export function hmacSignature(algorithm: 'sha256', secret: string, timestamp: string, body: string): string {
  return createHmac(algorithm, secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}
