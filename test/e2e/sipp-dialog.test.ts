/**
 * SIPp plays the PBX for the dialog features past the basic call: session timers (RFC 4028), late offer
 * (RFC 3261 §13.2.1), INFO (RFC 6086) and in-dialog OPTIONS, UPDATE (RFC 3311), and the per-trunk maxCalls
 * limit (503). Scenarios are in test/e2e/sipp/.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasSipp, runSipp } from '../support/sipp.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';

const skip = hasSipp() ? false : 'SIPp (sip-tester) is not installed';

describe('SIPp: dialog features against Switchboard', { skip }, () => {
  const TARGET = '127.0.0.1:25760';
  let sw: TestSwitchboard;
  before(async () => {
    sw = await startTestSwitchboard({ sipPort: 25760, httpPort: 28780, mediaPortMin: 10000 });
  });
  after(async () => sw?.stop());

  it('RFC 4028 §9: Session-Expires 90;refresher=uac is echoed in the 200 with Require: timer', async () => {
    const r = await runSipp({ scenario: 'uac-session-timer.xml', target: TARGET, service: '200', calls: 2, rate: 2 });
    assert.equal(r.code, 0, r.output);
    assert.equal(r.successful, 2);
  });

  it('RFC 4028 §6: Session-Expires 30 is refused with 422 and Min-SE: 90', async () => {
    const r = await runSipp({ scenario: 'uac-session-timer-422.xml', target: TARGET, service: '200', calls: 1 });
    assert.equal(r.code, 0, r.output);
    assert.equal(r.successful, 1);
  });

  for (const transport of ['u1', 't1'] as const) {
    it(`late offer: INVITE without SDP, offer in the 200, answer in the ACK, call completes (${transport === 'u1' ? 'UDP' : 'TCP'})`, async () => {
      const r = await runSipp({ scenario: 'uac-late-offer.xml', target: TARGET, transport, service: '200', calls: 2, rate: 2 });
      assert.equal(r.code, 0, r.output);
      assert.equal(r.successful, 2);
    });
  }

  it('INFO application/dtmf-relay inside the call gets 200; an in-dialog OPTIONS gets 200 with Allow', async () => {
    const r = await runSipp({ scenario: 'uac-info-options.xml', target: TARGET, service: '200', calls: 2, rate: 2 });
    assert.equal(r.code, 0, r.output);
    assert.equal(r.successful, 2);
  });

  it('RFC 3311: an UPDATE with SDP inside the call gets 200 with SDP', async () => {
    const r = await runSipp({ scenario: 'uac-update.xml', target: TARGET, service: '200', calls: 2, rate: 2 });
    assert.equal(r.code, 0, r.output);
    assert.equal(r.successful, 2);
  });

  it('leaves no call behind', async () => {
    assert.equal(sw.sb.calls.activeCalls, 0);
  });
});

describe('SIPp: a trunk at its maxCalls', { skip }, () => {
  const TARGET = '127.0.0.1:25770';
  let sw: TestSwitchboard;
  before(async () => {
    sw = await startTestSwitchboard({
      sipPort: 25770, httpPort: 28790, mediaPortMin: 14000,
      trunks: `
  - name: pbx
    addresses: [127.0.0.1/32]
    maxCalls: 2`,
    });
  });
  after(async () => sw?.stop());

  it('answers a third concurrent call with 503 while two are up, and takes calls again once they end', async () => {
    // Two calls held for 2 s each, from one SIPp on its own port…
    const held = runSipp({ scenario: 'uac-call-duration.xml', target: TARGET, service: '200', calls: 2, rate: 10, localPort: 25780, extra: ['-d', '2000', '-l', '2'] });
    const deadline = Date.now() + 3000;
    while (sw.sb.calls.activeCalls < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sw.sb.calls.activeCalls, 2, 'both held calls are up');
    // …then a third from another SIPp is refused.
    const third = await runSipp({ scenario: 'uac-expect-503.xml', target: TARGET, service: '200', calls: 1, localPort: 25781 });
    assert.equal(third.code, 0, third.output);
    assert.equal(third.successful, 1);
    const first = await held;
    assert.equal(first.code, 0, first.output);
    assert.equal(first.successful, 2);
    // The 200 to SIPp's BYE leaves before the call's teardown (media stats from the worker) has finished.
    const ended = Date.now() + 2000;
    while (sw.sb.calls.activeCalls > 0 && Date.now() < ended) await new Promise((r) => setTimeout(r, 20));
    assert.equal(sw.sb.calls.activeCalls, 0);
    const again = await runSipp({ scenario: 'uac-basic.xml', target: TARGET, service: '200', calls: 1, localPort: 25782 });
    assert.equal(again.code, 0, again.output);
    assert.equal(again.successful, 1);
  });
});
