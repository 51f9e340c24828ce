import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TSchema } from '@sinclair/typebox';
import type { KeyPath } from './config-error.js';
import { FORMATS } from './formats.js';
import { SINGLE_LINE } from './schema-helpers.js';

/**
 * Validates a plain value against a typebox schema with ajv, filling defaults in place (`useDefaults:
 * 'empty'`, so `key:` left empty gets the default too) and coercing scalars, because `${ENV}` values
 * arrive as strings ("5060" for a port). Every error is turned into a key path and one line of text.
 */
export interface SchemaProblem {
  path: KeyPath;
  message: string;
}

const ajv = new Ajv({
  allErrors: true,
  useDefaults: 'empty',
  coerceTypes: true,
  verbose: true,
  allowUnionTypes: true,
  strict: true,
});
for (const [name, rule] of Object.entries(FORMATS)) ajv.addFormat(name, { type: 'string', validate: rule.check });

const compiled = new WeakMap<TSchema, ValidateFunction>();

/** Validates `data` (mutated: defaults filled, scalars coerced); returns the problems, none when valid. */
export function validateAgainst(schema: TSchema, data: unknown): SchemaProblem[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(data)) return [];
  return simplifyAnyOf(validate.errors ?? []).map(toProblem);
}

/**
 * ajv reports every branch of a failed anyOf (a string-or-list key, a union of auth schemes). Keep what the
 * user meant: the errors of the closest branch (one whose type and discriminator matched, with fewest errors),
 * or, when no branch's type matched, one "must be A or B" line.
 */
function simplifyAnyOf(errors: ErrorObject[]): ErrorObject[] {
  let out = errors;
  for (const any of errors.filter((e) => e.keyword === 'anyOf')) {
    const prefix = `${any.schemaPath.replace(/\/anyOf$/, '')}/anyOf/`;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of out) {
      if (!e.schemaPath.startsWith(prefix)) continue;
      const i = e.schemaPath.slice(prefix.length).split('/')[0] ?? '';
      branches.set(i, [...(branches.get(i) ?? []), e]);
    }
    const inBranches = new Set([...branches.values()].flat());
    const fits = [...branches.values()].filter((errs) => !errs.some((e) => e.instancePath === any.instancePath && (e.keyword === 'type' || e.keyword === 'const'))
      && !errs.some((e) => e.keyword === 'const'));
    const best = fits.sort((a, b) => a.length - b.length)[0];
    const types = [...branches.values()].flat().filter((e) => e.keyword === 'type' && e.instancePath === any.instancePath).map((e) => (e.params as { type: unknown }).type);
    const replacement: ErrorObject[] = best ?? [{ ...any, keyword: 'type', params: { type: [...new Set(types.flat())] } }];
    out = out.filter((e) => e !== any && !inBranches.has(e));
    out.push(...replacement);
  }
  return out;
}

function toProblem(e: ErrorObject): SchemaProblem {
  const path = pointerToPath(e.instancePath);
  const got = describeValue(e.data);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(p.missingProperty)], message: 'is required' };
    case 'additionalProperties':
      return { path: [...path, String(p.additionalProperty)], message: 'is not a known key' };
    case 'type':
      return { path, message: `must be ${typeName(p.type)} (got ${got})` };
    case 'enum':
      return { path, message: `must be one of ${listValues(p.allowedValues)} (got ${got})` };
    case 'format': {
      const rule = FORMATS[String(p.format)];
      return { path, message: rule ? rule.problem(got) : `${got} is not a valid ${String(p.format)}` };
    }
    case 'minimum':
    case 'maximum':
      return { path, message: `must be ${String(p.comparison)} ${String(p.limit)} (got ${got})` };
    case 'multipleOf':
      return { path, message: p.multipleOf === 2 ? `must be even (got ${got})` : `must be a multiple of ${String(p.multipleOf)} (got ${got})` };
    case 'minItems':
      return { path, message: `must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` };
    case 'minLength':
      return { path, message: p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long` };
    case 'pattern':
      return p.pattern === SINGLE_LINE
        ? { path, message: 'must not contain line breaks' }
        : { path, message: `${got} does not match ${String(p.pattern)}` };
    case 'uniqueItems':
      return { path, message: `lists the same item twice (items ${String(p.j)} and ${String(p.i)})` };
    default:
      return { path, message: e.message ?? `fails ${e.keyword}` };
  }
}

/** `/trunks/0/addresses/1` → ['trunks', 0, 'addresses', 1] (RFC 6901 escapes undone). */
function pointerToPath(pointer: string): KeyPath {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((raw) => {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^(0|[1-9]\d*)$/.test(seg) ? Number(seg) : seg;
  });
}

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false',
  object: 'a mapping', array: 'a list', null: 'empty',
};

function typeName(t: unknown): string {
  const names = String(t).split(',').map((n) => TYPE_NAMES[n] ?? n);
  return names.length === 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''}`;
}

function listValues(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => String(v)).join(', ') : String(values);
}

/** A value as it appears in a problem line. */
export function describeValue(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return JSON.stringify(v);
}
