import { SwitchboardError } from '../shared/errors.js';
import type { IntegrationParam } from './schema.js';
import type { ParamValue } from './template.js';

/**
 * Validation and renaming of what the agent sends. The agent's names are the keys of `params:`; `as` gives the
 * name the templates (and the cache key) see. Anything undeclared, missing, too long, of the wrong type or not
 * matching `pattern` is refused before any request leaves. Problems name the parameter, never its value
 * (it may be a national id or a card number).
 */

export type ParamCheck =
  | { ok: true; values: Record<string, ParamValue> }
  | { ok: false; param: string; message: string };

interface Rule {
  agentName: string;
  as: string;
  pattern: RegExp | undefined;
  required: boolean;
  maxLength: number;
}

export class ParamRules {
  private readonly rules: Rule[];
  private readonly byAgentName: Map<string, Rule>;
  /** The names the templates may use. */
  readonly templateNames: ReadonlySet<string>;

  constructor(params: Readonly<Record<string, IntegrationParam>>) {
    this.rules = Object.entries(params).map(([agentName, p]) => {
      let pattern: RegExp | undefined;
      if (p.pattern !== undefined) {
        try {
          pattern = new RegExp(p.pattern);
        } catch {
          throw new SwitchboardError('CONFIG_INVALID', `params.${agentName}.pattern is not a valid regular expression`);
        }
      }
      return { agentName, as: p.as ?? agentName, pattern, required: p.required ?? true, maxLength: p.maxLength ?? 256 };
    });
    this.byAgentName = new Map(this.rules.map((r) => [r.agentName, r]));
    const names = new Set<string>();
    for (const r of this.rules) {
      if (names.has(r.as)) throw new SwitchboardError('CONFIG_INVALID', `params: two parameters are renamed to "${r.as}"`);
      names.add(r.as);
    }
    this.templateNames = names;
  }

  /** Check the agent's parameters and return them under their template names. */
  check(input: unknown): ParamCheck {
    if (input === undefined || input === null) input = {};
    if (typeof input !== 'object' || Array.isArray(input)) return { ok: false, param: '', message: 'parameters must be an object' };
    const given = input as Record<string, unknown>;
    for (const key of Object.keys(given)) {
      if (!this.byAgentName.has(key)) return { ok: false, param: key, message: `unknown parameter "${key}"` };
    }
    const values: Record<string, ParamValue> = {};
    for (const rule of this.rules) {
      const v = given[rule.agentName];
      if (v === undefined || v === null) {
        if (rule.required) return { ok: false, param: rule.agentName, message: `parameter "${rule.agentName}" is required` };
        continue;
      }
      if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) {
        return { ok: false, param: rule.agentName, message: `parameter "${rule.agentName}" must be a string, number or boolean` };
      }
      const text = String(v);
      if (text.length > rule.maxLength) {
        return { ok: false, param: rule.agentName, message: `parameter "${rule.agentName}" is longer than ${rule.maxLength}` };
      }
      if (rule.pattern && !rule.pattern.test(text)) {
        return { ok: false, param: rule.agentName, message: `parameter "${rule.agentName}" does not match its pattern` };
      }
      values[rule.as] = v;
    }
    return { ok: true, values };
  }
}
