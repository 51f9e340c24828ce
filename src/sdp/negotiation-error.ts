/**
 * Why an offer or answer could not be accepted, classified for the SIP layer: the response status
 * (488 Not Acceptable Here, or 400 Bad Request for a body that is not SDP) and an RFC 3261 §20.43
 * warning code, so it can send `Warning: 305 switchboard "no common codec"`.
 */
import { SwitchboardError } from '../shared/errors.js';

/** RFC 3261 §20.43 warning codes about session descriptions, with their registered texts. */
export const SDP_WARNING_TEXTS = {
  302: 'Incompatible transport protocol',
  304: 'Media type not available',
  305: 'Incompatible media format',
  306: 'Attribute not understood',
  399: 'Miscellaneous warning',
} as const;

export type SdpWarningCode = keyof typeof SDP_WARNING_TEXTS;

export type SdpErrorStatus = 400 | 488;

/** The default warn-agent of the Warning header. */
export const DEFAULT_WARN_AGENT = 'switchboard';

/** Escapes a reason for the quoted-string of a Warning header (RFC 3261 §25.1 quoted-pair). */
function quote(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c < 32 || c === 127) out += ' ';
    else out += ch;
  }
  return `"${out}"`;
}

export class SdpNegotiationError extends SwitchboardError {
  /** The SIP status to answer with: 488 when the SDP is understood but not acceptable, 400 when it is malformed. */
  readonly status: SdpErrorStatus;
  /** A precise reason phrase, safe to send and to log (it carries no address or number). */
  readonly reason: string;
  readonly warningCode: SdpWarningCode;

  constructor(status: SdpErrorStatus, reason: string, warningCode: SdpWarningCode, options?: { cause?: unknown }) {
    super(status === 400 ? 'SDP_PARSE' : 'SDP_NOT_ACCEPTABLE', reason, options);
    this.name = 'SdpNegotiationError';
    this.status = status;
    this.reason = reason;
    this.warningCode = warningCode;
  }

  /** 488 Not Acceptable Here with a warning code. */
  static notAcceptable(reason: string, warningCode: SdpWarningCode): SdpNegotiationError {
    return new SdpNegotiationError(488, reason, warningCode);
  }

  /** 400 Bad Request for a body that is not a usable session description. */
  static malformed(reason: string, cause?: unknown): SdpNegotiationError {
    return new SdpNegotiationError(400, reason, 399, cause === undefined ? undefined : { cause });
  }

  /** The value of a Warning header: `<code> <agent> "<reason>"`. */
  warningHeader(agent: string = DEFAULT_WARN_AGENT): string {
    return `${this.warningCode} ${agent} ${quote(this.reason)}`;
  }
}
