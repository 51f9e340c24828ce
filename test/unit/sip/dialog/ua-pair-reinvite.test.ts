/**
 * Two real UserAgents over loopback UDP changing a live session: late offer (RFC 3261 §13.2.1), re-INVITE in
 * both directions and glare (§14), UPDATE (RFC 3311), and REFER (RFC 3515) answered by a peer that implements it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createResponse, setBody } from '../../../../src/sip/message/build.js';
import type { SipRequest, SipResponse } from '../../../../src/sip/message/sip-message.js';
import { refer } from '../../../../src/sip/dialog/refer.js';
import type { Session } from '../../../../src/sip/dialog/session.js';
import {
  ANSWER_SDP, HOLD_SDP, OFFER_SDP, dial, establish, nextInvite, startUa, waitFor, within, type UaSide,
} from '../../../support/ua-pair.js';

/** The final response to a re-INVITE/UPDATE sent with Session.request. */
function reoffer(session: Session, method: 'INVITE' | 'UPDATE', sdp: string | undefined): Promise<SipResponse> {
  return within(new Promise((resolve) => session.request(method, sdp, resolve)), `the final response to ${method}`);
}

const B_REOFFER = ANSWER_SDP.replace('o=bob 7 7', 'o=bob 7 8').replace('a=sendrecv', 'a=sendonly');
const A_REANSWER = OFFER_SDP.replace('o=alice 1 1', 'o=alice 1 2').replace('a=sendrecv', 'a=recvonly');

describe('UserAgent ⇄ UserAgent: offers after the first (RFC 3261 §13.2.1, §14; RFC 3311)', () => {
  let a: UaSide;
  let b: UaSide;
  before(async () => {
    a = await startUa();
    b = await startUa();
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });

  it('late offer: INVITE without SDP, the offer in the 200, the answer in the ACK reaches onLateAnswer', async () => {
    const invited = nextInvite(b);
    const offersSeen: string[] = [];
    const d = dial(a, b, { answerOffer: (offer) => { offersSeen.push(offer); return OFFER_SDP; } });
    const incoming = await within(invited, 'INVITE');
    assert.equal(incoming.offer, undefined);
    assert.equal(incoming.request.body.length, 0);
    const uas = incoming.answer(ANSWER_SDP);
    const lateAnswer = new Promise<string | undefined>((resolve) => { uas.handlers.onLateAnswer = resolve; });
    const out = await within(d.outcome, 'the 200');
    assert.equal(out.kind === 'answer' ? out.sdp : undefined, ANSWER_SDP, 'the UAC gets the offer from the 200');
    assert.deepEqual(offersSeen, [ANSWER_SDP]);
    assert.equal(await within(lateAnswer, 'onLateAnswer'), OFFER_SDP);
    const ack = b.transport.received('ACK').at(-1);
    assert.equal(ack?.contentType, 'application/sdp');
    if (out.kind === 'answer') {
      assert.equal(out.session.localSdp, OFFER_SDP);
      await out.session.end('local-bye');
    }
  });

  it('a re-INVITE from the UAS side is answered through the UAC session\'s onOffer, and its ACK reaches the UAC', async () => {
    const call = await establish(a, b);
    const offers: (string | undefined)[] = [];
    call.uac.handlers.onOffer = (offer) => { offers.push(offer); return { sdp: A_REANSWER }; };
    const acksBefore = a.transport.received('ACK').length;
    const res = await reoffer(call.uas, 'INVITE', B_REOFFER);
    assert.equal(res.status, 200);
    assert.equal(res.body.toString('utf8'), A_REANSWER);
    assert.deepEqual(offers, [B_REOFFER]);
    const reinvite = a.transport.received('INVITE').at(-1) as SipRequest;
    assert.equal(reinvite.cseq?.seq, 1, 'the UAS side starts its own CSeq space');
    assert.equal(reinvite.fromTag, call.uas.dialog.localTag);
    await waitFor(() => a.transport.received('ACK').length === acksBefore + 1, 'the ACK for the re-INVITE 2xx at the UAC');
    // Had the ACK not matched, the next re-INVITE would get 500 "previous INVITE pending" (§14.2).
    const again = await reoffer(call.uas, 'INVITE', ANSWER_SDP.replace('o=bob 7 7', 'o=bob 7 9'));
    assert.equal(again.status, 200);
    await call.uac.end('local-bye');
  });

  it('glare: both ends send a re-INVITE at once and each gets 491; a retry afterwards succeeds (§14.1, §14.2)', async () => {
    const call = await establish(a, b);
    call.uac.handlers.onOffer = () => ({ sdp: A_REANSWER });
    call.uas.handlers.onOffer = () => ({ sdp: B_REOFFER });
    const [fromA, fromB] = await Promise.all([reoffer(call.uac, 'INVITE', HOLD_SDP), reoffer(call.uas, 'INVITE', B_REOFFER)]);
    assert.deepEqual([fromA.status, fromB.status], [491, 491]);
    assert.equal(call.uac.isEnded || call.uas.isEnded, false, 'a 491 leaves the session up');
    const retry = await reoffer(call.uac, 'INVITE', HOLD_SDP);
    assert.equal(retry.status, 200);
    assert.equal(retry.body.toString('utf8'), B_REOFFER);
    await call.uac.end('local-bye');
  });

  it('RFC 3311: an UPDATE with SDP is answered 200 with SDP from onOffer; without SDP, 200 without a body', async () => {
    const call = await establish(a, b);
    const offers: (string | undefined)[] = [];
    call.uas.handlers.onOffer = (offer) => { offers.push(offer); return { sdp: B_REOFFER }; };
    const withSdp = await reoffer(call.uac, 'UPDATE', HOLD_SDP);
    assert.equal(withSdp.status, 200);
    assert.equal(withSdp.body.toString('utf8'), B_REOFFER);
    const bare = await reoffer(call.uac, 'UPDATE', undefined);
    assert.equal(bare.status, 200);
    assert.equal(bare.body.length, 0);
    assert.deepEqual(offers, [HOLD_SDP]);
    await call.uac.end('local-bye');
  });
});

