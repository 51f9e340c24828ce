/**
 * Structure-aware generation: a SIP message assembled from a start line, random header names (long and
 * compact forms, RFC 3261 §7.3.3, plus names that are awkward for JavaScript objects) and values shaped like
 * each header's grammar (§25.1) but with random pieces, then a body with a true or lying Content-Length.
 * Returns a byte string (latin1), like the mutators.
 */
import type { Prng } from './prng.js';
import { BOUNDARY_NUMBERS, INTERESTING } from './mutators.js';

const METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'INFO', 'UPDATE', 'REFER', 'NOTIFY', 'PRACK',
  'SUBSCRIBE', 'MESSAGE', 'invite', 'NEWMETHOD', '!interesting-Method0123456789_*+`.%indeed\'~', 'constructor', '__proto__'];
const URI_SCHEMES = ['sip', 'sips', 'tel', 'SIP', 'http', 'urn', 'mailto', 'x'];
const HOSTS = ['example.com', 'pbx.example.net.', '192.0.2.10', '[2001:db8::10]', '[::1]', 'a', '-bad-', 'host_', '[2001:db8::1',
  '256.256.256.256', 'example..com', ''];
const USERS = ['alice', '+15555550100', 'bob%20smith', '%zz', 'j.user;x=1', 'u:pass', '', 'sip:nested', '1234?x'];
const TRANSPORTS = ['UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS', 'udp', 'x-new'];
const OPTION_TAGS = ['timer', 'replaces', '100rel', 'norefersub', 'foo', '', 'path'];
const CONTENT_TYPES = ['application/sdp', 'multipart/mixed;boundary=b0', 'multipart/alternative; boundary="b 1"',
  'message/sipfrag;version=2.0', 'application/dtmf-relay', 'text/plain', 'application/SDP', '', ';', 'application/sdp;charset=utf-8'];
const PARAM_NAMES = ['tag', 'branch', 'received', 'rport', 'transport', 'lr', 'maddr', 'ttl', 'expires', 'q', 'user', 'method'];

/** Long names, their compact forms (§7.3.3), and names that collide with Object.prototype members. */
const HEADER_NAMES: readonly string[] = [
  'Via', 'v', 'From', 'f', 'To', 't', 'Call-ID', 'i', 'CSeq', 'Contact', 'm', 'Max-Forwards', 'Content-Length', 'l',
  'Content-Type', 'c', 'Content-Encoding', 'e', 'Route', 'Record-Route', 'Require', 'Supported', 'k', 'Allow', 'Accept',
  'Expires', 'Date', 'Refer-To', 'r', 'Referred-By', 'b', 'Event', 'o', 'Subscription-State', 'Session-Expires', 'x',
  'Min-SE', 'Authorization', 'Proxy-Authorization', 'WWW-Authenticate', 'User-Agent', 'Timestamp', 'RSeq', 'RAck',
  'Replaces', 'X-Custom', 'P-Asserted-Identity', 'Unsupported', 'Subject', 's', 'Q', 'constructor', '__proto__',
  'toString', 'hasOwnProperty', 'prototype', 'valueOf',
];

function token(rng: Prng): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~';
  let out = '';
  const n = rng.logInt(24);
  for (let i = 0; i < n; i++) out += alphabet.charAt(rng.int(alphabet.length));
  return out;
}

function oneOf(rng: Prng, pieces: readonly string[]): string {
  return rng.chance(0.1) ? rng.pick(INTERESTING) + rng.pick(pieces) : rng.pick(pieces);
}

function number(rng: Prng): string {
  return rng.chance(0.3) ? rng.pick(BOUNDARY_NUMBERS) : String(rng.int(100000));
}

function params(rng: Prng): string {
  let out = '';
  const n = rng.int(4);
  for (let i = 0; i < n; i++) {
    const name = rng.chance(0.8) ? rng.pick(PARAM_NAMES) : token(rng);
    const value = rng.pick(['', `=${token(rng)}`, `=${number(rng)}`, '="quoted value"', '=', `=z9hG4bK${token(rng)}`]);
    out += `${rng.pick([';', ';', ' ; ', ';;'])}${name}${value}`;
  }
  return out;
}

function uri(rng: Prng): string {
  const scheme = oneOf(rng, URI_SCHEMES);
  if (scheme === 'tel') return `tel:${number(rng)}${params(rng)}`;
  const user = rng.chance(0.7) ? `${oneOf(rng, USERS)}@` : '';
  const port = rng.chance(0.3) ? `:${number(rng)}` : '';
  const headers = rng.chance(0.1) ? `?${token(rng)}=${token(rng)}` : '';
  return `${scheme}:${user}${oneOf(rng, HOSTS)}${port}${params(rng)}${headers}`;
}

