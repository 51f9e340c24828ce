import type { AuthScheme, OutgoingRequest } from './auth-scheme.js';

/**
 * The schemes whose credentials never change: bearer (RFC 6750 §2.1), basic (RFC 7617 §2), apiKey (a header or
 * a query parameter), and none. A 401 to any of them will not change on a retry.
 */

function setHeader(name: string, value: string): AuthScheme {
  return {
    apply: (req) => { req.headers[name] = value; },
    unauthorized: () => false,
  };
}

export function bearerAuth(token: string): AuthScheme {
  return setHeader('authorization', `Bearer ${token}`);
}

/** RFC 7617 §2: base64 of user-id ":" password, UTF-8 (the charset the RFC's "charset" parameter names). */
export function basicAuth(username: string, password: string): AuthScheme {
  return setHeader('authorization', `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`);
}

export function apiKeyAuth(name: string, value: string, where: 'header' | 'query'): AuthScheme {
  if (where === 'header') return setHeader(name.toLowerCase(), value);
  const pair = `${encodeURIComponent(name)}=${encodeURIComponent(value)}`;
  return {
    apply: (req: OutgoingRequest) => { req.path += (req.path.includes('?') ? '&' : '?') + pair; },
    unauthorized: () => false,
  };
}

export const noAuth: AuthScheme = { apply: () => undefined, unauthorized: () => false };
