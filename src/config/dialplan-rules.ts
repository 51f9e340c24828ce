import type { KeyPath } from './config-error.js';
import { compilePattern } from './dialplan-matcher.js';
import type { DialplanFile } from './dialplan-schema.js';
import type { Config } from './schema.js';

/**
 * Checks on dialplan files that passed the schema, across all files of the directory: names unique,
 * references (trunks, integrations) resolve, patterns compile, agent audio settings agree.
 */
export interface CheckedFile {
  /** File name as shown in problems. */
  file: string;
  plan: DialplanFile;
}

export interface FileProblem {
  /** Index into the files given to checkDialplanRules. */
  fileIndex: number;
  path: KeyPath;
  message: string;
}

export interface DialplanRuleOptions {
  /** False when some file failed earlier checks: its integrations are unknown, so references are not judged. */
  checkIntegrationReferences: boolean;
}

export function checkDialplanRules(files: readonly CheckedFile[], config: Config, options: DialplanRuleOptions): FileProblem[] {
  const problems: FileProblem[] = [];
  const trunkNames = config.trunks.map((t) => t.name);
  const integrations = new Map<string, string>();
  const routeNames = new Map<string, string>();

  files.forEach(({ file, plan }, fileIndex) => {
    const add = (path: KeyPath, message: string) => problems.push({ fileIndex, path, message });
    plan.integrations.forEach((integration, i) => {
      const earlier = integrations.get(integration.name);
      if (earlier !== undefined) add(['integrations', i, 'name'], `"${integration.name}" is already defined in ${earlier}`);
      else integrations.set(integration.name, file);
    });
    plan.routes.forEach((route, i) => {
      const at = (...rest: KeyPath) => ['routes', i, ...rest];
      const earlier = routeNames.get(route.name);
      if (earlier !== undefined) add(at('name'), `"${route.name}" is already the name of a route in ${earlier}`);
      else routeNames.set(route.name, file);

      const trunk = route.match.trunk;
      if (trunk !== undefined && !trunkNames.includes(trunk)) {
        add(at('match', 'trunk'), `unknown trunk "${trunk}" (trunks: ${trunkNames.join(', ')})`);
      }
      checkPattern(route.match.to, at('match', 'to'), add);
      checkPattern(route.match.from, at('match', 'from'), add);
      route.blacklist.forEach((p, j) => checkPattern(p, at('blacklist', j), add));

      if (route.agent.protocol === 'twilio' && route.agent.sampleRate !== 8000) {
        add(at('agent', 'sampleRate'), `must be 8000 with protocol twilio (got ${route.agent.sampleRate})`);
      }
    });
  });

  if (options.checkIntegrationReferences) {
    const defined = [...integrations.keys()];
    files.forEach(({ plan }, fileIndex) => {
      plan.routes.forEach((route, i) => route.integrations.forEach((name, j) => {
        if (integrations.has(name)) return;
        const known = defined.length === 0 ? 'none are defined' : `defined: ${defined.join(', ')}`;
        problems.push({ fileIndex, path: ['routes', i, 'integrations', j], message: `unknown integration "${name}" (${known})` });
      }));
    });
  }
  return problems;
}

function checkPattern(pattern: string | undefined, path: KeyPath, add: (path: KeyPath, message: string) => void): void {
  if (pattern === undefined) return;
  try {
    compilePattern(pattern);
  } catch (e) {
    add(path, e instanceof Error ? e.message : String(e));
  }
}
