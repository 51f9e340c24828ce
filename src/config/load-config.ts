import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { normalizeCidr } from './address-syntax.js';
import { ConfigError, type KeyPath } from './config-error.js';
import { checkConfigRules } from './config-rules.js';
import type { Env } from './env.js';
import { substituteEnv } from './env-substitution.js';
import { displayPath } from './file-checks.js';
import { ConfigSchema, TRANSPORTS, type Config } from './schema.js';
import { validateAgainst } from './schema-validation.js';
import { byLine, isUnder, locate, readYamlSource } from './yaml-source.js';

export const DEFAULT_CONFIG_PATH = 'switchboard.yaml';

/** Bytes of randomness in the per-process digest secret used when sip.digestSecret is not set. */
export const DIGEST_SECRET_BYTES = 32;

export interface LoadOptions {
  /** Base for relative `path` arguments and for naming files in problems. Default process.cwd(). */
  cwd?: string;
  /** Source of the per-process sip.digestSecret when the file sets none. */
  randomSecret?: () => string;
}

/**
 * Reads, substitutes, validates and completes switchboard.yaml. Throws ConfigError with every problem
 * found (CONFIG_UNREADABLE when the file cannot be read, CONFIG_INVALID otherwise).
 */
export async function loadConfig(path: string, env: Env, options: LoadOptions = {}): Promise<Config> {
  const cwd = options.cwd ?? process.cwd();
  const abs = resolve(cwd, path);
  const read = await readYamlSource(abs, displayPath(abs, cwd));
  if (!read.ok) throw new ConfigError([read.problem], read.unreadable ? 'CONFIG_UNREADABLE' : 'CONFIG_INVALID');
  const { source } = read;

  const substituted = substituteEnv(source.value, env);
  const envPaths = substituted.problems.map((p) => p.path);
  const data = substituted.value;
  // A key whose variable is missing was already reported; its empty value would only add noise.
  const schemaProblems = validateAgainst(ConfigSchema, data)
    .filter((p) => !envPaths.some((envPath) => isUnder(p.path, envPath)));

  const items: { path: KeyPath; message: string }[] = [...substituted.problems, ...schemaProblems];
  if (items.length === 0) {
    // The schema passed, so `data` has the Config shape (defaults filled by ajv).
    const config = complete(data as Config, dirname(abs), options);
    items.push(...await checkConfigRules(config, { cwd }));
    if (items.length === 0) return config;
  }
  throw new ConfigError(locate(source, items).sort(byLine));
}

/** Fills what the loader computes and resolves relative paths against the config file's directory. */
function complete(config: Config, configDir: string, options: LoadOptions): Config {
  const tls = config.sip.tls;
  if (tls) {
    tls.cert = resolve(configDir, tls.cert);
    tls.key = resolve(configDir, tls.key);
    if (tls.ca !== undefined) tls.ca = resolve(configDir, tls.ca);
  }
  config.dialplans = resolve(configDir, config.dialplans);
  if (config.media.recordDir !== undefined) config.media.recordDir = resolve(configDir, config.media.recordDir);
  if (config.sip.digestSecret === undefined) {
    config.sip.digestSecret = (options.randomSecret ?? defaultSecret)();
  }
  const listening = TRANSPORTS.filter((t) => config.sip.listen.some((l) => l.transport === t));
  for (const trunk of config.trunks) {
    // Absent means "whatever is listening"; the type says present because the loader guarantees it.
    if (trunk.transports === undefined) trunk.transports = [...listening];
    trunk.addresses = trunk.addresses.map(normalizeCidr);
  }
  return config;
}

function defaultSecret(): string {
  return randomBytes(DIGEST_SECRET_BYTES).toString('base64url');
}
