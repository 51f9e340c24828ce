import { CloneType, Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * Small typebox helpers shared by the config and dialplan schemas.
 *
 * The schemas describe two things at once: the JSON Schema a user's file is checked against (published in
 * docs/schema/) and the TypeScript type of the value the loader returns. Those differ for keys that have a
 * default: the user may leave them out, but after ajv's `useDefaults` they are always present. The helpers
 * below mark such keys optional in the JSON Schema while keeping them required in the static type.
 */

/**
 * Pattern of values that must stay on one line (HTTP header values: a line break would inject headers).
 * Its problem text never repeats the value, which may be a token.
 */
export const SINGLE_LINE = '^[^\\r\\n]*$';

/** A string restricted to a fixed list; renders as `{ type: string, enum: [...] }` (clearer errors than anyOf). */
export function StringEnum<const T extends readonly string[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** An integer restricted to a fixed list (e.g. sample rates). */
export function IntegerEnum<const T extends readonly number[]>(
  values: T,
  options: { description?: string } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'integer', enum: [...values], ...options });
}

/** Optional in the file, filled with `value` by ajv's useDefaults, so always present in the loaded value. */
export function WithDefault<T extends TSchema>(schema: T, value: Static<T>): T {
  return Type.Optional(CloneType(schema, { default: value })) as unknown as T;
}

/**
 * An object every key of which has a default: optional in the file, `{}` is filled in and then its own
 * defaults, so the loaded value always has the whole object.
 */
export function WithEmptyDefault<T extends TSchema>(schema: T): T {
  return Type.Optional(CloneType(schema, { default: {} })) as unknown as T;
}

/**
 * Optional in the file, always present in the loaded value because the loader computes it
 * (e.g. a random digest secret, a trunk's transports taken from the listeners).
 */
export function FilledByLoader<T extends TSchema>(schema: T): T {
  return Type.Optional(schema) as unknown as T;
}
