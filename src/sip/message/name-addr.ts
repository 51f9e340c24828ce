/**
 * name-addr / addr-spec values (RFC 3261 §20.10, §25.1): From, To, Contact, Route, Record-Route, Refer-To,
 * Referred-By.  `"Display" <sip:u@h;uri-param>;header-param`  or  `sip:u@h;header-param`.
 */
import { type Params, parseParams, formatParams, isToken } from './params.js';
import { type Uri, parseUri, formatUri } from './uri.js';

export interface NameAddr {
  displayName?: string;
  uri: Uri;
  /** Header parameters (tag, expires, q, ...), outside the angle brackets. */
  params: Params;
  /** True when the URI was written inside `<>`. */
  bracketed: boolean;
}

export function parseNameAddr(value: string): NameAddr | undefined {
  const s = value.trim();
  if (s === '') return undefined;
  let displayName: string | undefined;
  let i = 0;
  if (s.charCodeAt(0) === 34 /* " */) {
    const end = findQuoteEnd(s, 0);
    if (end === -1) return undefined; // unterminated quoted-string (RFC 4475 quotbal)
    displayName = unquote(s.slice(0, end + 1));
    i = end + 1;
    while (s[i] === ' ' || s[i] === '\t') i++;
    if (s[i] !== '<') return undefined;
  }
  const lt = s.indexOf('<', i);
  if (lt !== -1) {
    if (displayName === undefined) {
      const dn = s.slice(0, lt).trim();
      if (dn !== '') {
        // display-name = *(token LWS): unquoted names may not carry commas etc. (RFC 4475 baddn).
        if (!dn.split(/[ \t]+/).every(isToken)) return undefined;
        displayName = dn;
      }
    }
    const gt = s.indexOf('>', lt);
    if (gt === -1) return undefined;
    const uri = parseUri(s.slice(lt + 1, gt)); // no LWS allowed inside <> (RFC 4475 badaspec)
    if (!uri) return undefined;
    const params = parseParams(s.slice(gt + 1), true);
    if (!params) return undefined;
    const na: NameAddr = { uri, params, bracketed: true };
    if (displayName !== undefined) na.displayName = displayName;
    return na;
  }
  if (displayName !== undefined) return undefined;
  // addr-spec form: the URI ends at the first ';' and may not contain ',', '?' (RFC 3261 §20, RFC 4475 regbadct).
  const semi = s.indexOf(';');
  const uriText = (semi === -1 ? s : s.slice(0, semi)).trim();
  if (/[,?]/.test(uriText)) return undefined;
  const uri = parseUri(uriText);
  if (!uri) return undefined;
  const params = semi === -1 ? new Map<string, string | null>() : parseParams(s.slice(semi), true);
  if (!params) return undefined;
  return { uri, params, bracketed: false };
}

export function formatNameAddr(na: NameAddr): string {
  const dn = na.displayName !== undefined ? `${quote(na.displayName)} ` : '';
  return `${dn}<${formatUri(na.uri)}>${formatParams(na.params)}`;
}

function findQuoteEnd(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i;
  }
  return -1;
}

export function unquote(q: string): string {
  if (q.length < 2 || q[0] !== '"' || q[q.length - 1] !== '"') return q;
  return q.slice(1, -1).replace(/\\(.)/g, '$1');
}

export function quote(s: string): string {
  return `"${s.replace(/(["\\])/g, '\\$1')}"`;
}

/** The `tag` parameter of a From/To value, if any. */
export function tagOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const na = parseNameAddr(value);
  const t = na?.params.get('tag');
  return t ?? undefined;
}