describe('REFER between two UserAgents (RFC 3515)', () => {
  let a: UaSide;
  let b: UaSide;
  before(async () => {
    a = await startUa();
    b = await startUa();
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });

  it('refer() resolves success when the peer accepts (202) and reports "100 Trying" then "200 OK" by NOTIFY', async () => {
    const call = await establish(a, b);
    // Session has no REFER handler (it answers 405); this peer implements the notifier side here, in the test.
    const refers: SipRequest[] = [];
    const original = b.ua.onRequest.bind(b.ua);
    b.ua.onRequest = (req, tx, cancelled) => {
      if (req.method !== 'REFER' || req.callId !== call.uas.dialog.callId) return original(req, tx, cancelled);
      refers.push(req);
      call.uas.dialog.acceptRemoteSeq(req.cseq?.seq ?? 0);
      b.ua.respond(tx, createResponse(req, 202));
      for (const [frag, state] of [['SIP/2.0 100 Trying', 'active;expires=60'], ['SIP/2.0 200 OK', 'terminated;reason=noresource']] as const) {
        const notify = call.uas.dialog.createRequest('NOTIFY');
        notify.headers.set('Event', 'refer');
        notify.headers.set('Subscription-State', state);
        setBody(notify, 'message/sipfrag;version=2.0', `${frag}\r\n`);
        b.ua.sendInDialog(call.uas.dialog, notify, { onResponse: () => undefined, onTimeout: () => undefined });
      }
    };
    const result = await within(refer(call.uac, a.ua, {
      referTo: 'sip:operator@127.0.0.1', referredBy: '<sip:alice@127.0.0.1>', notifyTimeoutMs: 2000,
    }), 'the REFER outcome');
    assert.deepEqual(result, { referStatus: 202, finalStatus: 200, outcome: 'success' });
    assert.equal(refers[0]?.headers.get('refer-to'), '<sip:operator@127.0.0.1>');
    assert.equal(refers[0]?.headers.get('referred-by'), '<sip:alice@127.0.0.1>');
    await waitFor(() => b.transport.responses('NOTIFY').length === 2, 'the 200s to both NOTIFYs');
    assert.deepEqual(b.transport.responses('NOTIFY').map((r) => r.status), [200, 200]);
    b.ua.onRequest = original;
    await call.uac.end('local-bye');
  });

  it('refer() to a Session that cannot take REFER resolves rejected with its 405', async () => {
    const call = await establish(a, b);
    const result = await within(refer(call.uac, a.ua, { referTo: 'sip:operator@127.0.0.1', notifyTimeoutMs: 2000 }), 'the REFER outcome');
    assert.deepEqual(result, { referStatus: 405, outcome: 'rejected' });
    assert.equal(call.uac.isEnded, false);
    await call.uac.end('local-bye');
  });

  it('a 405 to REFER does not list REFER in its Allow (RFC 3261 §21.4.6, §20.5)', async () => {
    const call = await establish(a, b);
    await refer(call.uac, a.ua, { referTo: 'sip:operator@127.0.0.1', notifyTimeoutMs: 2000 });
    const res = a.transport.responses('REFER').at(-1);
    assert.equal(res?.status, 405);
    assert.equal(res?.headers.getAll('allow').includes('REFER'), false);
    await call.uac.end('local-bye');
  });
});
