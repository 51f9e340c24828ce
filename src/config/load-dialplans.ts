import { readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ConfigError, type KeyPath, type Problem } from './config-error.js';
import { compileDialplan, type DialplanMatcher } from './dialplan-matcher.js';
import { checkDialplanRules, type CheckedFile } from './dialplan-rules.js';
import { DialplanFileSchema, type DialplanFile, type IntegrationRef, type Route } from './dialplan-schema.js';
import type { Env } from './env.js';
import { substituteEnv } from './env-substitution.js';
import { displayPath, whyNotDirectory, whyNotReadable } from './file-checks.js';
import { open } from 'node:fs/promises';
import type { Config } from './schema.js';
import { validateAgainst } from './schema-validation.js';
import { byLine, isUnder, locate, readYamlSource, type YamlSource } from './yaml-source.js';

/** All dialplan files of a directory, checked and compiled. */
export interface Dialplans {
  /** Absolute directory. */
  dir: string;
  /** Files read, in the order their routes are tried (as shown to the user). */
  files: string[];
  /** Every route, in match order. */
  routes: Route[];
  /** Every integration definition (their other keys are the integrations module's business). */
  integrations: IntegrationRef[];
  matcher: DialplanMatcher;
}

export interface LoadDialplansOptions {
  /** Base for a relative `dir` and for naming files in problems. Default process.cwd(). */
  cwd?: string;
}

const DIALPLAN_FILE = /^[^.].*\.ya?ml$/i;

/**
 * Reads every *.yaml / *.yml file of `dir` (name order; subdirectories and dot-files ignored), substitutes
 * `${ENV}`, validates each against the dialplan schema and all of them against `config` and one another.
 * Throws ConfigError(CONFIG_INVALID) with every problem found.
 */
export async function loadDialplans(dir: string, config: Config, env: Env, options: LoadDialplansOptions = {}): Promise<Dialplans> {
  const cwd = options.cwd ?? process.cwd();
  const absDir = resolve(cwd, dir);
  const why = await whyNotDirectory(absDir);
  if (why !== undefined) {
    throw new ConfigError([{ file: displayPath(absDir, cwd), path: [], message: `cannot read the dialplan directory: ${why}` }]);
  }

  const names = (await readdir(absDir, { withFileTypes: true }))
    .filter((e) => !e.isDirectory() && DIALPLAN_FILE.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  const fileOrder = names.map((n) => displayPath(join(absDir, n), cwd));
  const problems: Problem[] = [];
  const checked: { source: YamlSource; checked: CheckedFile }[] = [];
  for (const [i, name] of names.entries()) {
    const file = fileOrder[i] ?? name;
    const read = await readYamlSource(join(absDir, name), file);
    if (!read.ok) {
      problems.push(read.problem);
      continue;
    }
    const substituted = substituteEnv(read.source.value, env);
    // An empty file is an empty dialplan.
    const data = substituted.value ?? {};
    const envPaths: KeyPath[] = substituted.problems.map((p) => p.path);
    // A key whose variable is missing was already reported; its empty value would only add noise.
    const schemaProblems = validateAgainst(DialplanFileSchema, data)
      .filter((p) => !envPaths.some((envPath) => isUnder(p.path, envPath)));
    problems.push(...locate(read.source, [...substituted.problems, ...schemaProblems]));
    if (schemaProblems.length === 0) {
      // The schema passed, so `data` has the DialplanFile shape (defaults filled by ajv).
      checked.push({ source: read.source, checked: { file, plan: data as DialplanFile } });
    }
  }

  const ruleProblems = checkDialplanRules(checked.map((c) => c.checked), config, {
    checkIntegrationReferences: checked.length === names.length,
  });
  for (const p of ruleProblems) {
    const entry = checked[p.fileIndex];
    if (entry) problems.push(...locate(entry.source, [p]));
  }
  // Prompts named by operators must be readable WAV files in <dir>/prompts/ (a missing one is found now, not mid-call).
  for (const { source, checked: { plan } } of checked) {
    const missing: { path: KeyPath; message: string }[] = [];
    for (const [i, route] of plan.routes.entries()) {
      for (const key of ['prompt', 'failurePrompt'] as const) {
        const name = route.operator?.[key];
        if (name === undefined) continue;
        const why = await whyNotWav(join(absDir, 'prompts', name));
        if (why) missing.push({ path: ['routes', i, 'operator', key], message: `prompts/${name}: ${why}` });
      }
    }
    problems.push(...locate(source, missing));
  }
  if (problems.length > 0) {
    const rank = (p: Problem) => fileOrder.indexOf(p.file);
    throw new ConfigError(problems.sort((a, b) => rank(a) - rank(b) || byLine(a, b)));
  }

  const routes = checked.flatMap((c) => c.checked.plan.routes);
  return {
    dir: absDir,
    files: checked.map((c) => c.checked.file),
    routes,
    integrations: checked.flatMap((c) => c.checked.plan.integrations),
    matcher: compileDialplan(routes),
  };
}

async function whyNotWav(abs: string): Promise<string | undefined> {
  const why = await whyNotReadable(abs);
  if (why) return why;
  const fh = await open(abs, 'r');
  try {
    const head = Buffer.alloc(12);
    await fh.read(head, 0, 12, 0);
    return head.toString('ascii', 0, 4) === 'RIFF' && head.toString('ascii', 8, 12) === 'WAVE' ? undefined : 'is not a WAV file';
  } finally {
    await fh.close();
  }
}
