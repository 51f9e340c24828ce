/** Via header values (RFC 3261 §20.42, §18.2.1; RFC 3581 rport). */
import { type Params, parseParams, formatParams } from './params.js';
import { parseHostPort } from './uri.js';

export const BRANCH_MAGIC = 'z9hG4bK';

export interface Via {
  protocol: string; // "SIP/2.0"
  transport: string; // upper-case: UDP, TCP, TLS, SCTP, WS...
  host: string;
  port?: number;
  params: Params;
}

export function parseVia(value: string): Via | undefined {
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, LWS allowed around slashes.
  const m = /^\s*([A-Za-z0-9.!%*_+`'~-]+)\s*\/\s*([A-Za-z0-9.!%*_+`'~-]+)\s*\/\s*([A-Za-z0-9.!%*_+`'~-]+)\s+([^;\s]+)\s*(.*)$/s.exec(value);
  if (!m) return undefined;
  const [, name, version, transport, sentBy, rest] = m as unknown as [string, string, string, string, string, string];
  const hp = parseHostPort(sentBy);
  if (!hp) return undefined;
  if (rest !== '' && !rest.startsWith(';')) return undefined;
  const params = parseParams(rest, true);
  if (!params) return undefined;
  const via: Via = { protocol: `${name.toUpperCase()}/${version}`, transport: transport.toUpperCase(), host: hp.host, params };
  if (hp.port !== undefined) via.port = hp.port;
  return via;
}

export function formatVia(v: Via): string {
  return `${v.protocol}/${v.transport} ${v.host}${v.port !== undefined ? `:${v.port}` : ''}${formatParams(v.params)}`;
}

export function branchOf(v: Via): string | undefined {
  const b = v.params.get('branch');
  return b ?? undefined;
}
