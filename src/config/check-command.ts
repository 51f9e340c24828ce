import { isIP } from 'node:net';
import { isSwitchboardError } from '../shared/errors.js';
import { ConfigError } from './config-error.js';
import type { Env } from './env.js';
import { DEFAULT_CONFIG_PATH, loadConfig } from './load-config.js';
import { loadDialplans } from './load-dialplans.js';
import type { Config } from './schema.js';
import type { Dialplans } from './load-dialplans.js';

/** Where `switchboard check` writes (process.stdout / process.stderr in main). */
export interface CheckOutput {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

export interface CheckOptions {
  /** Default process.cwd(). */
  cwd?: string;
}

export const CHECK_USAGE = `usage: switchboard check [--config FILE]   (default FILE: ${DEFAULT_CONFIG_PATH})`;

/** Exit codes of `switchboard check`. */
export const CHECK_OK = 0;
export const CHECK_INVALID = 2;

/**
 * `switchboard check --config FILE`: loads the config and its dialplans. Valid → one OK summary line on
 * stdout, returns 0. Invalid → every problem, one per line, on stderr, returns 2 (also for bad arguments).
 * `argv` holds the arguments after `check`.
 */
export async function checkCommand(argv: readonly string[], env: Env, out: CheckOutput, options: CheckOptions = {}): Promise<number> {
  const args = parseArgs(argv);
  if ('help' in args) {
    out.stdout.write(`${CHECK_USAGE}\n`);
    return CHECK_OK;
  }
  if ('error' in args) {
    out.stderr.write(`switchboard check: ${args.error}\n${CHECK_USAGE}\n`);
    return CHECK_INVALID;
  }
  const cwd = options.cwd ?? process.cwd();
  try {
    const config = await loadConfig(args.config, env, { cwd });
    const dialplans = await loadDialplans(config.dialplans, config, env, { cwd });
    out.stdout.write(`${summary(args.config, config, dialplans)}\n`);
    return CHECK_OK;
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const line of e.problems) out.stderr.write(`${line}\n`);
    } else {
      const code = isSwitchboardError(e) ? `${e.code}: ` : '';
      out.stderr.write(`switchboard check: ${code}${e instanceof Error ? e.message : String(e)}\n`);
    }
    return CHECK_INVALID;
  }
}

type Args = { config: string } | { help: true } | { error: string };

function parseArgs(argv: readonly string[]): Args {
  let config = DEFAULT_CONFIG_PATH;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-h' || a === '--help') return { help: true };
    if (a === '--config' || a === '-c') {
      const value = argv[i + 1];
      if (value === undefined || value === '') return { error: `${a} needs a file name` };
      config = value;
      i++;
    } else if (a.startsWith('--config=')) {
      config = a.slice('--config='.length);
      if (config === '') return { error: '--config needs a file name' };
    } else {
      return { error: `unknown argument ${JSON.stringify(a)}` };
    }
  }
  return { config };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `OK switchboard.yaml: 3 listeners (udp 127.0.0.1:5060, ...), 1 trunk (pbx), 1 route in 1 dialplan file` */
function summary(file: string, config: Config, dialplans: Dialplans): string {
  const listeners = config.sip.listen
    .map((l) => `${l.transport} ${isIP(l.host) === 6 ? `[${l.host}]` : l.host}:${l.port}`)
    .join(', ');
  const trunks = config.trunks.map((t) => t.name).join(', ');
  return `OK ${file}: ${plural(config.sip.listen.length, 'listener')} (${listeners}), `
    + `${plural(config.trunks.length, 'trunk')} (${trunks}), `
    + `${plural(dialplans.routes.length, 'route')} in ${plural(dialplans.files.length, 'dialplan file')}`;
}
