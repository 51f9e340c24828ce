/**
 * Blind transfer by REFER (RFC 3515) from inside a Session: the REFER's own response, then the implicit
 * subscription's NOTIFYs with message/sipfrag bodies (RFC 3515 §2.4.5, RFC 3420), played by the test.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../../../src/sip/dialog/session.js';
import { refer, type ReferResult } from '../../../../src/sip/dialog/refer.js';
import { sipfragStatus } from '../../../../src/sip/message/sipfrag.js';
import type { SipRequest } from '../../../../src/sip/message/sip-message.js';
import { FakeUaCore, peerRequest, testDialog } from '../../../support/fake-ua-core.js';

const OPERATOR = 'sip:operator@192.0.2.200';

function setup() {
  const core = new FakeUaCore();
  const session = new Session(testDialog('uas'), core);
  let result: ReferResult | undefined;
  const promise = refer(session, core, {
    referTo: OPERATOR, referredBy: '<sip:service@198.51.100.1>', notifyTimeoutMs: 10_000,
    headers: [['X-Switchboard-Reason', 'agent-transfer']],
  }).then((r) => { result = r; return r; });
  let seq = 1;
  const notify = (frag: string, state: string, event = 'refer'): void => {
    const req = peerRequest('NOTIFY', ++seq, [`Event: ${event}`, `Subscription-State: ${state}`], { type: 'message/sipfrag;version=2.0', text: frag });
    session.handleRequest(req, core.serverTx(req));
  };
  return { core, session, promise, notify, current: () => result };
}

describe('refer() (RFC 3515)', () => {
  it('sends REFER with Refer-To, Referred-By and extra headers inside the dialog', () => {
    const { core } = setup();
    assert.deepEqual(core.sentMethods(), ['REFER']);
    const req = core.sent[0]?.req as SipRequest;
    assert.equal(req.headers.get('refer-to'), `<${OPERATOR}>`);
    assert.equal(req.headers.get('referred-by'), '<sip:service@198.51.100.1>');
    assert.equal(req.headers.get('x-switchboard-reason'), 'agent-transfer');
    assert.equal(req.cseq?.seq, 1);
    assert.equal(req.callId, 'dialog-test@192.0.2.101');
  });

  it('202, NOTIFY "100 Trying", NOTIFY "200 OK" (terminated) → success with final status 200; each NOTIFY gets 200', async () => {
    const { core, session, promise, notify, current } = setup();
    core.answerLast('REFER', 202);
    notify('SIP/2.0 100 Trying\r\n', 'active;expires=60');
    assert.equal(current(), undefined, 'a provisional sipfrag does not finish the transfer');
    notify('SIP/2.0 200 OK\r\n', 'terminated;reason=noresource');
    assert.deepEqual(await promise, { referStatus: 202, finalStatus: 200, outcome: 'success' });
    assert.deepEqual(core.responses.map((r) => r.status), [200, 200]);
    assert.equal(session.handlers.onNotify, undefined, 'the NOTIFY handler is handed back');
  });

  it('a failure sipfrag ("486 Busy Here") → failed with that status', async () => {
    const { core, promise, notify } = setup();
    core.answerLast('REFER', 202);
    notify('SIP/2.0 486 Busy Here\r\n', 'terminated;reason=noresource');
    assert.deepEqual(await promise, { referStatus: 202, finalStatus: 486, outcome: 'failed' });
  });

  it('a subscription terminated without a final sipfrag → failed without a final status', async () => {
    const { core, promise, notify } = setup();
    core.answerLast('REFER', 202);
    notify('SIP/2.0 100 Trying\r\n', 'terminated;reason=timeout');
    assert.deepEqual(await promise, { referStatus: 202, outcome: 'failed' });
  });

  it('a REFER refused (603) → rejected, and no NOTIFY is awaited', async () => {
    const { core, promise } = setup();
    core.answerLast('REFER', 603);
    assert.deepEqual(await promise, { referStatus: 603, outcome: 'rejected' });
    assert.equal(core.timers.pendingCount, 0);
  });

  it('accepted but no final NOTIFY within notifyTimeoutMs → timeout, exactly then', async () => {
    const { core, promise, current } = setup();
    core.answerLast('REFER', 202);
    core.timers.advance(9_999);
    await Promise.resolve();
    assert.equal(current(), undefined);
    core.timers.advance(1);
    assert.deepEqual(await promise, { referStatus: 202, outcome: 'timeout' });
  });

  it('a REFER that gets no response (Timer F) → rejected as 408', async () => {
    const { core, promise } = setup();
    core.sent[0]?.user.onTimeout();
    assert.deepEqual(await promise, { referStatus: 408, outcome: 'rejected' });
  });

  it('NOTIFYs of another event package go to the handler that was there before', async () => {
    const core = new FakeUaCore();
    const session = new Session(testDialog('uas'), core);
    const others: string[] = [];
    session.handlers.onNotify = (req) => others.push(req.headers.get('event') ?? '');
    const p = refer(session, core, { referTo: OPERATOR, notifyTimeoutMs: 10_000 });
    core.answerLast('REFER', 202);
    const dialogEvent = peerRequest('NOTIFY', 2, ['Event: dialog', 'Subscription-State: active'], { type: 'message/sipfrag', text: 'SIP/2.0 200 OK' });
    session.handleRequest(dialogEvent, core.serverTx(dialogEvent));
    const final = peerRequest('NOTIFY', 3, ['Event: refer;id=1', 'Subscription-State: terminated'], { type: 'message/sipfrag', text: 'SIP/2.0 200 OK' });
    session.handleRequest(final, core.serverTx(final));
    assert.deepEqual(await p, { referStatus: 202, finalStatus: 200, outcome: 'success' });
    assert.deepEqual(others, ['dialog']);
    assert.equal(typeof session.handlers.onNotify, 'function');
  });
});

describe('sipfragStatus (RFC 3420)', () => {
  it('reads the status of a sipfrag status line and nothing else', () => {
    assert.equal(sipfragStatus('SIP/2.0 180 Ringing\r\n'), 180);
    assert.equal(sipfragStatus('  SIP/2.0 603 Declined'), 603);
    assert.equal(sipfragStatus('INVITE sip:x@y SIP/2.0'), undefined);
    assert.equal(sipfragStatus('SIP/2.0 99 Odd'), undefined);
  });
});
