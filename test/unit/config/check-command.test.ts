import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { checkCommand } from '../../../src/config/check-command.js';

const fixtures = fileURLToPath(new URL('../../fixtures/config/', import.meta.url)).replace(/\/$/, '');
const root = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

async function run(argv: string[], cwd = fixtures, env: Record<string, string | undefined> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await checkCommand(argv, env, {
    stdout: { write: (s: string) => { stdout += s; } },
    stderr: { write: (s: string) => { stderr += s; } },
  }, { cwd });
  return { code, stdout, stderr };
}

describe('switchboard check', () => {
  before(() => {
    // The example switchboard.yaml names certs/server.crt and server.key, created on demand.
    execFileSync(process.execPath, [`${root}/scripts/ensure-certs.mjs`], { stdio: 'ignore' });
  });

  it('prints a one-line OK summary and exits 0 for a valid config and dialplans', async () => {
    assert.deepEqual(await run(['--config', 'valid.yaml']), {
      code: 0,
      stdout: 'OK valid.yaml: 2 listeners (udp 127.0.0.1:5060, tls [::1]:5061), 1 trunk (pbx), 3 routes in 2 dialplan files\n',
      stderr: '',
    });
  });

  it('checks switchboard.yaml in the working directory by default (the shipped example)', async () => {
    assert.deepEqual(await run([], root), {
      code: 0,
      stdout: 'OK switchboard.yaml: 3 listeners (udp 127.0.0.1:5060, tcp 127.0.0.1:5060, tls 127.0.0.1:5061), '
        + '1 trunk (pbx), 1 route in 1 dialplan file\n',
      stderr: '',
    });
  });

  it('prints every config problem on stderr, one per line, and exits 2', async () => {
    assert.deepEqual(await run(['--config=bad-cidr.yaml']), {
      code: 2,
      stdout: '',
      stderr: 'bad-cidr.yaml:14: trunks[0].addresses[1]: "10.0.0.300/8" is not a valid CIDR\n'
        + 'bad-cidr.yaml:15: trunks[0].addresses[2]: "2001:db8::/129" is not a valid CIDR\n',
    });
  });

  it('checks the dialplans of a valid config and exits 2 on their problems', async () => {
    const { code, stdout, stderr } = await run(['-c', 'broken-dialplans.yaml']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr.split('\n').length, 9);
    assert.equal(stderr.split('\n')[0], 'dialplans/broken/a.yaml:6: routes[0].match.trunk: unknown trunk "pbxx" (trunks: pbx)');
  });

  it('exits 2 with one line for a missing config file', async () => {
    assert.deepEqual(await run(['--config', 'nope.yaml']), { code: 2, stdout: '', stderr: 'nope.yaml: file not found\n' });
  });

  it('exits 2 with usage for an unknown argument or a missing file name', async () => {
    const usage = 'usage: switchboard check [--config FILE]   (default FILE: switchboard.yaml)\n';
    assert.deepEqual(await run(['--verbose']), { code: 2, stdout: '', stderr: `switchboard check: unknown argument "--verbose"\n${usage}` });
    assert.deepEqual(await run(['--config']), { code: 2, stdout: '', stderr: `switchboard check: --config needs a file name\n${usage}` });
  });

  it('prints usage on stdout and exits 0 for --help', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^usage: switchboard check/);
  });
});
