import { CloneType, Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * The schema of one integration: an entry of a dialplan file's `integrations:` list. Its keys are a public
 * interface (add keys with defaults, never rename). The config layer embeds `IntegrationSchema` in the dialplan
 * schema and validates with ajv `useDefaults`, so keys with a default are always present in an
 * `IntegrationDefinition`; `parseIntegration()` (./definition.ts) does the same without the config layer.
 *
 * Field mapping runs both ways:
 * - request side: `params.<agentName>.as` renames what the agent sends before the templates see it. The agent
 *   sends `cnp`; with `as: CitizenID` the templates use `{{params.CitizenID}}` (and only that name). The rename
 *   lives on the parameter rather than in a separate `request.map` so a parameter's validation and its upstream
 *   name sit side by side and cannot drift apart.
 * - response side: `response.map` projects the upstream answer onto named fields; the agent sees those fields
 *   and nothing else.
 */

// Keys of the auth variants have no JSON Schema `default` (ajv ignores defaults inside anyOf, and its strict
// mode refuses them): their defaults are stated in the descriptions and applied by auth/index.ts.
// The three helpers below mirror src/config/schema-helpers.ts (integrations may not import config).
function StringEnum<const T extends readonly string[]>(values: T, options: { description?: string } = {}): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}
/** Optional in the file, filled by ajv's useDefaults, so always present in the loaded value. */
function WithDefault<T extends TSchema>(schema: T, value: Static<T>): T {
  return Type.Optional(CloneType(schema, { default: value })) as unknown as T;
}
/** An object all of whose keys have defaults: `{}` is filled in, then its own defaults. */
function WithEmptyDefault<T extends TSchema>(schema: T): T {
  return Type.Optional(CloneType(schema, { default: {} })) as unknown as T;
}

const SINGLE_LINE = '^[^\\r\\n]*$';
const HEADER_NAME = '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$';
const IDENT = '^[A-Za-z_][A-Za-z0-9_]*$';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

const BearerAuth = Type.Object({
  type: Type.Literal('bearer'),
  token: Type.String({ minLength: 1, pattern: SINGLE_LINE, description: 'Sent as `Authorization: Bearer <token>` (RFC 6750 §2.1). Use ${ENV_VAR}.' }),
}, { additionalProperties: false });

const BasicAuth = Type.Object({
  type: Type.Literal('basic'),
  username: Type.String({ pattern: '^[^:\\r\\n]*$', description: 'RFC 7617 user-id (no colon).' }),
  password: Type.String({ pattern: SINGLE_LINE, description: 'Use ${ENV_VAR}.' }),
}, { additionalProperties: false });

const ApiKeyAuth = Type.Object({
  type: Type.Literal('apiKey'),
  name: Type.String({ minLength: 1, pattern: HEADER_NAME, description: 'Header name or query parameter name.' }),
  value: Type.String({ minLength: 1, pattern: SINGLE_LINE, description: 'The key. Use ${ENV_VAR}.' }),
  in: Type.Optional(StringEnum(['header', 'query'] as const, { description: 'Where the key goes. Default header.' })),
}, { additionalProperties: false });

const HmacAuth = Type.Object({
  type: Type.Literal('hmac'),
  secret: Type.String({ minLength: 1, description: 'Shared secret (UTF-8). Use ${ENV_VAR}.' }),
  keyId: Type.Optional(Type.String({ minLength: 1, pattern: SINGLE_LINE, description: 'Sent in keyIdHeader when set, so the upstream can pick the secret.' })),
  keyIdHeader: Type.Optional(Type.String({ pattern: HEADER_NAME, description: 'Default X-Key-Id.' })),
  header: Type.Optional(Type.String({ pattern: HEADER_NAME, description: 'Header carrying the lowercase hex signature. Default X-Signature.' })),
  timestampHeader: Type.Optional(Type.String({ pattern: HEADER_NAME, description: 'Header carrying the signing time (Unix seconds). Default X-Timestamp.' })),
  algorithm: Type.Optional(StringEnum(['sha256'] as const, { description: 'HMAC hash. Default sha256.' })),
}, { additionalProperties: false, description: 'HMAC (RFC 2104) over `<timestamp>.<body>` (empty body for GET).' });

