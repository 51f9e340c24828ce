/** Message serialization (RFC 3261 §7). Content-Length is always written from the body (§20.14). */
import type { SipMessage } from './sip-message.js';

export function serialize(msg: SipMessage): Buffer {
  let head = msg.kind === 'request' ? `${msg.method} ${msg.uri} SIP/2.0\r\n` : `SIP/2.0 ${msg.status} ${msg.reason}\r\n`;
  for (const [name, values] of msg.headers.entries()) {
    if (name === 'Content-Length') continue;
    for (const v of values) head += `${name}: ${v}\r\n`;
  }
  head += `Content-Length: ${msg.body.length}\r\n\r\n`;
  if (msg.body.length === 0) return Buffer.from(head, 'utf8');
  const h = Buffer.from(head, 'utf8');
  return Buffer.concat([h, msg.body], h.length + msg.body.length);
}
