import { SwitchboardError } from '../shared/errors.js';

/**
 * Request templates: `{{params.x}}`, `{{call.from}}`, `{{call.to}}`, `{{call.id}}`.
 *
 * Templates are compiled once (when the integration is loaded) and rendered per call with the escaping of the
 * place they are in, so a value can never change the structure of what it is put into:
 * - URL: percent-encoded (encodeURIComponent); the scheme, host and port are literal, and a value that would be
 *   a whole `.` or `..` path segment is refused (it would climb the path);
 * - JSON body: the template is a JSON value; placeholders live in its strings and the result is serialised with
 *   JSON.stringify (a string that is exactly one placeholder takes the parameter's own type);
 * - XML/SOAP body: XML-escaped (& < > " '), and characters XML 1.0 does not allow are refused;
 * - header values: a value containing CR, LF or NUL is refused (header injection).
 * Refusals throw INTEGRATION_INVALID_PARAMS; they happen before any request is made.
 */

export type ParamValue = string | number | boolean;

/** The call fields templates may use. Phone numbers: never log them. */
export interface CallFields {
  id: string;
  from?: string;
  to?: string;
  /** The dialplan route and trunk of the call. */
  route?: string;
  trunk?: string;
  /** callEnd only: how the call ended (e.g. caller-hangup, transferred) and how long it lasted after answer. */
  endCause?: string;
  durationSeconds?: number;
}

export interface TemplateValues {
  /** Parameters under the names the templates see (after `as` renames). */
  params: Readonly<Record<string, ParamValue | undefined>>;
  call: CallFields;
}

export type CallField = keyof CallFields;
const CALL_FIELDS: ReadonlySet<string> = new Set<CallField>(['id', 'from', 'to', 'route', 'trunk', 'endCause', 'durationSeconds']);

type Ref = { source: 'params'; name: string } | { source: 'call'; name: CallField };
type Part = string | Ref;

/** The names a compiled template reads: checked against the declared parameters, and part of the cache key. */
export interface TemplateRefs {
  params: Set<string>;
  call: Set<CallField>;
}

export function emptyRefs(): TemplateRefs {
  return { params: new Set(), call: new Set() };
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const REF = /^\s*(params|call)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/;

function configError(message: string): SwitchboardError {
  return new SwitchboardError('CONFIG_INVALID', message);
}

/** Split a template into literal text and references; throws CONFIG_INVALID on a malformed placeholder. */
export function parseTemplate(text: string, refs: TemplateRefs): Part[] {
  const parts: Part[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const at = m.index;
    const ref = REF.exec(m[1] ?? '');
    if (!ref) throw configError(`template placeholder {{${m[1] ?? ''}}} is not {{params.<name>}} or {{call.<field>}}`);
    if (at > last) parts.push(text.slice(last, at));
    const name = ref[2] as string;
    if (ref[1] === 'call') {
      if (!CALL_FIELDS.has(name)) throw configError(`template placeholder {{call.${name}}}: call fields are ${[...CALL_FIELDS].join(', ')}`);
      refs.call.add(name as CallField);
      parts.push({ source: 'call', name: name as CallField });
    } else {
      refs.params.add(name);
      parts.push({ source: 'params', name });
    }
    last = at + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  const rest = parts.filter((p): p is string => typeof p === 'string').join('');
  if (rest.includes('{{') || rest.includes('}}')) throw configError('template has an unbalanced {{ or }}');
  return parts;
}

function lookup(ref: Ref, values: TemplateValues): ParamValue | undefined {
  return ref.source === 'params' ? values.params[ref.name] : values.call[ref.name];
}

function invalid(message: string): SwitchboardError {
  return new SwitchboardError('INTEGRATION_INVALID_PARAMS', message);
}

function renderParts(parts: readonly Part[], values: TemplateValues, escape: (value: string, ref: Ref) => string): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'string') out += p;
    else {
      const v = lookup(p, values);
      out += v === undefined ? '' : escape(String(v), p);
    }
  }
  return out;
}

