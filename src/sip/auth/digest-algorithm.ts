/**
 * Digest arithmetic shared by the UAS (digest-server) and the UAC (digest-client):
 * RFC 7616 §3.4.1–3.4.3 (response, A1, A2), RFC 8760 (SHA-256 / SHA-512/256 in SIP) and the
 * RFC 2069 compatibility form without qop (RFC 3261 §22.4 keeps it for old implementations).
 */
import { createHash } from 'node:crypto';

/** Algorithms in order of preference, strongest first (RFC 8760 §2.4: the UAS lists its challenges this way). */
export const DIGEST_ALGORITHMS = [
  'SHA-512-256', 'SHA-512-256-sess', 'SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess',
] as const;

export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** The quality-of-protection values we compute (RFC 7616 §3.3). */
export type DigestQop = 'auth' | 'auth-int';

const NODE_HASH: Record<DigestAlgorithm, string> = {
  'SHA-512-256': 'sha512-256', 'SHA-512-256-sess': 'sha512-256',
  'SHA-256': 'sha256', 'SHA-256-sess': 'sha256',
  MD5: 'md5', 'MD5-sess': 'md5',
};

/**
 * Maps an `algorithm` parameter to our canonical name, case-insensitively. An absent parameter
 * means MD5 (RFC 7616 §3.3); an algorithm we do not implement yields `undefined`.
 */
export function parseDigestAlgorithm(value: string | undefined): DigestAlgorithm | undefined {
  if (value === undefined) return 'MD5';
  const upper = value.toUpperCase();
  return DIGEST_ALGORITHMS.find((a) => a.toUpperCase() === upper);
}

/** Preference rank: lower is stronger. */
export function algorithmRank(algorithm: DigestAlgorithm): number {
  return DIGEST_ALGORITHMS.indexOf(algorithm);
}

/** H(data): lower-case hex of the algorithm's hash over the UTF-8 bytes of data. */
export function digestHash(algorithm: DigestAlgorithm, data: string): string {
  return createHash(NODE_HASH[algorithm]).update(data, 'utf8').digest('hex');
}

export interface DigestResponseInput {
  algorithm: DigestAlgorithm;
  username: string;
  realm: string;
  password: string;
  nonce: string;
  method: string;
  /** The digest-uri as it appears in the credentials. */
  uri: string;
  /** Absent for the RFC 2069 form. */
  qop?: DigestQop;
  /** nonce-count as 8 hex digits, exactly as sent; required with qop. */
  nc?: string;
  /** Required with qop and with the -sess algorithms. */
  cnonce?: string;
  /** Message body for qop=auth-int (empty when absent). */
  body?: string;
}

/**
 * The `response` value (RFC 7616 §3.4.1):
 *   with qop: KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2))
 *   without:  KD(H(A1), nonce ":" H(A2))                          (RFC 2069 / RFC 3261 §22.4)
 * where KD(secret, data) = H(secret ":" data),
 *   A1 = username ":" realm ":" password, or for -sess H(that) ":" nonce ":" cnonce (§3.4.2),
 *   A2 = method ":" uri, plus ":" H(body) for auth-int (§3.4.3).
 */
export function computeDigestResponse(input: DigestResponseInput): string {
  const h = (data: string): string => digestHash(input.algorithm, data);
  let a1 = `${input.username}:${input.realm}:${input.password}`;
  if (input.algorithm.endsWith('-sess')) a1 = `${h(a1)}:${input.nonce}:${input.cnonce ?? ''}`;
  let a2 = `${input.method}:${input.uri}`;
  if (input.qop === 'auth-int') a2 += `:${h(input.body ?? '')}`;
  const ha1 = h(a1);
  const ha2 = h(a2);
  if (input.qop === undefined) return h(`${ha1}:${input.nonce}:${ha2}`);
  return h(`${ha1}:${input.nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${input.qop}:${ha2}`);
}

/** RFC 7616 §3.4.4: with userhash=true the username parameter carries H(username ":" realm). */
export function hashedUsername(algorithm: DigestAlgorithm, username: string, realm: string): string {
  return digestHash(algorithm, `${username}:${realm}`);
}