function nameAddr(rng: Prng): string {
  const display = rng.pick(['', '"Alice" ', 'Bob ', '"unterminated ', '"esc \\" q" ', 'a,b ', '"" ']);
  if (rng.chance(0.25) && display === '') return `${uri(rng)}${params(rng)}`;
  return `${display}<${uri(rng)}>${params(rng)}`;
}

function via(rng: Prng): string {
  const sep = rng.pick(['/', ' / ', '/']);
  const port = rng.chance(0.5) ? `:${number(rng)}` : '';
  return `SIP${sep}2.0${sep}${oneOf(rng, TRANSPORTS)} ${oneOf(rng, HOSTS)}${port};branch=z9hG4bK${token(rng)}${params(rng)}`;
}

function value(rng: Prng, name: string, method: string): string {
  switch (name.toLowerCase()) {
    case 'via': case 'v':
      return rng.chance(0.2) ? `${via(rng)}, ${via(rng)}` : via(rng);
    case 'from': case 'f': case 'to': case 't': case 'contact': case 'm': case 'route': case 'record-route':
    case 'refer-to': case 'r': case 'referred-by': case 'b': case 'p-asserted-identity':
      return rng.chance(0.1) ? `${nameAddr(rng)}, ${nameAddr(rng)}` : nameAddr(rng);
    case 'cseq':
      return `${number(rng)} ${rng.chance(0.8) ? method : rng.pick(METHODS)}`;
    case 'call-id': case 'i':
      return rng.chance(0.9) ? `${token(rng)}@${oneOf(rng, HOSTS)}` : rng.pick(['', 'a b', '@', token(rng)]);
    case 'max-forwards': case 'expires': case 'content-length': case 'l': case 'rseq': case 'min-se': case 'timestamp':
      return number(rng);
    case 'content-type': case 'c': case 'accept':
      return oneOf(rng, CONTENT_TYPES);
    case 'require': case 'supported': case 'k': case 'unsupported':
      return `${rng.pick(OPTION_TAGS)}${rng.chance(0.3) ? `, ${rng.pick(OPTION_TAGS)}` : ''}`;
    case 'date':
      return rng.pick(['Sat, 13 Nov 2010 23:29:00 GMT', 'Thu, 21 Feb 2002 13:02:03 EST', '', 'GMT']);
    case 'authorization': case 'proxy-authorization': case 'www-authenticate':
      return `Digest username="${token(rng)}", realm="${token(rng)}", nonce="${token(rng)}", uri="${uri(rng)}", response="${token(rng)}"`;
    default:
      return rng.chance(0.5) ? token(rng) : rng.pick(['', ' ', '"quoted', `${token(rng)}, ${token(rng)}`, rng.pick(INTERESTING)]);
  }
}

function body(rng: Prng): string {
  return rng.pick([
    '',
    'v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n',
    '--b0\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n\r\n--b0--\r\n',
    '--b0\r\nContent-Type: application/sdp\r\n--b0',
    'SIP/2.0 200 OK\r\n',
    'Signal=5\r\nDuration=160\r\n',
    token(rng),
  ]);
}

/** A whole message: a request (or sometimes a response) with 0..24 random headers. */
export function generateMessage(rng: Prng): string {
  const method = rng.pick(METHODS);
  const isResponse = rng.chance(0.15);
  const startLine = isResponse
    ? `SIP/2.0 ${rng.pick(['100', '180', '200', '302', '400', '487', '699', '700', '099', '2000'])} ${rng.pick(['OK', '', 'Ringing x'])}`
    : `${method} ${rng.chance(0.1) ? rng.pick(['', ' ', 'sip:a b']) : uri(rng)} ${rng.pick(['SIP/2.0', 'SIP/2.0', 'sip/2.0', 'SIP/7.0', 'SIP/2', 'SIP/2.0 '])}`;
  const out = [startLine];
  const essentials = rng.chance(0.7) ? ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards'] : [];
  const names = [...essentials, ...Array.from({ length: rng.int(12) }, () => rng.pick(HEADER_NAMES))];
  for (const name of names) {
    const colon = rng.pick([': ', ':', ' : ', ':\t', ':\r\n ']);
    out.push(`${name}${colon}${value(rng, name, method)}`);
  }
  const b = body(rng);
  if (rng.chance(0.8)) out.push(`${rng.pick(['Content-Length', 'l'])}: ${rng.chance(0.8) ? b.length : number(rng)}`);
  const eol = rng.chance(0.9) ? '\r\n' : '\n';
  return `${out.join(eol)}${eol}${eol}${b}`;
}
