/**
 * Session timers (RFC 4028) between two real UserAgents over loopback UDP. Each side runs on its own FakeTimers
 * so 45 s and 60 s pass instantly; messages still cross real sockets, so after advancing a clock the test waits
 * for the wire. Nothing else is pending on those clocks at the points advanced past (Timer A/E stop once
 * the response arrived; Timer L/M only terminate transactions).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SipRequest } from '../../../../src/sip/message/sip-message.js';
import { FakeTimers } from '../../../support/fake-timers.js';
import {
  OFFER_SDP, dial, endedReason, establish, sleep, startUa, waitFor, within, type UaSide,
} from '../../../support/ua-pair.js';

describe('RFC 4028 between two UserAgents (Session-Expires 90, Min-SE 90)', () => {
  let a: UaSide;
  let b: UaSide;
  let aClock: FakeTimers;
  let bClock: FakeTimers;
  before(async () => {
    aClock = new FakeTimers();
    bClock = new FakeTimers();
    a = await startUa({ timers: aClock, sessionTimers: { sessionExpires: 90, minSE: 90 } });
    b = await startUa({ timers: bClock, sessionTimers: { sessionExpires: 1800, minSE: 90 } });
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });

  it('negotiates Session-Expires 90 with the UAC as refresher: INVITE, 200 and both schedules agree', async () => {
    const call = await establish(a, b);
    const inv = b.transport.received('INVITE')[0] as SipRequest;
    assert.equal(inv.headers.get('session-expires'), '90');
    assert.ok(inv.headers.getAll('supported').includes('timer'));
    assert.equal(call.answer.headers.get('session-expires'), '90;refresher=uac');
    assert.equal(call.answer.headers.get('require'), 'timer', '§9: Require: timer when the UAC refreshes');

    // The UAC refreshes at 45 s (§10)…
    aClock.advance(44_999);
    bClock.advance(44_999);
    await sleep(20);
    assert.equal(b.transport.received('INVITE').length, 1, 'no refresh before half the interval');
    aClock.advance(1);
    bClock.advance(1);
    await waitFor(() => b.transport.received('INVITE').length === 2, 'the refresh re-INVITE');
    const refresh = b.transport.received('INVITE')[1] as SipRequest;
    assert.equal(refresh.headers.get('session-expires'), '90;refresher=uac');
    assert.equal(refresh.body.toString('utf8'), OFFER_SDP);
    await waitFor(() => b.transport.received('ACK').length === 2, 'the ACK for the refresh 2xx');
    assert.equal(a.transport.responses('INVITE').at(-1)?.headers.get('session-expires'), '90;refresher=uac');

    // …and the UAS, refreshed at 45 s, would expire at 45 + 60 s: not at the old 60 s.
    bClock.advance(60_000 - 1);
    await sleep(20);
    assert.equal(a.transport.received('BYE').length, 0);
    assert.equal(call.uas.isEnded, false);
    await call.uac.end('local-bye');
  });

  it('a UAC that stops refreshing is hung up by the UAS with BYE at interval − 30 s (session-expired / remote-bye)', async () => {
    const call = await establish(a, b);
    call.uac.startTimer(undefined); // the peer "forgets" to refresh
    const uasEnded = endedReason(call.uas);
    const uacEnded = endedReason(call.uac);
    bClock.advance(59_999);
    await sleep(20);
    assert.equal(a.transport.received('BYE').length, 0);
    bClock.advance(1);
    assert.equal(await within(uasEnded, 'the UAS end'), 'session-expired');
    assert.equal(await within(uacEnded, 'the UAC end'), 'remote-bye');
    const bye = a.transport.received('BYE')[0];
    assert.equal(bye?.headers.get('reason'), 'SIP;cause=200;text="Session Timer Expired"');
    assert.equal(b.ua.sessionCount, 0);
    assert.equal(a.ua.sessionCount, 0);
  });
});

describe('RFC 4028 §6: 422 Session Interval Too Small', () => {
  let a: UaSide;
  let b: UaSide;
  before(async () => {
    a = await startUa({ sessionTimers: { sessionExpires: 30, minSE: 30 } });
    b = await startUa({ sessionTimers: { sessionExpires: 1800, minSE: 90 } });
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });

  it('an INVITE with Session-Expires below the UAS Min-SE gets 422 with Min-SE: 90, before ringing', async () => {
    let invites = 0;
    b.ua.onInvite = (inv) => { invites++; inv.reject(486); };
    dial(a, b, { sdp: OFFER_SDP });
    // The first INVITE (Session-Expires below Min-SE) never reaches the application: 422 with Min-SE: 90.
    await waitFor(() => b.transport.received('ACK').length >= 1, 'the ACK for the 422');
    const first = a.transport.received('INVITE').length === 0 ? a.transport.responses().find((r) => r.status === 422) : undefined;
    assert.equal(first?.headers.get('min-se'), '90');
    assert.equal(invites <= 1, true, 'only the RFC 4028 §7.3 retry may reach the application');
  });

  it('after a 422 the UAC retries once with Session-Expires and Min-SE raised to the 422\'s Min-SE (RFC 4028 §7.3)', async () => {
    b.ua.onInvite = (inv) => { inv.answer(OFFER_SDP); };
    const d = dial(a, b, { sdp: OFFER_SDP });
    const out = await within(d.outcome, 'the outcome', 1000).catch(() => undefined);
    const retry = b.transport.received('INVITE').at(-1);
    assert.equal(retry?.headers.get('session-expires'), '90');
    assert.equal(retry?.headers.get('min-se'), '90');
    assert.equal(out?.kind, 'answer');
  });
});

describe('OutgoingInvite extra headers and the session timer', () => {
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

  it('a Session-Expires given in invite({ headers }) replaces the UA default instead of duplicating it', async () => {
    b.ua.onInvite = (inv) => { inv.answer(OFFER_SDP); };
    const d = dial(a, b, { sdp: OFFER_SDP, headers: [['Session-Expires', '600;refresher=uas']] });
    const out = await within(d.outcome, 'the outcome');
    assert.deepEqual(b.transport.received('INVITE')[0]?.headers.getAll('session-expires'), ['600;refresher=uas']);
    assert.equal(out.kind === 'answer' ? out.res.headers.get('session-expires') : out.kind, '600;refresher=uas');
    if (out.kind === 'answer') await out.session.end('local-bye');
  });
});
