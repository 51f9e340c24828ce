import { DOMParser, onErrorStopParsing } from '@xmldom/xmldom';
import { query as jsonPathQuery, type JsonValue } from 'jsonpath-rfc9535';
import parseJsonPath, { type JsonPathQuery } from 'jsonpath-rfc9535/parser';
import * as xpath from 'xpath';
import { SwitchboardError } from '../shared/errors.js';

/**
 * `response.map`: parse the upstream answer (JSON or XML, by Content-Type) and project it onto the mapped
 * fields. The agent sees the mapped fields and nothing else.
 *
 * - JSON answers use JSONPath (RFC 9535, library jsonpath-rfc9535). A singular query (§2.3.5.1: only member
 *   names and indexes, e.g. `$.order.items[0].sku`) gives the value or null and is evaluated by a precompiled
 *   walk; any other query (wildcards, slices, filters, descendants) gives the array of all matches.
 * - XML/SOAP answers use XPath 1.0 (libraries xpath + @xmldom/xmldom; xmldom does not resolve external entities).
 *   A node-set gives null (no node), the text of the one node, or an array of texts; string, number and
 *   boolean results are passed through. Prefixes come from `response.namespaces`.
 * Which language a map uses follows from its expressions: all start with `$` (JSONPath) or none does (XPath).
 */

export type MappedData = Record<string, unknown>;
export type MapKind = 'json' | 'xml' | 'none';

type Step = string | number;
type JsonField = { name: string; singular: Step[] } | { name: string; expression: string };
type XPathSelect = ReturnType<typeof xpath.useNamespaces>;
type XPathNode = Parameters<XPathSelect>[1];

function configError(message: string): SwitchboardError {
  return new SwitchboardError('CONFIG_INVALID', message);
}

function badResponse(message: string, cause?: unknown): SwitchboardError {
  return new SwitchboardError('INTEGRATION_BAD_RESPONSE', message, cause === undefined ? undefined : { cause });
}

/** The steps of a singular query (RFC 9535 §2.3.5.1), or undefined when the query may select several nodes. */
function singularSteps(ast: JsonPathQuery): Step[] | undefined {
  const steps: Step[] = [];
  for (const seg of ast.segments) {
    if (seg.type !== 'ChildSegment') return undefined;
    const node = seg.node;
    if (node.type === 'MemberNameShorthand') steps.push(node.value);
    else if (node.type === 'BracketedSelection' && node.selectors.length === 1) {
      const sel = node.selectors[0];
      if (sel?.type === 'NameSelector' || sel?.type === 'IndexSelector') steps.push(sel.value);
      else return undefined;
    } else return undefined;
  }
  return steps;
}

function walk(doc: unknown, steps: readonly Step[]): unknown {
  let v: unknown = doc;
  for (const s of steps) {
    if (typeof s === 'number') {
      if (!Array.isArray(v)) return null;
      const i = s < 0 ? v.length + s : s;
      if (i < 0 || i >= v.length) return null;
      v = v[i];
    } else {
      if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.hasOwn(v, s)) return null;
      v = (v as Record<string, unknown>)[s];
    }
  }
  return v;
}

function xmlText(value: unknown): unknown {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value !== null && typeof value === 'object' && 'textContent' in value) return value.textContent ?? null;
  return null;
}

export class ResponseMap {
  readonly kind: MapKind;
  private readonly jsonFields: JsonField[] = [];
  private readonly xmlFields: { name: string; expression: string }[] = [];
  private readonly select: XPathSelect | undefined;

  constructor(map: Readonly<Record<string, string>>, namespaces: Readonly<Record<string, string>> = {}) {
    const entries = Object.entries(map);
    const jsonCount = entries.filter(([, e]) => e.trimStart().startsWith('$')).length;
    if (entries.length === 0) this.kind = 'none';
    else if (jsonCount === entries.length) this.kind = 'json';
    else if (jsonCount === 0) this.kind = 'xml';
    else throw configError('response.map mixes JSONPath ($...) and XPath expressions');

    if (this.kind === 'json') {
      for (const [name, expression] of entries) {
        let ast: JsonPathQuery;
        try {
          ast = parseJsonPath(expression);
        } catch {
          throw configError(`response.map.${name} is not a valid JSONPath (RFC 9535) query`);
        }
        const singular = singularSteps(ast);
        this.jsonFields.push(singular ? { name, singular } : { name, expression });
      }
    } else if (this.kind === 'xml') {
      this.select = xpath.useNamespaces({ ...namespaces });
      const probe = new DOMParser().parseFromString('<probe/>', 'text/xml') as unknown as XPathNode;
      for (const [name, expression] of entries) {
        try {
          this.select(expression, probe);
        } catch (e) {
          throw configError(`response.map.${name} is not a valid XPath 1.0 expression (${e instanceof Error ? e.message : 'error'})`);
        }
        this.xmlFields.push({ name, expression });
      }
    }
  }

  /** Parse `body` (by `contentType`, sniffing when absent) and project it. Throws INTEGRATION_BAD_RESPONSE. */
  project(body: string, contentType: string | undefined): MappedData {
    if (this.kind === 'none') return {};
    const kind = detectKind(body, contentType);
    if (kind !== this.kind) throw badResponse(`expected a ${this.kind.toUpperCase()} answer, got ${contentType ?? 'no content type'}`);
    return this.kind === 'json' ? this.projectJson(body) : this.projectXml(body);
  }

  private projectJson(body: string): MappedData {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch (e) {
      throw badResponse('answer is not valid JSON', e);
    }
    const out: MappedData = {};
    for (const f of this.jsonFields) {
      if ('singular' in f) out[f.name] = walk(doc, f.singular) ?? null;
      else out[f.name] = jsonPathQuery(doc as JsonValue, f.expression);
    }
    return out;
  }

  private projectXml(body: string): MappedData {
    let doc: XPathNode;
    try {
      doc = new DOMParser({ onError: onErrorStopParsing }).parseFromString(body, 'text/xml') as unknown as XPathNode;
    } catch (e) {
      throw badResponse('answer is not well-formed XML', e);
    }
    const select = this.select as XPathSelect;
    const out: MappedData = {};
    for (const f of this.xmlFields) {
      const r: unknown = select(f.expression, doc);
      if (Array.isArray(r)) out[f.name] = r.length === 0 ? null : r.length === 1 ? xmlText(r[0]) : r.map(xmlText);
      else out[f.name] = xmlText(r);
    }
    return out;
  }
}

function detectKind(body: string, contentType: string | undefined): 'json' | 'xml' | undefined {
  const ct = contentType?.split(';', 1)[0]?.trim().toLowerCase();
  if (ct) {
    if (ct === 'application/json' || ct.endsWith('+json')) return 'json';
    if (ct === 'application/xml' || ct === 'text/xml' || ct.endsWith('+xml')) return 'xml';
  }
  const first = /\S/.exec(body)?.[0];
  if (first === '{' || first === '[') return 'json';
  if (first === '<') return 'xml';
  return undefined;
}
