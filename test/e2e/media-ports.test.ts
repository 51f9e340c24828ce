/**
 * Media ports are released on every way a call can end (issue: "released on every end path, checked by a
 * test that ends calls every possible way and counts open sockets"). The count is read from the kernel
 * (/proc/net/udp): sockets bound in the media port range by this process.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { hasSipp, runSipp } from '../support/sipp.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';

const MEDIA_MIN = 10000;
const skip = hasSipp() ? false : 'SIPp (sip-tester) is not installed';

/** UDP sockets of THIS process (socket inodes among our fds) bound in the media port range. */
function openMediaSockets(): number {
  const ours = new Set<string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`));
      if (m) ours.add(m[1] as string);
    } catch { /* fd closed meanwhile */ }
  }
  let n = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const local = cols[1];
    if (!local || !ours.has(cols[9] ?? '')) continue;
    const port = parseInt(local.split(':')[1] ?? '0', 16);
    if (port >= MEDIA_MIN && port < MEDIA_MIN + 4000) n++;
  }
  return n;
}

async function settle(): Promise<number> {
  for (let i = 0; i < 30; i++) {
    if (openMediaSockets() === 0) return 0;
    await new Promise((r) => setTimeout(r, 100));
  }
  return openMediaSockets();
}

describe('media ports are released on every end path', { skip }, () => {
  let sw: TestSwitchboard;
  const T = '127.0.0.1:26160';
  before(async () => {
    sw = await startTestSwitchboard({
      sipPort: 26160, httpPort: 29160, mediaPortMin: MEDIA_MIN, media: 'inactivityTimeoutSeconds: 2',
      extra: 'calls: { maxDurationSeconds: 3 }\n',
      dialplan: `
routes:
  - name: ring
    match: { to: "^ring$" }
    ringMs: 3000
    lineTest: { kind: echo }
    agent: { url: "ws://127.0.0.1:1/none" }
  - name: any
    lineTest: { kind: echo }
    agent: { url: "ws://127.0.0.1:1/none" }
`,
    });
  });
  after(async () => sw?.stop());

  it('starts with none open', () => assert.equal(openMediaSockets(), 0));

  it('caller hangs up (BYE from the PBX)', async () => {
    const r = await runSipp({ scenario: 'uac-basic.xml', target: T, service: '200', calls: 3, rate: 3 });
    assert.equal(r.successful, 3, r.output);
    assert.equal(await settle(), 0);
  });

  it('Switchboard hangs up (no RTP for media.inactivityTimeoutSeconds: RTP timeout BYE)', async () => {
    const r = await runSipp({ scenario: 'uac-bye-from-server.xml', target: T, service: '200', calls: 2, rate: 2 });
    assert.equal(r.successful, 2, r.output);
    assert.equal(await settle(), 0);
  });

  it('caller cancels while ringing', async () => {
    const r = await runSipp({ scenario: 'uac-cancel.xml', target: T, service: 'ring', calls: 2, rate: 2 });
    assert.equal(r.successful, 2, r.output);
    assert.equal(await settle(), 0);
  });

  it('the offer is refused after the port was taken (488, no common codec)', async () => {
    const r = await runSipp({ scenario: 'uac-expect-488.xml', target: T, service: '200', calls: 2, rate: 2 });
    assert.equal(r.successful, 2, r.output);
    assert.equal(await settle(), 0);
  });

  it('live calls at shutdown', async () => {
    const call = runSipp({ scenario: 'uac-bye-from-server.xml', target: T, service: '200', calls: 2, rate: 10 });
    await new Promise((r) => setTimeout(r, 800));
    assert.ok(openMediaSockets() >= 4, 'two calls hold two RTP/RTCP pairs');
    await sw.sb.stop();
    assert.equal(await settle(), 0);
    await call;
  });
});
