/**
 * The process as an admin runs it: `switchboard --config FILE` in a child process. SIGTERM drains (new calls
 * 503, /healthz 503, live calls finish, then exit 0); SIGINT ends live calls with BYE and exits at once; an
 * invalid config prints one line per problem and exits 2.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasSipp, runSipp } from '../support/sipp.js';
import { writeConfig } from '../support/switchboard.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const skip = hasSipp() ? false : 'SIPp (sip-tester) is not installed';

function startProcess(configPath: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts'), '--config', configPath], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function waitHealthy(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('switchboard did not become healthy');
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

describe('process lifecycle', { skip }, () => {
  it('SIGTERM drains: live call completes, new calls get 503, /healthz says draining, then exit 0', async () => {
    const { configPath } = writeConfig({ sipPort: 25460, httpPort: 28480, mediaPortMin: 10000 });
    const child = startProcess(configPath);
    const exit = exited(child);
    await waitHealthy(28480);
    // A 3 s call (built-in uac scenario, -d 3000) is live when SIGTERM arrives.
    const live = runSipp({ scenario: 'sn:uac', target: '127.0.0.1:25460', service: '200', calls: 1, extra: ['-d', '3000'], localPort: 25470 });
    await new Promise((r) => setTimeout(r, 800));
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const health = await fetch('http://127.0.0.1:28480/healthz');
    assert.equal(health.status, 503);
    assert.equal(((await health.json()) as { status: string }).status, 'draining');
    const refused = await runSipp({ scenario: 'uac-basic.xml', target: '127.0.0.1:25460', service: '200', calls: 1, localPort: 25480 });
    assert.match(refused.output, /503 Service Unavailable/);
    const r = await live;
    assert.equal(r.successful, 1, r.output);
    assert.equal(await exit, 0);
  });

  it('SIGINT stops at once: the live call gets a BYE and the process exits 0', async () => {
    const { configPath } = writeConfig({ sipPort: 25560, httpPort: 28580, mediaPortMin: 14000 });
    const child = startProcess(configPath);
    const exit = exited(child);
    await waitHealthy(28580);
    const call = runSipp({ scenario: 'uac-bye-from-server.xml', target: '127.0.0.1:25560', service: '200', calls: 1, localPort: 25570 });
    await new Promise((r) => setTimeout(r, 800));
    const t0 = Date.now();
    child.kill('SIGINT');
    assert.equal(await exit, 0);
    assert.ok(Date.now() - t0 < 3000, 'SIGINT must not wait for calls');
    const r = await call;
    assert.equal(r.successful, 1, r.output);
  });

  it('an invalid config prints one line per problem naming file, key and problem, and exits 2', async () => {
    const { configPath, dir } = writeConfig({ sipPort: 25660, httpPort: 28680 });
    writeFileSync(configPath, 'sip:\n  listen: [{ transport: sctp, host: 127.0.0.1, port: 70000 }]\n  publicAddress: 127.0.0.1\ntrunks:\n  - name: pbx\n    addresses: [10.0.0.300/8]\n');
    const child = startProcess(configPath);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => { stderr += d.toString(); });
    assert.equal(await exited(child), 2);
    const lines = stderr.trim().split('\n');
    assert.ok(lines.length >= 3, stderr);
    for (const line of lines) assert.match(line, /switchboard\.yaml:\d+: \S+: /, `not "file:line: key: problem": ${line}`);
    assert.match(stderr, /sip\.listen\[0\]\.transport/);
    assert.match(stderr, /sip\.listen\[0\]\.port/);
    assert.match(stderr, /trunks\[0\]\.addresses\[0\]/);
    void dir;
  });
});
