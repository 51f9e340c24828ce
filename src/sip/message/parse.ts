/**
 * SIP message parser (RFC 3261 §7, §25). One pass over the header block; structured header views are
 * parsed lazily by SipMessage. Never throws: a message whose start line cannot be read yields no message
 * (the caller drops it); a message with a readable start line but a broken header block yields the
 * message plus an `error` so a request can still be answered 400 (§8.2, §21.4.1).
 */
import { SipHeaders } from './headers.js';
import { SipRequest, SipResponse, type SipMessage, EMPTY } from './sip-message.js';

export interface ParseError {
  /** Reason phrase for the 400/505/513 answer. */
  reason: string;
  status: 400 | 505 | 513;
}

export interface ParseResult {
  message?: SipMessage;
  error?: ParseError;
}

export interface ParseOptions {
  /** Body framing: 'datagram' = rest of packet bounded by Content-Length (§18.3); 'exact' = buffer is framed. */
  framing: 'datagram' | 'exact';
  maxBytes: number;
}

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]+$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6][0-9]{2})(?: (.*))?$/i;
const VERSION = /^SIP\/[0-9]+\.[0-9]+$/i;

/** Index of the CRLFCRLF (or LFLF) ending the header block, and the separator length. */
export function findHeaderEnd(buf: Buffer, from = 0): { end: number; sep: number } | undefined {
  const crlf = buf.indexOf('\r\n\r\n', from, 'latin1');
  const lf = buf.indexOf('\n\n', from, 'latin1');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return { end: crlf, sep: 4 };
  if (lf !== -1) return { end: lf, sep: 2 };
  return undefined;
}

export function parseMessage(buf: Buffer, opts: ParseOptions): ParseResult {
  let start = 0;
  // §7.5: CRLFs before the start line are ignored.
  while (start < buf.length && (buf[start] === 13 || buf[start] === 10)) start++;
  if (start >= buf.length) return {};
  const he = findHeaderEnd(buf, start);
  const headEnd = he ? he.end : buf.length;
  const head = buf.toString('utf8', start, headEnd);
  const lines = head.split(/\r?\n/);
  const startLine = lines[0] ?? '';
  const parsedStart = parseStartLine(startLine);
  if (!parsedStart) return {};
  const message = 'error' in parsedStart ? parsedStart.message : parsedStart;
  let error: ParseError | undefined = 'error' in parsedStart ? parsedStart.error : undefined;
  if (buf.length > opts.maxBytes) error = { status: 513, reason: 'Message Too Large' };

  const fail = (reason: string): void => {
    if (!error) error = { status: 400, reason };
  };
  if (!he) fail('Missing Empty Line After Headers');

  // Unfold (§7.3.1: a line starting with SP/HT continues the previous one) and split name: value.
  let pending: string | undefined;
  const flush = (line: string): void => {
    const colon = line.indexOf(':');
    if (colon <= 0) return fail('Malformed Header Line');
    let end = colon;
    while (end > 0 && (line.charCodeAt(end - 1) === 32 || line.charCodeAt(end - 1) === 9)) end--; // linear, no regex
    const name = line.slice(0, end);
    if (!TOKEN.test(name)) return fail('Malformed Header Name');
    message.headers.add(name, line.slice(colon + 1).trim());
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const c = line.charCodeAt(0);
    if (c === 32 || c === 9) {
      if (pending === undefined) fail('Continuation Without Header');
      else pending += ' ' + line.trim();
    } else {
      if (pending !== undefined) flush(pending);
      pending = line;
    }
  }
  if (pending !== undefined) flush(pending);

  // Body framing (§18.3, §20.14).
  const bodyStart = he ? he.end + he.sep : buf.length;
  const available = buf.length - bodyStart;
  const cls = message.headers.getAll('content-length');
  if (cls.length > 1) {
    fail('Multiple Content-Length Headers');
    message.body = EMPTY;
  } else if (cls.length === 1) {
    const text = cls[0] as string;
    if (!/^[0-9]{1,10}$/.test(text)) {
      fail('Invalid Content-Length');
      message.body = EMPTY;
    } else {
      const len = Number(text);
      if (len > available) {
        fail('Content-Length Exceeds Body');
        message.body = copy(buf, bodyStart, buf.length);
      } else {
        message.body = len === 0 ? EMPTY : copy(buf, bodyStart, bodyStart + len);
      }
    }
  } else {
    message.body = available > 0 && opts.framing === 'datagram' ? copy(buf, bodyStart, buf.length) : EMPTY;
  }
  return error ? { message, error } : { message };
}

/**
 * Bodies are copied out of the receive buffer: a subarray would keep the whole datagram allocation (up to
 * 64 KiB per packet) alive for as long as a transaction holds the request — 32 s under RFC 3261 timers.
 */
function copy(buf: Buffer, start: number, end: number): Buffer {
  return Buffer.from(buf.subarray(start, end));
}

function parseStartLine(line: string): SipMessage | { message: SipMessage; error: ParseError } | undefined {
  if (line.startsWith('SIP/') || line.startsWith('sip/')) {
    const m = STATUS_LINE.exec(line);
    if (!m) return undefined;
    return new SipResponse(Number(m[1]), m[2] ?? '');
  }
  // Request-Line = Method SP Request-URI SP SIP-Version (§7.1): exactly one SP between elements.
  const parts = line.split(' ');
  if (parts.length !== 3) {
    // Still a request we can answer if it has a method and a CSeq etc.: report it (RFC 4475 lwsstart, trws).
    const method = parts[0] ?? '';
    if (!TOKEN.test(method)) return undefined;
    return { message: new SipRequest(method, parts.filter((p) => p !== '')[1] ?? ''), error: { status: 400, reason: 'Malformed Request-Line' } };
  }
  const [method, uri, version] = parts as [string, string, string];
  if (!TOKEN.test(method) || uri === '') return undefined;
  const req = new SipRequest(method, uri);
  if (!VERSION.test(version)) return { message: req, error: { status: 400, reason: 'Malformed SIP-Version' } };
  if (version.toUpperCase() !== 'SIP/2.0') return { message: req, error: { status: 505, reason: 'Version Not Supported' } };
  return req;
}