const OAuth2Auth = Type.Object({
  type: Type.Literal('oauth2'),
  tokenUrl: Type.String({ pattern: '^https?://', description: 'Token endpoint (client-credentials grant, RFC 6749 §4.4).' }),
  clientId: Type.String({ minLength: 1 }),
  clientSecret: Type.String({ minLength: 1, description: 'Use ${ENV_VAR}.' }),
  scope: Type.Optional(Type.String({ description: 'Space-separated scopes (RFC 6749 §3.3).' })),
  audience: Type.Optional(Type.String({ description: 'Sent as `audience` (Auth0, Okta and others).' })),
  clientAuth: Type.Optional(StringEnum(['basic', 'body'] as const, { description: 'Client authentication at the token endpoint: basic (HTTP Basic, RFC 6749 §2.3.1) or body (client_id/client_secret form fields). Default basic.' })),
}, { additionalProperties: false, description: 'Tokens are cached, refreshed at 80% of expires_in, shared by concurrent calls, and dropped once on a 401.' });

const MtlsAuth = Type.Object({
  type: Type.Literal('mtls'),
  cert: Type.String({ minLength: 1, description: 'PEM client certificate file.' }),
  key: Type.String({ minLength: 1, description: 'PEM private key file.' }),
  ca: Type.Optional(Type.String({ minLength: 1, description: 'PEM CA file that signs the upstream server certificate (default: the system CAs).' })),
}, { additionalProperties: false, description: 'Mutual TLS: the client certificate is presented on every connection to the upstream.' });

export const IntegrationAuthSchema = Type.Union([BearerAuth, BasicAuth, ApiKeyAuth, HmacAuth, OAuth2Auth, MtlsAuth], {
  description: 'How Switchboard authenticates to the upstream.',
});

export const IntegrationParamSchema = Type.Object({
  pattern: Type.Optional(Type.String({ description: 'Regular expression the value (as a string) must match; anchor it with ^ and $.' })),
  as: Type.Optional(Type.String({ pattern: IDENT, description: 'Name the templates see instead of the agent\'s name (e.g. agent sends cnp, templates use {{params.CitizenID}}).' })),
  required: WithDefault(Type.Boolean({ description: 'Default true. A missing optional parameter renders as an empty string.' }), true),
  maxLength: WithDefault(Type.Integer({ minimum: 1, maximum: 65536, description: 'Longest accepted value. Default 256.' }), 256),
  description: Type.Optional(Type.String({ description: 'Shown to the agent as the parameter\'s meaning.' })),
}, { additionalProperties: false, description: 'A parameter the agent sends. Values must be strings, numbers or booleans.' });

