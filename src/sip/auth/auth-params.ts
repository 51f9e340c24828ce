/**
 * The generic authentication header syntax shared by challenges and credentials
 * (RFC 3261 §25.1 `challenge` / `credentials`, RFC 7616 §3.3–3.4, RFC 7235 §2.1):
 *
 *   Digest realm="x", nonce="y", algorithm=SHA-256, qop="auth", stale=TRUE
 *
 * - the scheme and the parameter names are case-insensitive tokens (names are returned lower-cased);
 * - values are a token or a quoted-string with backslash escapes (quoted-pair);
 * - LWS (including folded lines) may surround `=` and `,`; commas inside quotes are data;
 * - empty list elements (`a=1,,b=2`) are tolerated (RFC 7230 §7), duplicate names are not (RFC 7235 §2.1).
 *
 * One header field carries one challenge in SIP (RFC 3261 §20.44 and §7.3.1 forbid comma-combining
 * WWW-Authenticate / Authorization fields), so a value naming a second scheme is malformed.
 * Parsing never throws: malformed input yields `undefined` so callers can answer 400/401 cleanly.
 */
import { SwitchboardError } from '../../shared/errors.js';

export interface AuthHeader {
  /** The scheme exactly as received (compare it case-insensitively, e.g. with {@link isScheme}). */
  readonly scheme: string;
  /** Parameters by lower-cased name, values unquoted and unescaped. */
  readonly params: ReadonlyMap<string, string>;
}

export interface AuthParam {
  readonly name: string;
  readonly value: string;
  /** true: written as a quoted-string; false: written as a token (quoted anyway if it is not a valid token). */
  readonly quoted: boolean;
}

/** RFC 3261 §25.1 token characters besides alphanumerics. */
const TOKEN_PUNCTUATION = new Set(['-', '.', '!', '%', '*', '_', '+', '`', "'", '~']);

function isAlnum(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isTokenChar(ch: string): boolean {
  return isAlnum(ch.charCodeAt(0)) || TOKEN_PUNCTUATION.has(ch);
}

/**
 * Characters accepted in an unquoted parameter value. Wider than a strict token: some senders put
 * base64 nonces (`/`, `=`) or URIs (`:`, `@`, `;`) unquoted; any visible ASCII except the
 * delimiters `"`, `,` and `\` is unambiguous here.
 */
function isBareValueChar(c: number): boolean {
  return c > 0x20 && c < 0x7f && c !== 0x22 && c !== 0x2c && c !== 0x5c;
}

export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (const ch of text) if (!isTokenChar(ch)) return false;
  return true;
}

/** Case-insensitive scheme comparison (RFC 3261 §25.1: auth-scheme is a token, compared case-insensitively). */
export function isScheme(header: AuthHeader, scheme: string): boolean {
  return header.scheme.toLowerCase() === scheme.toLowerCase();
}

const isWsp = (ch: string | undefined): boolean => ch === ' ' || ch === '\t';

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean { return this.pos >= this.text.length; }
  peek(): string | undefined { return this.text[this.pos]; }
  skipWs(): number {
    const start = this.pos;
    while (isWsp(this.text[this.pos])) this.pos++;
    return this.pos - start;
  }
  token(): string | undefined {
    const start = this.pos;
    while (this.pos < this.text.length && isTokenChar(this.text[this.pos] as string)) this.pos++;
    return this.pos > start ? this.text.slice(start, this.pos) : undefined;
  }
  bareValue(): string | undefined {
    const start = this.pos;
    while (this.pos < this.text.length && isBareValueChar(this.text.charCodeAt(this.pos))) this.pos++;
    return this.pos > start ? this.text.slice(start, this.pos) : undefined;
  }
  /** quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE (RFC 3261 §25.1). */
  quotedString(): string | undefined {
    if (this.text[this.pos] !== '"') return undefined;
    this.pos++;
    let out = '';
    while (this.pos < this.text.length) {
      const ch = this.text[this.pos] as string;
      const code = ch.charCodeAt(0);
      if (ch === '"') { this.pos++; return out; }
      if (ch === '\\') {
        const next = this.text[this.pos + 1];
        // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): anything but CR and LF.
        if (next === undefined || next === '\r' || next === '\n') return undefined;
        out += next;
        this.pos += 2;
        continue;
      }
      // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII: no other control characters.
      if ((code < 0x20 && ch !== '\t') || code === 0x7f) return undefined;
      out += ch;
      this.pos++;
    }
    return undefined; // unterminated
  }
}

/** LWS = [*WSP CRLF] 1*WSP: a folded line is equivalent to a single space (RFC 3261 §7.3.1). */
function unfold(value: string): string {
  return value.replace(/\r?\n(?=[ \t])/g, ' ');
}

/** Parses one challenge or credentials value; `undefined` when it does not follow the grammar. */
export function parseAuthHeader(value: string): AuthHeader | undefined {
  const text = unfold(value).trim();
  if (/[\r\n]/.test(text)) return undefined;
  const cur = new Cursor(text);
  const scheme = cur.token();
  if (scheme === undefined) return undefined;
  if (cur.skipWs() === 0) return undefined; // scheme LWS params
  const params = new Map<string, string>();
  for (;;) {
    cur.skipWs();
    if (cur.done) break;
    if (cur.peek() === ',') { cur.pos++; continue; } // empty list element
    const name = cur.token();
    if (name === undefined) return undefined;
    cur.skipWs();
    if (cur.peek() !== '=') return undefined; // also rejects a second scheme ("..., Basic realm=x")
    cur.pos++;
    cur.skipWs();
    const val = cur.peek() === '"' ? cur.quotedString() : cur.bareValue();
    if (val === undefined) return undefined;
    const key = name.toLowerCase();
    if (params.has(key)) return undefined;
    params.set(key, val);
    cur.skipWs();
    if (cur.done) break;
    if (cur.peek() !== ',') return undefined;
    cur.pos++;
  }
  if (params.size === 0) return undefined; // digest-cln / auth-param: at least one is required
  return { scheme, params };
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * Writes `Scheme name=value, name="value"`. Values come from our own configuration, so a control
 * character (which would allow header injection) is a programming/config error and throws.
 */
export function serializeAuthHeader(scheme: string, params: readonly AuthParam[]): string {
  if (!isToken(scheme)) throw new SwitchboardError('SIP_AUTH', 'auth scheme is not a token');
  const parts = params.map((p) => {
    if (!isToken(p.name)) throw new SwitchboardError('SIP_AUTH', `auth parameter name "${p.name}" is not a token`);
    if (/[\x00-\x08\x0a-\x1f\x7f]/.test(p.value)) {
      throw new SwitchboardError('SIP_AUTH', `auth parameter "${p.name}" contains a control character`);
    }
    return `${p.name}=${p.quoted || !isToken(p.value) ? quote(p.value) : p.value}`;
  });
  return `${scheme} ${parts.join(', ')}`;
}
