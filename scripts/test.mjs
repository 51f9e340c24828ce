#!/usr/bin/env node
// The README's test command (`npm test`): installs the Debian test peers when missing (as root), makes dev
// certificates, runs the lint (typecheck + import rules), then every test under test/ with node's runner.
//   --unit   unit tests only (no peers, no lint)
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const unitOnly = args.has('--unit');
const root = new URL('..', import.meta.url).pathname;

function run(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', cwd: root, ...opts });
  return r.status ?? 1;
}

const PEERS = [
  { bin: 'sipp', pkg: 'sip-tester' },
  { bin: 'baresip', pkg: 'baresip-core' },
  { bin: 'redis-server', pkg: 'redis-server' },
  { bin: 'kamailio', pkg: 'kamailio kamailio-tls-modules' },
  { bin: 'openssl', pkg: 'openssl' },
];

function has(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

function installPeers() {
  const missing = PEERS.filter((p) => !has(p.bin));
  if (missing.length === 0) return;
  const pkgs = missing.flatMap((p) => p.pkg.split(' '));
  if (process.getuid?.() !== 0) {
    console.log(`test peers missing (${pkgs.join(' ')}): not root, the tests that need them will be skipped`);
    return;
  }
  console.log(`installing test peers: ${pkgs.join(' ')}`);
  run('apt-get', ['update', '-qq']);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

let status = 0;
if (!unitOnly) {
  installPeers();
  if (run('node', ['scripts/ensure-certs.mjs']) !== 0) status = 1;
  if (run('npm', ['run', '--silent', 'lint']) !== 0) {
    console.error('lint failed');
    status = 1;
  }
}
const unit = findTests(join(root, 'test/unit'));
const e2e = unitOnly ? [] : findTests(join(root, 'test/e2e'));
// Unit tests run in parallel; end-to-end tests (real peers, fixed ports) one file at a time.
if (unit.length && run('node', ['--import', 'tsx', '--test', '--test-reporter=spec', ...unit]) !== 0) status = 1;
if (e2e.length && run('node', ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...e2e]) !== 0) status = 1;
process.exit(status);
