/** Building requests and responses (RFC 3261 §8.1.1, §8.2.6) and the random values they need. */
import { randomBytes } from 'node:crypto';
import { SipHeaders } from './headers.js';
import { BRANCH_MAGIC } from './via.js';
import { SipRequest, SipResponse, type SipMessage } from './sip-message.js';

/** Standard reason phrases (RFC 3261 §21 and extensions). */
export const REASONS: Record<number, string> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 182: 'Queued', 183: 'Session Progress',
  200: 'OK', 202: 'Accepted', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout',
  415: 'Unsupported Media Type', 416: 'Unsupported URI Scheme', 420: 'Bad Extension', 422: 'Session Interval Too Small',
  480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 482: 'Loop Detected', 483: 'Too Many Hops',
  486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here', 491: 'Request Pending',
  500: 'Server Internal Error', 501: 'Not Implemented', 503: 'Service Unavailable', 504: 'Server Time-out',
  505: 'Version Not Supported', 513: 'Message Too Large', 603: 'Decline',
};

const hex = (n: number): string => randomBytes(n).toString('hex');
/** §8.1.1.7: branch IDs start with the magic cookie and are unique per transaction. */
export const newBranch = (): string => `${BRANCH_MAGIC}${hex(8)}`;
/** §19.3: tags are globally unique, at least 32 bits of randomness. */
export const newTag = (): string => hex(6);
export const newCallId = (host: string): string => `${hex(12)}@${host}`;

/**
 * §8.2.6.2: a response copies From, Call-ID, CSeq and Via (in order) from the request, and To adding a tag
 * for anything but 100 Trying when the request had none.
 */
export function createResponse(req: SipRequest, status: number, reason?: string, toTag?: string): SipResponse {
  const h = new SipHeaders();
  for (const v of req.headers.getAll('via')) h.add('Via', v);
  const to = req.headers.get('to') ?? '';
  h.set('To', toTag && status !== 100 && req.toTag === undefined ? `${to};tag=${toTag}` : to);
  h.set('From', req.headers.get('from') ?? '');
  h.set('Call-ID', req.headers.get('call-id') ?? '');
  h.set('CSeq', req.headers.get('cseq') ?? '');
  if (status === 100 && req.headers.has('timestamp')) h.set('Timestamp', req.headers.get('timestamp') as string); // §8.2.6.1
  return new SipResponse(status, reason ?? REASONS[status] ?? 'Unknown', h);
}

export function setBody(msg: SipMessage, contentType: string, body: string | Buffer): void {
  msg.body = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  if (msg.body.length) msg.headers.set('Content-Type', contentType);
  else msg.headers.delete('Content-Type');
}

export function createRequest(method: string, uri: string): SipRequest {
  return new SipRequest(method, uri, new SipHeaders());
}
