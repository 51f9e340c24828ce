import type { IntegrationAuth } from '../schema.js';
import type { AuthContext, AuthScheme } from './auth-scheme.js';
import { hmacAuth } from './hmac-auth.js';
import { mtlsAuth } from './mtls-auth.js';
import { OAuth2Auth } from './oauth2-auth.js';
import { apiKeyAuth, basicAuth, bearerAuth, noAuth } from './static-auth.js';

export type { AuthContext, AuthScheme, OutgoingRequest } from './auth-scheme.js';
export { hmacSignature } from './hmac-auth.js';
export { OAuth2Auth } from './oauth2-auth.js';

/**
 * The scheme for an integration's `auth:` (none when absent). `ca` (the integration's `tls.ca` file) is also
 * trusted for an https token endpoint.
 */
export function createAuth(auth: IntegrationAuth | undefined, ctx: AuthContext, ca?: { path: string; pem: Buffer }): AuthScheme {
  if (!auth) return noAuth;
  switch (auth.type) {
    case 'bearer': return bearerAuth(auth.token);
    case 'basic': return basicAuth(auth.username, auth.password);
    case 'apiKey': return apiKeyAuth(auth.name, auth.value, auth.in ?? 'header');
    case 'hmac': return hmacAuth({
      secret: auth.secret,
      ...(auth.keyId !== undefined ? { keyId: auth.keyId } : {}),
      keyIdHeader: auth.keyIdHeader ?? 'X-Key-Id',
      header: auth.header ?? 'X-Signature',
      timestampHeader: auth.timestampHeader ?? 'X-Timestamp',
      algorithm: auth.algorithm ?? 'sha256',
      wallClock: ctx.wallClock,
    });
    case 'oauth2': {
      const origin = new URL(auth.tokenUrl).origin;
      return new OAuth2Auth({
        tokenUrl: auth.tokenUrl,
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        ...(auth.scope !== undefined ? { scope: auth.scope } : {}),
        ...(auth.audience !== undefined ? { audience: auth.audience } : {}),
        clientAuth: auth.clientAuth ?? 'basic',
        tokenUpstream: ctx.http.upstream(`token ${origin} ${ca?.path ?? ''}`, origin, { connections: 2, ...(ca ? { tls: { ca: ca.pem } } : {}) }),
        timers: ctx.timers,
        ...(ctx.tokenTimeoutMs !== undefined ? { tokenTimeoutMs: ctx.tokenTimeoutMs } : {}),
      });
    }
    case 'mtls': return mtlsAuth({ cert: auth.cert, key: auth.key, ...(auth.ca !== undefined ? { ca: auth.ca } : {}) }, ctx.readFile);
  }
}
