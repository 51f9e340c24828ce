/** Finding the SDP in a body that may be multipart (RFC 2046 §5.1; RFC 4475 mpart01). */
import type { SipMessage } from './sip-message.js';

export function sdpOf(msg: SipMessage): string | undefined {
  if (msg.body.length === 0) return undefined;
  const type = msg.contentType;
  if (type === 'application/sdp') return msg.body.toString('utf8');
  if (type !== 'multipart/mixed' && type !== 'multipart/alternative') return undefined;
  const m = /boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(msg.headers.get('content-type') ?? '');
  const boundary = m?.[1] ?? m?.[2];
  if (!boundary) return undefined;
  const parts = msg.body.toString('utf8').split(`--${boundary}`);
  for (const part of parts.slice(1)) {
    if (part.startsWith('--')) break;
    const split = part.search(/\r?\n\r?\n/);
    if (split === -1) continue;
    const head = part.slice(0, split);
    if (/content-type\s*:\s*application\/sdp/i.test(head)) {
      return part.slice(split).replace(/^\r?\n\r?\n/, '').replace(/\r?\n$/, '');
    }
  }
  return undefined;
}
