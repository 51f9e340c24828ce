/**
 * Literal SIP text for tests: messages are written as lines (CRLF is added here, RFC 3261 §7) and parsed with
 * the real parser, so a test reads like the wire trace it checks.
 */
import { parseMessage } from '../../src/sip/message/parse.js';
import type { MessageSource, SipMessage, SipRequest, SipResponse, TransportName } from '../../src/sip/message/sip-message.js';

/** Join header lines with CRLF and end the header block with an empty line (no body). */
export function sipText(lines: readonly string[]): string {
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/** Parse one datagram; throws if the parser rejects it, so a typo in a test fails loudly. */
export function parseSip(lines: readonly string[], source?: MessageSource): SipMessage {
  const r = parseMessage(Buffer.from(sipText(lines)), { framing: 'datagram', maxBytes: 65535 });
  if (!r.message) throw new Error(`test message did not parse:\n${lines.join('\n')}`);
  if (r.error) throw new Error(`test message parsed with error ${r.error.status} ${r.error.reason}`);
  if (source) r.message.source = source;
  return r.message;
}

export function parseRequest(lines: readonly string[], source?: MessageSource): SipRequest {
  const m = parseSip(lines, source);
  if (m.kind !== 'request') throw new Error('expected a request');
  return m;
}

export function parseResponse(lines: readonly string[], source?: MessageSource): SipResponse {
  const m = parseSip(lines, source);
  if (m.kind !== 'response') throw new Error('expected a response');
  return m;
}

/** Where a test request came from: the PBX at 192.0.2.101 (RFC 5737 documentation range). */
export function sourceOf(transport: TransportName, address = '192.0.2.101', port = 5060): MessageSource {
  return {
    transport, address, port, localAddress: '198.51.100.1', localPort: 5060,
    ...(transport === 'udp' ? {} : { connectionId: `${transport}-conn-1` }),
  };
}
