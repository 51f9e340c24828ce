/**
 * SIP and SIPS URIs (RFC 3261 §19.1) and enough of other schemes (tel, RFC 3966; anything else kept opaque)
 * to route and to answer 416 for schemes we do not serve.
 */
import { type Params, parseParams, formatParams } from './params.js';

export interface Uri {
  scheme: string;
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params: Params;
  /** The `?headers` part (§19.1.1), without the `?`. Forbidden in a Request-URI (RFC 4475 escruri). */
  headers?: string;
}

const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
const HOST_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?$/;
const IPV6_RE = /^\[[0-9A-Fa-f:.]+\]$/;
/** userinfo characters (§25.1 user / password: unreserved, escaped, user-unreserved). */
const USER_RE = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,;?/]|%[0-9A-Fa-f]{2})+$/;
const PASSWORD_RE = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,]|%[0-9A-Fa-f]{2})*$/;

export function parseUri(text: string): Uri | undefined {
  if (text.length === 0 || /[\s<>"]/.test(text)) return undefined;
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  const scheme = text.slice(0, colon).toLowerCase();
  if (!SCHEME_RE.test(scheme)) return undefined;
  const rest = text.slice(colon + 1);
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(scheme, rest);
  if (scheme === 'tel') {
    const semi = rest.indexOf(';');
    const number = semi === -1 ? rest : rest.slice(0, semi);
    const params = semi === -1 ? new Map() : parseParams(rest.slice(semi), false);
    if (!number || !params) return undefined;
    return { scheme, user: number, host: '', params };
  }
  // Unknown scheme: opaque, kept so the UA can answer 416 (RFC 3261 §8.2.2.1).
  return rest ? { scheme, host: rest, params: new Map() } : undefined;
}

function parseSipUri(scheme: string, rest: string): Uri | undefined {
  // userinfo may itself hold '?', ';' and ',' (RFC 4475 intmeth), so split it off at '@' before looking for '?'.
  const at = rest.indexOf('@');
  const afterUser = at === -1 ? rest : rest.slice(at + 1);
  const q = afterUser.indexOf('?');
  const hostPart = q === -1 ? afterUser : afterUser.slice(0, q);
  const headers = q === -1 ? undefined : afterUser.slice(q + 1);
  let user: string | undefined;
  let password: string | undefined;
  if (at !== -1) {
    const userinfo = rest.slice(0, at);
    const pc = userinfo.indexOf(':');
    user = pc === -1 ? userinfo : userinfo.slice(0, pc);
    if (pc !== -1) password = userinfo.slice(pc + 1);
    if (!user || !USER_RE.test(user) || (password !== undefined && !PASSWORD_RE.test(password))) return undefined;
  }
  const semi = hostPart.indexOf(';');
  const hostport = semi === -1 ? hostPart : hostPart.slice(0, semi);
  const params = semi === -1 ? new Map<string, string | null>() : parseParams(hostPart.slice(semi), false);
  if (!params) return undefined;
  const hp = parseHostPort(hostport);
  if (!hp) return undefined;
  const uri: Uri = { scheme, host: hp.host, params };
  if (user !== undefined) uri.user = user;
  if (password !== undefined) uri.password = password;
  if (hp.port !== undefined) uri.port = hp.port;
  if (headers !== undefined) uri.headers = headers;
  return uri;
}

/** `host[:port]` with IPv6 references in brackets (§25.1 hostport). */
export function parseHostPort(text: string): { host: string; port?: number } | undefined {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end === -1) return undefined;
    host = text.slice(0, end + 1);
    const after = text.slice(end + 1);
    if (after) {
      if (!after.startsWith(':')) return undefined;
      portText = after.slice(1);
    }
    if (!IPV6_RE.test(host)) return undefined;
  } else {
    const c = text.indexOf(':');
    host = c === -1 ? text : text.slice(0, c);
    if (c !== -1) portText = text.slice(c + 1);
    if (!HOST_RE.test(host)) return undefined;
  }
  if (portText === undefined) return { host };
  if (!/^[0-9]{1,5}$/.test(portText)) return undefined;
  const port = Number(portText);
  if (port > 65535) return undefined;
  return { host, port };
}

export function formatUri(uri: Uri): string {
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') {
    if (uri.scheme === 'tel') return `tel:${uri.user ?? ''}${formatParams(uri.params)}`;
    return `${uri.scheme}:${uri.host}`;
  }
  let s = `${uri.scheme}:`;
  if (uri.user !== undefined) s += uri.password !== undefined ? `${uri.user}:${uri.password}@` : `${uri.user}@`;
  s += uri.host;
  if (uri.port !== undefined) s += `:${uri.port}`;
  s += formatParams(uri.params);
  if (uri.headers !== undefined) s += `?${uri.headers}`;
  return s;
}

/** The user part with %-escapes decoded (what dialplans match on). */
export function uriUser(uri: Uri): string {
  const u = uri.user ?? '';
  if (u.indexOf('%') === -1) return u;
  try {
    return decodeURIComponent(u);
  } catch {
    return u;
  }
}

/** Strip the brackets of an IPv6 reference. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
