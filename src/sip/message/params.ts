/**
 * Generic parameters (RFC 3261 §25.1 `generic-param`): `;name[=value]` lists as used by URIs, Via,
 * name-addr headers. LWS around `;` and `=` is allowed in headers (§7.3.1), not in URIs.
 */
export type Params = Map<string, string | null>;

const TOKEN_RE = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

export function isToken(s: string): boolean {
  return TOKEN_RE.test(s);
}

/**
 * Parse `;a=1;b;c="x y"` (leading `;` optional). Returns undefined when a parameter is empty or malformed
 * (RFC 4475 badinv01: `;;,;`). Names are lower-cased; values keep their case (quotes kept for quoted values).
 */
export function parseParams(input: string, allowLws: boolean): Params | undefined {
  const params: Params = new Map();
  let s = allowLws ? input.trim() : input;
  if (s === '') return params;
  if (s.charCodeAt(0) === 59 /* ; */) s = s.slice(1);
  for (const part of splitParams(s)) {
    const p = allowLws ? part.trim() : part;
    if (p === '') return undefined;
    const eq = p.indexOf('=');
    if (eq === -1) {
      if (!isToken(p)) return undefined;
      params.set(p.toLowerCase(), null);
      continue;
    }
    const name = allowLws ? p.slice(0, eq).trim() : p.slice(0, eq);
    const value = allowLws ? p.slice(eq + 1).trim() : p.slice(eq + 1);
    if (!isToken(name)) return undefined;
    if (value.startsWith('"')) {
      if (value.length < 2 || !value.endsWith('"')) return undefined;
    } else if (value !== '' && /[\s"<>,;]/.test(value)) return undefined;
    params.set(name.toLowerCase(), value);
  }
  return params;
}

/** Split on `;` outside quoted strings. */
function splitParams(s: string): string[] {
  if (s.indexOf('"') === -1) return s.split(';');
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quoted) {
      if (c === 92) i++;
      else if (c === 34) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 59) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

export function formatParams(params: Params): string {
  let out = '';
  for (const [k, v] of params) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}
