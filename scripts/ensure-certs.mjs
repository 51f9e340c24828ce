#!/usr/bin/env node
// Creates the development TLS certificates (certs/make-dev-certs.sh) when certs/server.crt or
// certs/server.key is missing. Runs before `npm start` (prestart) and before the tests.
// Plain Node ESM on purpose: it must run before anything is compiled. Exit code 1 when creation fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Returns true when certificates were created, false when they were already there; throws on failure. */
export function ensureCerts(certsDir = join(root, 'certs')) {
  if (existsSync(join(certsDir, 'server.crt')) && existsSync(join(certsDir, 'server.key'))) return false;
  const script = join(root, 'certs', 'make-dev-certs.sh');
  const run = spawnSync('bash', [script, '--dir', certsDir], { stdio: 'inherit' });
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`make-dev-certs.sh exited with ${run.status ?? run.signal}`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    ensureCerts();
  } catch (e) {
    console.error(`ensure-certs: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
