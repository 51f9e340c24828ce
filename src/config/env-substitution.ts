import type { KeyPath } from './config-error.js';
import type { Env } from './env.js';

/**
 * `${NAME}` and `${NAME:-default}` substitution in every string value of a parsed YAML document (keys are
 * left alone). As in the POSIX shell, `:-` uses the default when the variable is unset or empty. `$${` is a
 * literal `${`. Defaults cannot contain `}`. An unset variable without default is a problem naming the key.
 */
export interface EnvProblem {
  path: KeyPath;
  message: string;
}

export interface Substituted {
  value: unknown;
  problems: EnvProblem[];
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([^]*))?$/;

export function substituteEnv(value: unknown, env: Env): Substituted {
  const problems: EnvProblem[] = [];
  const walk = (v: unknown, path: KeyPath): unknown => {
    if (typeof v === 'string') return substituteString(v, env, (message) => problems.push({ path, message }));
    if (Array.isArray(v)) return v.map((item: unknown, i) => walk(item, [...path, i]));
    if (typeof v === 'object' && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, [...path, k]);
      return out;
    }
    return v;
  };
  return { value: walk(value, []), problems };
}

/** Substitutes one string; reports problems through `report` and leaves unresolved references empty. */
export function substituteString(s: string, env: Env, report: (message: string) => void): string {
  if (!s.includes('${')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    if (s.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!s.startsWith('${', i)) {
      out += s[i];
      i += 1;
      continue;
    }
    const close = s.indexOf('}', i + 2);
    if (close < 0) {
      report('"${" without a closing "}" (write $${ for a literal ${)');
      return out + s.slice(i);
    }
    const expr = s.slice(i + 2, close);
    const m = REFERENCE.exec(expr);
    const name = m?.[1];
    if (!m || name === undefined) {
      report(`"\${${expr}}" is not a valid variable reference (expected \${NAME} or \${NAME:-default})`);
    } else {
      const fallback = m[2];
      const current = env[name];
      if (fallback !== undefined) out += current === undefined || current === '' ? fallback : current;
      else if (current !== undefined) out += current;
      else report(`environment variable ${name} is not set`);
    }
    i = close + 1;
  }
  return out;
}
