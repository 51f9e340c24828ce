/**
 * Request checks a UAS makes before processing (RFC 3261 §8.2.1-§8.2.3, §20) plus the rejections that
 * RFC 4475 expects for its torture messages. Returns the response to send, or undefined when the
 * request may be processed.
 */
import { SINGLE_HEADERS } from './headers.js';
import { parseNameAddr } from './name-addr.js';
import type { SipRequest, SipResponse } from './sip-message.js';
import { parseVia } from './via.js';

export interface Rejection {
  status: number;
  reason: string;
  headers?: [string, string][];
}

export interface UasCapabilities {
  /** Methods this UA implements (405 + Allow for known others, 501 for the rest). */
  allow: readonly string[];
  /** Option tags we support (Require → 420 + Unsupported for others, §8.2.2.3). */
  supported: readonly string[];
  /** Body types accepted per method (415 + Accept otherwise, §8.2.3). */
  accept: Readonly<Record<string, readonly string[]>>;
}

/** Methods defined by RFC 3261 and common extensions: unknown ones get 501, known-but-unsupported 405. */
const KNOWN_METHODS = new Set([
  'INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'PRACK', 'SUBSCRIBE', 'NOTIFY', 'PUBLISH', 'INFO',
  'REFER', 'MESSAGE', 'UPDATE',
]);

const MAX_CSEQ = 2 ** 31 - 1;

/** The headers without which no response can even be built (§8.1.1). */
export function hasResponseHeaders(req: SipRequest | SipResponse): boolean {
  return req.headers.has('via') && req.headers.has('call-id') && req.headers.has('cseq') && req.headers.has('from') && req.headers.has('to');
}

export function validateRequest(req: SipRequest, caps: UasCapabilities): Rejection | undefined {
  const bad = (reason: string): Rejection => ({ status: 400, reason });
  const h = req.headers;
  for (const name of ['via', 'from', 'to', 'call-id', 'cseq']) {
    if (!h.has(name)) return bad(`Missing ${name === 'cseq' ? 'CSeq' : name === 'call-id' ? 'Call-ID' : name[0]?.toUpperCase() + name.slice(1)} Header`);
  }
  for (const name of SINGLE_HEADERS) if (h.count(name) > 1) return bad(`Multiple ${name} Values`);
  for (const v of h.getAll('via')) if (!parseVia(v)) return bad('Malformed Via Header');
  if (!req.from) return bad('Malformed From Header');
  if (!req.to) return bad('Malformed To Header');
  if ((h.get('call-id') ?? '').trim() === '' || /\s/.test((h.get('call-id') ?? '').trim())) return bad('Malformed Call-ID Header');
  const cseq = req.cseq;
  if (!cseq || cseq.seq > MAX_CSEQ) return bad('Malformed CSeq Header');
  if (cseq.method !== req.method) return bad('CSeq Method Does Not Match Request-Line');
  const mf = h.get('max-forwards');
  if (mf !== undefined && (!/^[0-9]{1,10}$/.test(mf) || Number(mf) > 255)) return bad('Malformed Max-Forwards Header');
  const expires = h.get('expires');
  if (expires !== undefined && (!/^[0-9]{1,10}$/.test(expires) || Number(expires) > 2 ** 32 - 1)) return bad('Malformed Expires Header');
  const date = h.get('date');
  if (date !== undefined && !/ GMT$/.test(date)) return bad('Date Must Be GMT'); // §20.17: rfc1123-date in GMT
  for (const name of ['contact', 'route', 'record-route']) {
    for (const v of h.getAll(name)) {
      if (name === 'contact' && v.trim() === '*') continue;
      if (!parseNameAddr(v)) return bad(`Malformed ${name[0]?.toUpperCase()}${name.slice(1)} Header`);
    }
  }

  // Request-URI (§8.2.2.1, §19.1.1: no headers component in a Request-URI).
  const ruri = req.requestUri;
  if (!ruri) return bad('Malformed Request-URI');
  if (ruri.headers !== undefined) return bad('Request-URI Must Not Contain Headers');
  if (ruri.scheme !== 'sip' && ruri.scheme !== 'sips' && ruri.scheme !== 'tel') {
    return { status: 416, reason: 'Unsupported URI Scheme' };
  }

  // Method (§8.2.1).
  if (!caps.allow.includes(req.method)) {
    const allow: [string, string][] = [['Allow', caps.allow.join(', ')]];
    return KNOWN_METHODS.has(req.method)
      ? { status: 405, reason: 'Method Not Allowed', headers: allow }
      : { status: 501, reason: 'Not Implemented', headers: allow };
  }

  // Extensions (§8.2.2.3): never for ACK and CANCEL.
  if (req.method !== 'ACK' && req.method !== 'CANCEL') {
    const unsupported = h.getAll('require').map((t) => t.trim().toLowerCase()).filter((t) => t && !caps.supported.includes(t));
    if (unsupported.length > 0) return { status: 420, reason: 'Bad Extension', headers: [['Unsupported', unsupported.join(', ')]] };
  }

  // Content processing (§8.2.3).
  if (req.body.length > 0) {
    const accepted = caps.accept[req.method];
    const type = req.contentType;
    if (accepted && (!type || !accepted.includes(type))) {
      return { status: 415, reason: 'Unsupported Media Type', headers: [['Accept', accepted.join(', ')]] };
    }
    const enc = h.get('content-encoding');
    if (enc !== undefined && enc.trim().toLowerCase() !== 'identity') {
      return { status: 415, reason: 'Unsupported Media Type', headers: [['Accept-Encoding', 'identity']] };
    }
  }
  // An INVITE whose Accept excludes SDP cannot get our answer (§21.4.7, RFC 4475 sdp01).
  if (req.method === 'INVITE' && h.has('accept')) {
    const types = h.getAll('accept').map((t) => t.split(';')[0]?.trim().toLowerCase() ?? '');
    if (!types.some((t) => t === 'application/sdp' || t === 'application/*' || t === '*/*' || t === '')) {
      return { status: 406, reason: 'Not Acceptable', headers: [['Accept', 'application/sdp']] };
    }
  }
  return undefined;
}

/** Responses we cannot match safely are dropped (§18.1.2); this checks the headers matching relies on. */
export function isUsableResponse(res: SipResponse): boolean {
  const cseq = res.cseq;
  return !!res.topVia && !!cseq && cseq.seq <= MAX_CSEQ && res.headers.has('call-id') && !!res.from && !!res.to;
}