function refName(ref: Ref): string {
  return `${ref.source}.${ref.name}`;
}

/** A URL template: the literal origin (for the connection pool) and a renderer for path + query. */
export interface CompiledUrl {
  readonly origin: string;
  readonly protocol: 'http:' | 'https:';
  /** Path and query, placeholders percent-encoded. */
  path(values: TemplateValues): string;
}

export function compileUrl(template: string, refs: TemplateRefs): CompiledUrl {
  const m = /^(https?):\/\/([^/?#{}]+)(.*)$/.exec(template);
  if (!m) throw configError('request.url must be an http:// or https:// URL whose scheme, host and port are literal');
  const protocol = m[1] === 'https' ? 'https:' : 'http:';
  let origin: string;
  try {
    origin = new URL(`${protocol}//${m[2] as string}`).origin;
  } catch {
    throw configError('request.url has an invalid host');
  }
  let rest = m[3] ?? '';
  if (rest.includes('#')) throw configError('request.url must not have a fragment');
  if (rest === '' || rest.startsWith('?')) rest = `/${rest}`;
  const queryAt = rest.indexOf('?');
  const pathParts = parseTemplate(queryAt < 0 ? rest : rest.slice(0, queryAt), refs);
  const queryParts = queryAt < 0 ? [] : parseTemplate(rest.slice(queryAt), refs);
  const encodeSegment = (v: string, ref: Ref): string => {
    if (v === '.' || v === '..') throw invalid(`${refName(ref)} may not be "." or ".." in a URL path`);
    return encodeURIComponent(v);
  };
  const encodeQuery = (v: string): string => encodeURIComponent(v);
  return {
    origin,
    protocol,
    path: (values) => renderParts(pathParts, values, encodeSegment) + renderParts(queryParts, values, encodeQuery),
  };
}

/** A header value template. */
export function compileHeader(template: string, refs: TemplateRefs): (values: TemplateValues) => string {
  const parts = parseTemplate(template, refs);
  if (parts.every((p) => typeof p === 'string')) {
    const literal = parts.join('');
    return () => literal;
  }
  return (values) => renderParts(parts, values, (v, ref) => {
    if (/[\r\n\0]/.test(v)) throw invalid(`${refName(ref)} may not contain line breaks in a header`);
    return v;
  });
}

type JsonRenderer = (values: TemplateValues) => unknown;

function compileJsonValue(node: unknown, refs: TemplateRefs): JsonRenderer {
  if (typeof node === 'string') {
    const parts = parseTemplate(node, refs);
    const only = parts.length === 1 ? parts[0] : undefined;
    if (only !== undefined && typeof only !== 'string') return (values) => lookup(only, values) ?? null;
    return (values) => renderParts(parts, values, (v) => v);
  }
  if (Array.isArray(node)) {
    const items = node.map((n) => compileJsonValue(n, refs));
    return (values) => items.map((r) => r(values));
  }
  if (node !== null && typeof node === 'object') {
    const entries = Object.entries(node).map(([k, v]) => [k, compileJsonValue(v, refs)] as const);
    return (values) => {
      const out: Record<string, unknown> = {};
      for (const [k, r] of entries) out[k] = r(values);
      return out;
    };
  }
  return () => node;
}

/** A JSON body template (any JSON value). Rendering serialises, so values are always JSON-escaped. */
export function compileJsonBody(template: unknown, refs: TemplateRefs): (values: TemplateValues) => string {
  const render = compileJsonValue(template, refs);
  return (values) => JSON.stringify(render(values));
}

const XML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\'': '&apos;' };
// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
const XML_ILLEGAL = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

/** An XML/SOAP body template (a string). Values are XML-escaped. */
export function compileXmlBody(template: string, refs: TemplateRefs): (values: TemplateValues) => string {
  const parts = parseTemplate(template, refs);
  return (values) => renderParts(parts, values, (v, ref) => {
    if (XML_ILLEGAL.test(v)) throw invalid(`${refName(ref)} contains characters XML does not allow`);
    return escapeXml(v);
  });
}