export const IntegrationSchema = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Unique across all dialplan files; used by the agent, in logs and in metrics.' }),
  description: Type.Optional(Type.String({ description: 'What the integration does (for the agent).' })),
  on: WithDefault(StringEnum(['request', 'callStart', 'callEnd'] as const, { description: 'request: when the agent asks; callStart: before the agent connects (caller enrichment); callEnd: after the call. Default request.' }), 'request'),
  request: Type.Object({
    method: WithDefault(StringEnum(HTTP_METHODS, { description: 'Default GET.' }), 'GET'),
    url: Type.String({ pattern: '^https?://[^{}/?#]+([/?].*)?$', description: 'http(s) URL template; {{params.x}}, {{call.from}}, {{call.to}}, {{call.id}} are URL-encoded. The scheme, host and port must be literal.' }),
    headers: WithDefault(Type.Record(Type.String({ pattern: HEADER_NAME }), Type.String({ pattern: SINGLE_LINE })), {}),
    body: WithDefault(Type.Unknown({ description: 'null (no body); an object or array: a JSON template whose string values may hold placeholders (a value that is one placeholder keeps the parameter\'s type); a string: an XML/SOAP template with XML-escaped placeholders.' }), null),
  }, { additionalProperties: false, description: 'Header values may hold placeholders too (a value with a line break is rejected).' }),
  auth: Type.Optional(IntegrationAuthSchema),
  tls: Type.Optional(Type.Object({
    ca: Type.Optional(Type.String({ minLength: 1, description: 'PEM CA file that signs the upstream server certificate (private CAs).' })),
  }, { additionalProperties: false })),
  params: WithDefault(Type.Record(Type.String({ pattern: IDENT }), IntegrationParamSchema, {
    description: 'What the agent may send, keyed by the agent\'s names. Anything else is rejected before a request is made.',
  }), {}),
  response: WithEmptyDefault(Type.Object({
    map: WithDefault(Type.Record(Type.String({ pattern: IDENT }), Type.String({ minLength: 1 }), {
      description: 'Field → JSONPath (RFC 9535, e.g. $.order.status) for JSON answers, or XPath 1.0 for XML/SOAP answers. The agent sees these fields only. A singular JSONPath (names and indexes only) gives the value or null, any other JSONPath the array of matches; an XPath node-set gives null, the text of its one node, or an array of texts.',
    }), {}),
    namespaces: WithDefault(Type.Record(Type.String({ pattern: IDENT }), Type.String(), {
      description: 'XPath namespace prefixes, e.g. { soap: "http://schemas.xmlsoap.org/soap/envelope/" }.',
    }), {}),
  }, { additionalProperties: false })),
  budgetMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 60000, description: 'Time from the request to the decision. Default: the route\'s budgets.integrationMs.' })),
  cache: Type.Optional(Type.Object({
    ttlSeconds: Type.Number({ minimum: 0, description: 'Fresh answers are reused this long without a request.' }),
    staleIfErrorSeconds: WithDefault(Type.Number({ minimum: 0, description: 'After ttlSeconds, an answer may still be used this long when the upstream fails (status stale). Default 0.' }), 0),
  }, { additionalProperties: false, description: 'Keyed by integration name, the renamed parameters and the call fields the templates use (hashed).' })),
  retry: WithEmptyDefault(Type.Object({
    attempts: WithDefault(Type.Integer({ minimum: 0, maximum: 5, description: 'Retries after the first attempt, for idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS) on a transport error or 5xx. Default 0.' }), 0),
    minRemainingMs: WithDefault(Type.Integer({ minimum: 0, description: 'Retry only if at least this much budget (and at least as long as the failed attempt took) is left. Default 50.' }), 50),
  }, { additionalProperties: false })),
  breaker: WithEmptyDefault(Type.Object({
    failures: WithDefault(Type.Integer({ minimum: 1, description: 'Consecutive failed calls (timeout, transport, 5xx, bad response) that open the breaker. Default 5.' }), 5),
    openSeconds: WithDefault(Type.Number({ exclusiveMinimum: 0, description: 'Time open before one trial call is let through (half-open). Default 30.' }), 30),
  }, { additionalProperties: false })),
  rateLimit: Type.Optional(Type.Object({
    perSecond: Type.Number({ exclusiveMinimum: 0, description: 'Requests per second (token bucket refill rate).' }),
    burst: Type.Optional(Type.Integer({ minimum: 1, description: 'Bucket size. Default: perSecond rounded up.' })),
  }, { additionalProperties: false, description: 'When the bucket is empty the call fails at once (INTEGRATION_RATE_LIMITED) instead of queueing.' })),
  maxConcurrent: WithDefault(Type.Integer({ minimum: 1, maximum: 10000, description: 'Requests in flight at once; more wait for a slot within their budget. Also the keep-alive connections per upstream. Default 10.' }), 10),
  fillerMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Send the agent integrationPending after this long so it can say "one moment".' })),
  onFailure: WithDefault(StringEnum(['transfer', 'continue', 'hangup'] as const, { description: 'What the call does when the result is failed or timeout: transfer to the operator, continue (the agent decides), hang up. Default continue.' }), 'continue'),
}, { additionalProperties: false, description: 'An outbound HTTP integration run under a time budget.' });

export type IntegrationDefinition = Static<typeof IntegrationSchema>;
export type IntegrationAuth = Static<typeof IntegrationAuthSchema>;
export type IntegrationParam = Static<typeof IntegrationParamSchema>;
export type IntegrationTrigger = IntegrationDefinition['on'];
