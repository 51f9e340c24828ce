/**
 * The trunk admission configuration the gate consumes. The config layer validates the file
 * (parseCidr in cidr.ts tells it whether an address is usable) and hands over this shape.
 */
import type { DigestAlgorithm } from '../auth/digest-algorithm.js';
import type { RateLimit } from './token-bucket.js';

export type TrunkTransport = 'udp' | 'tcp' | 'tls';

export interface TrunkDigestConfig {
  realm: string;
  username: string;
  password: string;
  /** Challenge algorithms in order of preference (RFC 8760 §2.4). Default MD5, SHA-256 (see the config schema). */
  algorithms?: DigestAlgorithm[];
}

export interface TrunkTlsClientCertConfig {
  /** Requests must arrive over TLS with a client certificate the TLS layer authorized. */
  required: boolean;
  /** When non-empty, the certificate subject CN must be one of these (compared case-insensitively). */
  subjects?: string[];
}

export interface TrunkConfig {
  name: string;
  /** CIDR blocks or bare addresses the trunk sends from. */
  addresses: string[];
  transports: TrunkTransport[];
  /** When set, out-of-dialog requests must carry Digest credentials (see trunk-gate.ts for which). */
  digest?: TrunkDigestConfig;
  /** Enforced by the call layer, not the gate. */
  maxCalls: number;
  tlsClientCert?: TrunkTlsClientCertConfig;
}

export interface TrunkGateConfig {
  /** What to do with requests from no trunk: drop silently (no help for scanners) or answer 403. */
  unknownSources: 'drop' | 'reject';
  /** Per source address. */
  rateLimit: RateLimit;
  /** Tried in order; the first whose addresses and transports fit wins. */
  trunks: TrunkConfig[];
}
