/**
 * Session alone, against a fake UaCore under fake time: session timers (RFC 4028 §7.4, §9, §10), re-INVITE and
 * UPDATE handling (RFC 3261 §14, RFC 3311), the 2xx/ACK exchange (§13.3.1.4, §13.2.2.4), and ending (§15).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Session, type SessionEndReason } from '../../../../src/sip/dialog/session.js';
import type { SipResponse } from '../../../../src/sip/message/sip-message.js';
import type { InviteServerTransaction } from '../../../../src/sip/transaction/invite-server.js';
import { FakeUaCore, peerAck, peerRequest, testDialog } from '../../../support/fake-ua-core.js';
import { ANSWER_SDP, HOLD_SDP, OFFER_SDP } from '../../../support/ua-pair.js';

function setup(role: 'uac' | 'uas', sessionTimers?: ConstructorParameters<typeof FakeUaCore>[0]) {
  const core = new FakeUaCore(sessionTimers);
  const session = new Session(testDialog(role), core);
  session.localSdp = role === 'uas' ? ANSWER_SDP : OFFER_SDP;
  const ended: SessionEndReason[] = [];
  session.handlers.onEnded = (r) => ended.push(r);
  return { core, session, ended };
}

const SDP = { type: 'application/sdp', text: HOLD_SDP };

describe('Session timers (RFC 4028 §10)', () => {
  it('the refresher sends its refresh re-INVITE at half the interval, not a millisecond before', () => {
    const { core, session } = setup('uac');
    session.startTimer({ interval: 90, refresher: 'uac' });
    core.timers.advance(44_999);
    assert.deepEqual(core.sentMethods(), []);
    core.timers.advance(1);
    assert.deepEqual(core.sentMethods(), ['INVITE']);
    const refresh = core.sent[0]?.req;
    assert.equal(refresh?.headers.get('session-expires'), '90;refresher=uac');
    assert.equal(refresh?.body.toString('utf8'), OFFER_SDP, 'a refresh re-INVITE offers the unchanged description');
    assert.equal(refresh?.cseq?.seq, 2);
  });

  it('a 2xx to the refresh is ACKed and the next refresh follows half an interval later', () => {
    const { core, session } = setup('uac');
    session.startTimer({ interval: 90, refresher: 'uac' });
    core.timers.advance(45_000);
    core.answerLast('INVITE', 200, [['Session-Expires', '90;refresher=uac']], ANSWER_SDP);
    assert.equal(core.acks.length, 1);
    assert.equal(core.acks[0]?.cseq?.seq, 2);
    core.timers.advance(44_999);
    assert.equal(core.sent.length, 1);
    core.timers.advance(1);
    assert.deepEqual(core.sent.map((s) => s.at), [45_000, 90_000]);
  });

  it('the side that does not refresh ends the session with BYE at interval − min(32 s, interval/3) (reason session-expired)', () => {
    const { core, session, ended } = setup('uas');
    session.startTimer({ interval: 90, refresher: 'uac' });
    core.timers.advance(59_999);
    assert.deepEqual(core.sentMethods(), []);
    core.timers.advance(1);
    assert.deepEqual(core.sentMethods(), ['BYE']);
    assert.equal(core.sent[0]?.req.headers.get('reason'), 'SIP;cause=200;text="Session Timer Expired"');
    assert.equal(session.isEnded, true);
    core.answerLast('BYE', 200);
    assert.deepEqual(ended, ['session-expired']);
    assert.deepEqual(core.forgotten, [session.dialog.id]);
  });

  it('with an 1800 s interval the expiry is 32 s before the end (min(32, 600))', () => {
    const { core, session } = setup('uas');
    session.startTimer({ interval: 1800, refresher: 'uac' });
    core.timers.advance(1_767_999);
    assert.deepEqual(core.sentMethods(), []);
    core.timers.advance(1);
    assert.deepEqual(core.sentMethods(), ['BYE']);
  });

  it('a refresh that arrives in time is answered with the timer and restarts the expiry', () => {
    const { core, session, ended } = setup('uas');
    session.startTimer({ interval: 90, refresher: 'uac' });
    core.timers.advance(40_000);
    const reinvite = peerRequest('INVITE', 2, ['Supported: timer', 'Session-Expires: 90;refresher=uac'], { type: 'application/sdp', text: OFFER_SDP });
    session.handleRequest(reinvite, core.serverTx(reinvite));
    const ok = core.responses.at(-1) as SipResponse;
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('session-expires'), '90;refresher=uac');
    assert.equal(ok.headers.get('require'), 'timer', 'RFC 4028 §9: Require: timer when the UAC refreshes');
    session.handleAck(peerAck(2));
    core.timers.advance(59_999);
    assert.deepEqual(core.sentMethods(), [], 'the expiry counts from the refresh, not from the start');
    core.timers.advance(1);
    assert.deepEqual(core.sentMethods(), ['BYE']);
    core.answerLast('BYE', 200);
    assert.deepEqual(ended, ['session-expired']);
  });

  it('RFC 4028 §7.2: the 2xx to our refresh sets the new interval (Session-Expires 120 → next refresh 60 s later)', () => {
    const { core, session } = setup('uac');
    session.startTimer({ interval: 180, refresher: 'uac' });
    core.timers.advance(90_000);
    core.answerLast('INVITE', 200, [['Session-Expires', '120;refresher=uac']], ANSWER_SDP);
    core.timers.advance(60_000);
    assert.deepEqual(core.sent.map((x) => x.at), [90_000, 150_000]);
  });

  it('a refresh answered with a failure ends the session with BYE as refresh-failed', () => {
    const { core, session, ended } = setup('uac');
    session.startTimer({ interval: 90, refresher: 'uac' });
    core.timers.advance(45_000);
    core.answerLast('INVITE', 488);
    assert.deepEqual(core.sentMethods(), ['INVITE', 'BYE']);
    core.answerLast('BYE', 200);
    assert.deepEqual(ended, ['refresh-failed']);
  });

  it('a refresh answered 491 is retried after 2 to 4 s (RFC 3261 §14.1)', () => {
    const { core, session } = setup('uac');
    session.startTimer({ interval: 90, refresher: 'uac' });
    core.timers.advance(45_000);
    core.answerLast('INVITE', 491);
    core.timers.advance(1_999);
    assert.deepEqual(core.sentMethods(), ['INVITE']);
    core.timers.advance(2_001);
    assert.deepEqual(core.sentMethods(), ['INVITE', 'INVITE']);
    assert.equal(session.isEnded, false);
  });

  it('answers 422 with our Min-SE to a re-INVITE whose Session-Expires is below it (RFC 4028 §6)', () => {
    const { core, session } = setup('uas');
    const reinvite = peerRequest('INVITE', 2, ['Supported: timer', 'Session-Expires: 60'], { type: 'application/sdp', text: OFFER_SDP });
    session.handleRequest(reinvite, core.serverTx(reinvite));
    const res = core.responses.at(-1) as SipResponse;
    assert.equal(res.status, 422);
    assert.equal(res.headers.get('min-se'), '90');
    assert.equal(session.isEnded, false);
  });

  it('RFC 4028 §7.4: our refresh as the dialog UAS names us the refresher with refresher=uac (the sender of the request)', () => {
    const { core, session } = setup('uas');
    session.startTimer({ interval: 90, refresher: 'uas' });
    core.timers.advance(45_000);
    assert.deepEqual(core.sentMethods(), ['INVITE']);
    assert.equal(core.sent[0]?.req.headers.get('session-expires'), '90;refresher=uac');
  });

  it('RFC 4028 §9: as dialog UAC, a refresh from the refreshing dialog UAS (refresher=uac) leaves the refreshing to it', () => {
    const { core, session, ended } = setup('uac');
    session.startTimer({ interval: 90, refresher: 'uas' });
    core.timers.advance(30_000);
    const refresh = peerRequest('INVITE', 5, ['Supported: timer', 'Session-Expires: 90;refresher=uac'], { type: 'application/sdp', text: ANSWER_SDP });
    session.handleRequest(refresh, core.serverTx(refresh));
    assert.equal(core.responses.at(-1)?.headers.get('session-expires'), '90;refresher=uac');
    session.handleAck(peerAck(5));
    core.timers.advance(45_000);
    assert.deepEqual(core.sentMethods(), [], 'we must not start refreshing: the peer still is the refresher');
    core.timers.advance(15_000);
    assert.deepEqual(core.sentMethods(), ['BYE']);
    core.answerLast('BYE', 200);
    assert.deepEqual(ended, ['session-expired']);
  });

  it('RFC 4028 §9: as dialog UAC, a re-INVITE from a peer without timer support makes us the refresher (the call is kept, not expired)', () => {
    const { core, session } = setup('uac');
    const hold = peerRequest('INVITE', 5, [], { type: 'application/sdp', text: HOLD_SDP });
    session.handleRequest(hold, core.serverTx(hold));
    const ok = core.responses.at(-1) as SipResponse;
    assert.equal(ok.headers.get('session-expires'), '90;refresher=uas', 'the UAS of this re-INVITE (us) refreshes');
    assert.equal(ok.headers.get('require'), undefined);
    session.handleAck(peerAck(5));
    core.timers.advance(45_000);
    assert.deepEqual(core.sentMethods(), ['INVITE']);
    assert.equal(session.isEnded, false);
  });
});

describe('re-INVITE and UPDATE received (RFC 3261 §14.2, RFC 3311 §5.2)', () => {
  it('passes the new offer to onOffer, answers 200 with its SDP, refreshes the remote target, and the ACK confirms', () => {
    const { core, session } = setup('uas');
    const offers: (string | undefined)[] = [];
    session.handlers.onOffer = (offer) => { offers.push(offer); return { sdp: ANSWER_SDP.replace('7 7', '7 8') }; };
    const reinvite = peerRequest('INVITE', 2, ['Contact: <sip:pbx@192.0.2.102:5062>'], SDP);
    session.handleRequest(reinvite, core.serverTx(reinvite));
    assert.deepEqual(offers, [HOLD_SDP]);
    const ok = core.responses.at(-1) as SipResponse;
    assert.equal(ok.status, 200);
    assert.equal(ok.body.toString('utf8'), ANSWER_SDP.replace('7 7', '7 8'));
    assert.equal(session.localSdp, ANSWER_SDP.replace('7 7', '7 8'));
    assert.equal(session.dialog.remoteTarget, 'sip:pbx@192.0.2.102:5062', '§12.2.2: a re-INVITE is a target refresh');
    session.handleAck(peerAck(2));
    // A second re-INVITE after the ACK is served (no 500 "previous INVITE pending").
    const again = peerRequest('INVITE', 3, [], SDP);
    session.handleRequest(again, core.serverTx(again));
    assert.equal(core.responses.at(-1)?.status, 200);
  });

  it('answers with the status onOffer chose (488 + Warning) and keeps the session', () => {
    const { core, session } = setup('uas');
    session.handlers.onOffer = () => ({ status: 488, reason: 'Not Acceptable Here', warning: '304 switchboard "Media type not available"' });
    const reinvite = peerRequest('INVITE', 2, [], SDP);
    session.handleRequest(reinvite, core.serverTx(reinvite));
    const res = core.responses.at(-1) as SipResponse;
    assert.deepEqual([res.status, res.headers.get('warning')], [488, '304 switchboard "Media type not available"']);
    assert.equal(session.isEnded, false);
    assert.equal(session.localSdp, ANSWER_SDP);
  });

  it('§14.2: a re-INVITE while one of ours is pending gets 491', () => {
    const { core, session } = setup('uas');
    session.request('INVITE', HOLD_SDP, () => undefined);
    const theirs = peerRequest('INVITE', 2, [], SDP);
    session.handleRequest(theirs, core.serverTx(theirs));
    assert.equal(core.responses.at(-1)?.status, 491);
  });

  it('RFC 3311 §5.2: an UPDATE with an offer while our re-INVITE offer is unanswered gets 491', () => {
    const { core, session } = setup('uas');
    const offers: (string | undefined)[] = [];
    session.handlers.onOffer = (offer) => { offers.push(offer); return { sdp: ANSWER_SDP }; };
    session.request('INVITE', HOLD_SDP, () => undefined);
    const update = peerRequest('UPDATE', 2, [], SDP);
    session.handleRequest(update, core.serverTx(update));
    assert.equal(core.responses.at(-1)?.status, 491);
    assert.deepEqual(offers, []);
  });

  it('§14.2: a re-INVITE before the ACK for our 2xx to the previous one gets 500 with Retry-After 0–10', () => {
    const { core, session } = setup('uas');
    const first = peerRequest('INVITE', 2, [], SDP);
    session.handleRequest(first, core.serverTx(first));
    const second = peerRequest('INVITE', 3, [], SDP);
    session.handleRequest(second, core.serverTx(second));
    const res = core.responses.at(-1) as SipResponse;
    assert.equal(res.status, 500);
    const retry = Number(res.headers.get('retry-after'));
    assert.ok(Number.isInteger(retry) && retry >= 0 && retry <= 10, `Retry-After ${String(retry)}`);
  });

  it('§14.2 late offer: a re-INVITE without SDP gets our offer in the 200, and the answer in the ACK reaches onLateAnswer', () => {
    const { core, session } = setup('uas');
    const offers: (string | undefined)[] = [];
    const answers: (string | undefined)[] = [];
    session.handlers.onOffer = (offer) => { offers.push(offer); return { sdp: ANSWER_SDP }; };
    session.handlers.onLateAnswer = (a) => answers.push(a);
    const reinvite = peerRequest('INVITE', 2);
    session.handleRequest(reinvite, core.serverTx(reinvite));
    assert.deepEqual(offers, [undefined]);
    assert.equal(core.responses.at(-1)?.body.toString('utf8'), ANSWER_SDP);
    session.handleAck(peerAck(2, { type: 'application/sdp', text: OFFER_SDP }));
    assert.deepEqual(answers, [OFFER_SDP]);
  });

  it('RFC 3311: an UPDATE with SDP is answered with SDP; one without SDP (a refresh) with no body', () => {
    const { core, session } = setup('uas');
    session.handlers.onOffer = () => ({ sdp: ANSWER_SDP.replace('7 7', '7 8') });
    const update = peerRequest('UPDATE', 2, [], SDP);
    session.handleRequest(update, core.serverTx(update));
    assert.equal(core.responses.at(-1)?.status, 200);
    assert.equal(core.responses.at(-1)?.contentType, 'application/sdp');
    const bare = peerRequest('UPDATE', 3, ['Session-Expires: 90;refresher=uac', 'Supported: timer']);
    session.handleRequest(bare, core.serverTx(bare));
    const res = core.responses.at(-1) as SipResponse;
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 0);
    assert.equal(res.headers.get('session-expires'), '90;refresher=uac');
  });
});

describe('2xx, ACK and BYE (RFC 3261 §13.3.1.4, §13.2.2.4, §15)', () => {
  it('§13.3.1.4: no ACK for our 2xx within 64*T1 ends the session with BYE as ack-timeout', () => {
    const { core, session, ended } = setup('uas');
    const reinvite = peerRequest('INVITE', 2, [], SDP);
    const tx = core.serverTx(reinvite) as InviteServerTransaction;
    session.handleRequest(reinvite, tx);
    core.txContext.timers.advance(31_999);
    assert.deepEqual(core.sentMethods(), []);
    core.txContext.timers.advance(1);
    assert.deepEqual(core.sentMethods(), ['BYE']);
    core.answerLast('BYE', 200);
    assert.deepEqual(ended, ['ack-timeout']);
  });

  it('§13.2.2.4: a retransmitted 2xx to our re-INVITE is ACKed again but reported to the caller once', () => {
    const { core, session } = setup('uac');
    const finals: number[] = [];
    session.request('INVITE', HOLD_SDP, (res) => finals.push(res.status));
    const ok = core.answerLast('INVITE', 200, [], ANSWER_SDP);
    core.sent[0]?.user.onResponse(ok);
    assert.equal(core.acks.length, 2);
    assert.deepEqual(finals, [200]);
  });

  it('a BYE from the peer gets 200, ends the session as remote-bye, and sends no BYE of ours', () => {
    const { core, session, ended } = setup('uas');
    const bye = peerRequest('BYE', 2);
    session.handleRequest(bye, core.serverTx(bye));
    assert.equal(core.responses.at(-1)?.status, 200);
    assert.deepEqual(ended, ['remote-bye']);
    assert.deepEqual(core.sentMethods(), []);
    assert.deepEqual(core.forgotten, [session.dialog.id]);
  });

  it('end() twice sends one BYE and reports the end once', async () => {
    const { core, session, ended } = setup('uac');
    const first = session.end('local-bye');
    const second = session.end('shutdown');
    core.answerLast('BYE', 200);
    await Promise.all([first, second]);
    assert.deepEqual(core.sentMethods(), ['BYE']);
    assert.deepEqual(ended, ['local-bye']);
  });

  it('§12.2.1.2: a 481 to an in-dialog request ends the session as transport-failure', () => {
    const { core, session, ended } = setup('uac');
    session.request('UPDATE', undefined, () => undefined);
    core.answerLast('UPDATE', 481);
    core.answerLast('BYE', 481);
    assert.deepEqual(ended, ['transport-failure']);
  });
});
