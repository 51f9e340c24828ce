/**
 * Composition root. `switchboard [start] [--config FILE]` runs the service; `switchboard check [--config FILE]`
 * validates config and dialplans. Exit codes: 0 ok, 1 runtime failure, 2 invalid configuration.
 */
import { checkCommand } from './config/check-command.js';
import { ConfigError } from './config/config-error.js';
import { processEnv } from './config/env.js';
import { DEFAULT_CONFIG_PATH } from './config/load-config.js';
import { startSwitchboard, type Switchboard } from './switchboard.js';

function configPath(argv: readonly string[]): string {
  const i = argv.indexOf('--config');
  return i !== -1 && argv[i + 1] ? (argv[i + 1] as string) : DEFAULT_CONFIG_PATH;
}

async function main(argv: readonly string[]): Promise<number> {
  const env = processEnv();
  if (argv[0] === 'check') return checkCommand(argv.slice(1), env, process);
  const args = argv[0] === 'start' ? argv.slice(1) : argv;
  let sb: Switchboard;
  try {
    sb = await startSwitchboard({ configPath: configPath(args), env });
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const line of e.problems) process.stderr.write(`${line}\n`);
      return 2;
    }
    process.stderr.write(`switchboard: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    // SIGTERM drains: no new calls, live ones finish (or the grace period ends them), then exit.
    process.on('SIGTERM', () => {
      if (stopping) return;
      stopping = true;
      void sb.drainAndStop().then(() => resolve(0));
    });
    // SIGINT stops at once (live calls get a BYE).
    process.on('SIGINT', () => {
      stopping = true;
      void sb.stop().then(() => resolve(0));
    });
    process.on('SIGHUP', () => void sb.reloadDialplans());
  });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`switchboard: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
