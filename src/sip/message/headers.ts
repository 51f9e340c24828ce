/**
 * SIP header storage (RFC 3261 §7.3). Names are case-insensitive and compact forms (§7.3.3) expand to their
 * long form. Headers that are comma-separated lists (§7.3.1) are split into one value per element, so
 * `getAll('via')` returns every Via in order whether they came on one line or several.
 */

/** RFC 3261 §7.3.3 and later RFCs' compact forms. */
const COMPACT = new Map<string, string>(Object.entries({
  i: 'call-id', m: 'contact', e: 'content-encoding', l: 'content-length', c: 'content-type', f: 'from',
  s: 'subject', k: 'supported', t: 'to', v: 'via', o: 'event', r: 'refer-to', b: 'referred-by',
  x: 'session-expires', u: 'allow-events', a: 'accept-contact', j: 'reject-contact', d: 'request-disposition',
  y: 'identity', n: 'identity-info',
}));

/** Canonical spelling for output. Unknown headers keep the spelling they arrived with. */
const CANONICAL = new Map<string, string>(Object.entries({
  'call-id': 'Call-ID', cseq: 'CSeq', 'www-authenticate': 'WWW-Authenticate', 'min-se': 'Min-SE',
  'rack': 'RAck', 'rseq': 'RSeq', 'mime-version': 'MIME-Version', 'sip-etag': 'SIP-ETag', 'sip-if-match': 'SIP-If-Match',
}));

/** Headers whose grammar is a comma-separated list, so several values may share one line (§7.3.1). */
const LIST_HEADERS = new Set([
  'via', 'route', 'record-route', 'contact', 'allow', 'supported', 'require', 'proxy-require', 'unsupported',
  'accept', 'accept-encoding', 'accept-language', 'content-encoding', 'allow-events', 'path', 'service-route',
  'in-reply-to', 'reason', 'p-asserted-identity', 'history-info', 'security-client', 'security-server',
  'security-verify', 'accept-contact', 'reject-contact', 'request-disposition', 'content-language', 'alert-info',
  'call-info', 'error-info',
]);

/** Headers that may appear at most once (RFC 3261 §20, the ones whose duplication is a parse error). */
export const SINGLE_HEADERS = new Set([
  'call-id', 'cseq', 'from', 'to', 'max-forwards', 'content-length', 'content-type', 'expires', 'min-expires',
  'session-expires', 'min-se', 'refer-to', 'referred-by', 'event', 'date', 'rseq', 'rack',
]);

export function normalizeName(name: string): string {
  const lower = name.toLowerCase();
  return lower.length === 1 ? (COMPACT.get(lower) ?? lower) : lower;
}

const OTHER_KNOWN = new Set([
  'authorization', 'proxy-authorization', 'proxy-authenticate', 'authentication-info', 'user-agent', 'server',
  'organization', 'subject', 'priority', 'warning', 'timestamp', 'retry-after', 'reply-to', 'content-disposition',
  'subscription-state', 'referred-by', 'replaces', 'x-switchboard-call-id', 'x-switchboard-reason',
]);

/** Output spelling: canonical Title-Case for headers we know, the sender's spelling for others. */
export function canonicalName(lower: string, original?: string): string {
  const known = CANONICAL.get(lower);
  if (known) return known;
  if (original && !LIST_HEADERS.has(lower) && !SINGLE_HEADERS.has(lower) && !OTHER_KNOWN.has(lower)) return original;
  return lower.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
}

export function isListHeader(lower: string): boolean {
  return LIST_HEADERS.has(lower);
}

/**
 * Split a list header value on commas that are outside quotes and angle brackets (RFC 3261 §7.3.1).
 * Empty elements are kept as '' so validation can reject them (RFC 4475 badinv01).
 */
export function splitList(value: string): string[] {
  if (value.indexOf(',') === -1) return [value.trim()];
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) quoted = false;
    } else if (c === 34) quoted = true;
    else if (c === 60 /* < */) depth++;
    else if (c === 62 /* > */) depth = Math.max(0, depth - 1);
    else if (c === 44 /* , */ && depth === 0) {
      out.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(value.slice(start).trim());
  return out;
}

export class SipHeaders {
  private readonly map = new Map<string, string[]>();
  private readonly spelled = new Map<string, string>();

  /** Append a value as received (list headers are split into elements). */
  add(name: string, value: string): this {
    const lower = normalizeName(name);
    const values = isListHeader(lower) && !(lower === 'contact' && value.trim() === '*') ? splitList(value) : [value];
    const existing = this.map.get(lower);
    if (existing) for (const v of values) existing.push(v); // no spread: 100k-element lists must not blow the stack
    else {
      this.map.set(lower, values);
      if (name.length > 1 && !CANONICAL.has(lower)) this.spelled.set(lower, name);
    }
    return this;
  }

  /** Replace all values of a header. */
  set(name: string, value: string | string[]): this {
    const lower = normalizeName(name);
    this.map.set(lower, Array.isArray(value) ? [...value] : [value]);
    return this;
  }

  /** Insert a value before the existing ones (a new top Via, §8.1.1.7). */
  prepend(name: string, value: string): this {
    const lower = normalizeName(name);
    const existing = this.map.get(lower);
    if (existing) existing.unshift(value);
    else this.map.set(lower, [value]);
    return this;
  }

  get(name: string): string | undefined {
    return this.map.get(normalizeName(name))?.[0];
  }

  getAll(name: string): string[] {
    return this.map.get(normalizeName(name)) ?? [];
  }

  has(name: string): boolean {
    return this.map.has(normalizeName(name));
  }

  delete(name: string): this {
    this.map.delete(normalizeName(name));
    return this;
  }

  /** Number of values (elements) stored for a header. */
  count(name: string): number {
    return this.map.get(normalizeName(name))?.length ?? 0;
  }

  *entries(): IterableIterator<[string, string[]]> {
    for (const [lower, values] of this.map) yield [canonicalName(lower, this.spelled.get(lower)), values];
  }

  clone(): SipHeaders {
    const copy = new SipHeaders();
    for (const [lower, values] of this.map) copy.map.set(lower, [...values]);
    for (const [lower, s] of this.spelled) copy.spelled.set(lower, s);
    return copy;
  }
}
