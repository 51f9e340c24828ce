/**
 * Typed views of the Digest challenge (WWW-Authenticate / Proxy-Authenticate, RFC 3261 §25.1
 * `digest-cln`, RFC 7616 §3.3) and credentials (Authorization / Proxy-Authorization,
 * `digest-response`, RFC 7616 §3.4), on top of the generic syntax in auth-params.ts.
 * Parsers return `undefined` for anything that is not a usable Digest header.
 */
import { type AuthParam, isScheme, parseAuthHeader, serializeAuthHeader } from './auth-params.js';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  /** As received; absent means MD5 (RFC 7616 §3.3). Map with parseDigestAlgorithm. */
  algorithm?: string;
  /** qop-options, lower-cased; empty when the server sent none (RFC 2069 style). */
  qop: string[];
  /** stale=TRUE: the credentials were right but the nonce expired (RFC 7616 §3.3). */
  stale: boolean;
  /** RFC 7616 §3.3 userhash: the server accepts a hashed username. */
  userhash: boolean;
  domain?: string;
}

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm?: string;
  cnonce?: string;
  opaque?: string;
  /** message-qop as received, lower-cased (a token; some senders quote it, which we accept). */
  qop?: string;
  /** nonce-count: 8 hex digits (RFC 7616 §3.4). */
  nc?: string;
  userhash?: boolean;
}

const DIGEST = 'Digest';

/** Parses one WWW-Authenticate / Proxy-Authenticate value carrying a Digest challenge. */
export function parseDigestChallenge(value: string): DigestChallenge | undefined {
  const header = parseAuthHeader(value);
  if (!header || !isScheme(header, DIGEST)) return undefined;
  const p = header.params;
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  if (realm === undefined || nonce === undefined) return undefined;
  const qopRaw = p.get('qop');
  const challenge: DigestChallenge = {
    realm,
    nonce,
    qop: qopRaw === undefined ? [] : qopRaw.split(',').map((q) => q.trim().toLowerCase()).filter((q) => q !== ''),
    stale: p.get('stale')?.toLowerCase() === 'true',
    userhash: p.get('userhash')?.toLowerCase() === 'true',
  };
  const opaque = p.get('opaque');
  if (opaque !== undefined) challenge.opaque = opaque;
  const algorithm = p.get('algorithm');
  if (algorithm !== undefined) challenge.algorithm = algorithm;
  const domain = p.get('domain');
  if (domain !== undefined) challenge.domain = domain;
  return challenge;
}

/** Writes a Digest challenge value (parameter quoting as in RFC 3261 §25.1 and RFC 7616 §3.3). */
export function serializeDigestChallenge(c: DigestChallenge): string {
  const params: AuthParam[] = [{ name: 'realm', value: c.realm, quoted: true }];
  if (c.domain !== undefined) params.push({ name: 'domain', value: c.domain, quoted: true });
  params.push({ name: 'nonce', value: c.nonce, quoted: true });
  if (c.opaque !== undefined) params.push({ name: 'opaque', value: c.opaque, quoted: true });
  if (c.stale) params.push({ name: 'stale', value: 'TRUE', quoted: false });
  if (c.algorithm !== undefined) params.push({ name: 'algorithm', value: c.algorithm, quoted: false });
  if (c.qop.length > 0) params.push({ name: 'qop', value: c.qop.join(','), quoted: true });
  if (c.userhash) params.push({ name: 'userhash', value: 'true', quoted: false });
  return serializeAuthHeader(DIGEST, params);
}

const NC_SYNTAX = /^[0-9a-fA-F]{8}$/;

/**
 * Parses one Authorization / Proxy-Authorization value carrying Digest credentials. Requires
 * username, realm, nonce, uri and response; with qop also nc (8 hex digits) and cnonce
 * (RFC 7616 §3.4: "MUST be specified if a qop directive is sent").
 */
export function parseDigestCredentials(value: string): DigestCredentials | undefined {
  const header = parseAuthHeader(value);
  if (!header || !isScheme(header, DIGEST)) return undefined;
  const p = header.params;
  const username = p.get('username');
  const realm = p.get('realm');
  const nonce = p.get('nonce');
  const uri = p.get('uri');
  const response = p.get('response');
  if (username === undefined || realm === undefined || nonce === undefined || uri === undefined || response === undefined) {
    return undefined;
  }
  const creds: DigestCredentials = { username, realm, nonce, uri, response };
  const qop = p.get('qop');
  const nc = p.get('nc');
  const cnonce = p.get('cnonce');
  if (qop !== undefined) {
    if (nc === undefined || cnonce === undefined || !NC_SYNTAX.test(nc)) return undefined;
    creds.qop = qop.toLowerCase();
  } else if (nc !== undefined && !NC_SYNTAX.test(nc)) {
    return undefined;
  }
  if (nc !== undefined) creds.nc = nc;
  if (cnonce !== undefined) creds.cnonce = cnonce;
  const algorithm = p.get('algorithm');
  if (algorithm !== undefined) creds.algorithm = algorithm;
  const opaque = p.get('opaque');
  if (opaque !== undefined) creds.opaque = opaque;
  const userhash = p.get('userhash');
  if (userhash !== undefined) creds.userhash = userhash.toLowerCase() === 'true';
  return creds;
}

/** Writes Digest credentials (quoting as in RFC 3261 §25.1 `dig-resp`; qop and nc are tokens). */
export function serializeDigestCredentials(c: DigestCredentials): string {
  const params: AuthParam[] = [
    { name: 'username', value: c.username, quoted: true },
    { name: 'realm', value: c.realm, quoted: true },
    { name: 'nonce', value: c.nonce, quoted: true },
    { name: 'uri', value: c.uri, quoted: true },
    { name: 'response', value: c.response, quoted: true },
  ];
  if (c.algorithm !== undefined) params.push({ name: 'algorithm', value: c.algorithm, quoted: false });
  if (c.cnonce !== undefined) params.push({ name: 'cnonce', value: c.cnonce, quoted: true });
  if (c.opaque !== undefined) params.push({ name: 'opaque', value: c.opaque, quoted: true });
  if (c.qop !== undefined) params.push({ name: 'qop', value: c.qop, quoted: false });
  if (c.nc !== undefined) params.push({ name: 'nc', value: c.nc, quoted: false });
  if (c.userhash) params.push({ name: 'userhash', value: 'true', quoted: false });
  return serializeAuthHeader(DIGEST, params);
}
