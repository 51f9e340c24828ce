/**
 * SIPp plays the PBX against a real Switchboard, over UDP and over TCP (RFC 3261 §13, §15, §9; RFC 3264 §8.4;
 * RFC 3581). Each scenario's XML is in test/e2e/sipp/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasSipp, runSipp } from '../support/sipp.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';

const SIP_PORT = 25060;
const TARGET = `127.0.0.1:${SIP_PORT}`;
const skip = hasSipp() ? false : 'SIPp (sip-tester) is not installed';

const DIALPLAN = `
routes:
  - name: ring
    match: { trunk: pbx, to: "^ring$" }
    ringMs: 3000
    lineTest: { kind: echo }
    agent: { url: "ws://127.0.0.1:1/none" }
  - name: blocked
    match: { trunk: pbx, to: "^100$" }
    blacklist: ["^\\\\+37369000001$"]
    lineTest: { kind: echo }
    agent: { url: "ws://127.0.0.1:1/none" }
  - name: any
    match: { trunk: pbx }
    lineTest: { kind: echo }
    agent: { url: "ws://127.0.0.1:1/none" }
`;

describe('SIPp as the PBX', { skip }, () => {
  let sw: TestSwitchboard;
  before(async () => {
    sw = await startTestSwitchboard({ sipPort: SIP_PORT, httpPort: 28080, dialplan: DIALPLAN });
  });
  after(async () => {
    await sw?.stop();
  });

  for (const transport of ['u1', 't1'] as const) {
    const name = transport === 'u1' ? 'UDP' : 'TCP';
    describe(name, () => {
      it('completes a basic call: INVITE, 200 with SDP, ACK, BYE from the PBX', async () => {
        const r = await runSipp({ scenario: 'uac-basic.xml', target: TARGET, transport, service: '200', calls: 5, rate: 5 });
        assert.equal(r.code, 0, r.output);
        assert.equal(r.successful, 5);
      });

      it('answers a CANCEL while ringing with 200, and the INVITE with 487', async () => {
        const r = await runSipp({ scenario: 'uac-cancel.xml', target: TARGET, transport, service: 'ring', calls: 2, rate: 2 });
        assert.equal(r.code, 0, r.output);
        assert.equal(r.successful, 2);
      });

      it('handles hold and unhold by re-INVITE (sendonly answered recvonly, then sendrecv)', async () => {
        const r = await runSipp({ scenario: 'uac-hold.xml', target: TARGET, transport, service: '200', calls: 2, rate: 2 });
        assert.equal(r.code, 0, r.output);
        assert.equal(r.successful, 2);
      });

      it('answers an out-of-dialog OPTIONS ping with 200 and Allow', async () => {
        const r = await runSipp({ scenario: 'options.xml', target: TARGET, transport, calls: 3, rate: 10 });
        assert.equal(r.code, 0, r.output);
        assert.equal(r.successful, 3);
      });
    });
  }

  it('rejects a blacklisted caller with 603', async () => {
    const r = await runSipp({ scenario: 'uac-expect-603.xml', target: TARGET, service: '100', calls: 1 });
    assert.equal(r.code, 0, r.output);
    assert.equal(r.successful, 1);
  });

  it('completes every call of 100 with 5 % of packets lost each way (retransmissions recover)', async () => {
    const r = await runSipp({ scenario: 'uac-basic.xml', target: TARGET, service: '200', calls: 100, rate: 20, extra: ['-lost', '5'], timeoutMs: 90000 });
    assert.equal(r.failed, 0, r.output);
    assert.equal(r.successful, 100);
  });

  it('stays silent to a call from an address of no trunk', async () => {
    const before = sw.sb.metrics.sipRejected;
    const r = await runSipp({ scenario: 'uac-unknown-source.xml', target: TARGET, localIp: '127.0.0.2', calls: 1 });
    // SIPp's message table: the INVITE went out, and no response row counted anything.
    assert.match(r.output, /INVITE ---------->\s+1\s/);
    assert.match(r.output, /100 <----------\s+0\s/);
    assert.match(r.output, /403 <----------\s+0\s/);
    const rejected = await before.get();
    assert.ok(rejected.values.some((v) => v.labels.reason === 'unknown_source' && v.value >= 1));
  });
});
