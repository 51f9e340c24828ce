/**
 * SIPp against Switchboards configured with a digest-challenging trunk (RFC 3261 §22, RFC 7616/8760) and
 * with a short maximum call duration (BYE sent by Switchboard, §15.1.1).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasSipp, runSipp } from '../support/sipp.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';

const skip = hasSipp() ? false : 'SIPp (sip-tester) is not installed';

describe('SIPp with a digest-authenticated trunk', { skip }, () => {
  let sw: TestSwitchboard;
  before(async () => {
    sw = await startTestSwitchboard({
      sipPort: 25160, httpPort: 28180, env: { PBX_PASSWORD: 's3cret-pass' },
      trunks: `
  - name: pbx
    addresses: [127.0.0.1/32]
    digest: { realm: switchboard, username: pbx, password: "\${PBX_PASSWORD}" }`,
    });
  });
  after(async () => sw?.stop());

  for (const transport of ['u1', 't1'] as const) {
    it(`completes a call after answering the 401 challenge (${transport === 'u1' ? 'UDP' : 'TCP'})`, async () => {
      const r = await runSipp({ scenario: 'uac-auth.xml', target: '127.0.0.1:25160', transport, service: '200', calls: 3, rate: 3 });
      assert.equal(r.code, 0, r.output);
      assert.equal(r.successful, 3);
    });
  }

  it('refuses a call without credentials: 401, never 200', async () => {
    const r = await runSipp({ scenario: 'uac-basic.xml', target: '127.0.0.1:25160', service: '200', calls: 1 });
    assert.notEqual(r.code, 0);
    assert.match(r.output, /401 Unauthorized/);
  });
});

describe('SIPp when Switchboard ends the call', { skip }, () => {
  let sw: TestSwitchboard;
  before(async () => {
    sw = await startTestSwitchboard({ sipPort: 25260, httpPort: 28280, extra: 'calls: { maxDurationSeconds: 1 }' });
  });
  after(async () => sw?.stop());

  for (const transport of ['u1', 't1'] as const) {
    it(`sends BYE and the PBX's 200 ends the call (${transport === 'u1' ? 'UDP' : 'TCP'})`, async () => {
      const r = await runSipp({ scenario: 'uac-bye-from-server.xml', target: '127.0.0.1:25260', transport, service: '200', calls: 2, rate: 2 });
      assert.equal(r.code, 0, r.output);
      assert.equal(r.successful, 2);
      assert.equal(sw.sb.calls.activeCalls, 0);
    });
  }
});
