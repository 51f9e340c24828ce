/**
 * One registry of error codes. Codes are stable: docs, logs and metric labels use them.
 * Add a code here before throwing it anywhere.
 */
export const ErrorCodes = {
  CONFIG_INVALID: 'Configuration failed validation',
  CONFIG_UNREADABLE: 'Configuration file could not be read',
  SIP_PARSE: 'SIP message could not be parsed',
  SIP_TOO_LARGE: 'SIP message exceeds the size limit',
  SIP_TRANSPORT: 'SIP transport failure',
  SIP_TIMEOUT: 'SIP transaction timed out',
  SIP_NO_ROUTE: 'No transport can reach the destination',
  SIP_AUTH: 'Digest authentication failed',
  SIP_DIALOG: 'Request does not match a dialog',
  SDP_PARSE: 'SDP could not be parsed',
  SDP_NOT_ACCEPTABLE: 'SDP offer is not acceptable',
  MEDIA_PORTS_EXHAUSTED: 'No free media port in the configured range',
  MEDIA_SRTP: 'SRTP could not be set up (suite, key or key exhaustion)',
  MEDIA_CODEC: 'Codec or resampler misuse',
  MEDIA_PACKET_FIELD: 'Media packet field cannot be encoded',
  CALL_REJECTED: 'Call rejected',
  INTEGRATION_UNKNOWN: 'No integration has this name',
  INTEGRATION_INVALID_PARAMS: 'Integration parameters failed validation (no request was made)',
  INTEGRATION_TIMEOUT: 'Integration budget expired before a decision',
  INTEGRATION_BREAKER_OPEN: 'Integration circuit breaker is open',
  INTEGRATION_RATE_LIMITED: 'Integration rate limit reached',
  INTEGRATION_HTTP_STATUS: 'Integration upstream answered with a non-2xx status',
  INTEGRATION_BAD_RESPONSE: 'Integration response could not be parsed or mapped',
  INTEGRATION_TRANSPORT: 'Integration upstream could not be reached (connect, TLS, reset)',
  INTEGRATION_AUTH: 'Integration authentication failed (credentials refused or token endpoint failure)',
  TRANSFER_NO_OPERATOR: 'A transfer was requested but the route has no operator',
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export class SwitchboardError extends Error {
  readonly code: ErrorCode;
  override readonly cause?: unknown;
  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ErrorCodes[code]);
    this.name = 'SwitchboardError';
    this.code = code;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

export function isSwitchboardError(e: unknown, code?: ErrorCode): e is SwitchboardError {
  return e instanceof SwitchboardError && (code === undefined || e.code === code);
}
