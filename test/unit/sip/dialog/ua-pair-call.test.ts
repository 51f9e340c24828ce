/**
 * Two real UserAgents over loopback UDP (and one call over TCP): the INVITE dialog from both ends
 * (RFC 3261 §13, §15), CANCEL (§9), and in-dialog requests (§12.2).
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDtmfInfo } from '../../../../src/engine/embedded/dtmf-info.js';
import { Dialog } from '../../../../src/sip/dialog/dialog.js';
import { DEFAULT_TIMERS } from '../../../../src/sip/transaction/timer-config.js';
import type { SipRequest } from '../../../../src/sip/message/sip-message.js';
import {
  ANSWER_SDP, OFFER_SDP, dial, endedReason, establish, nextInvite, request, sleep, startUa, waitFor, within, type UaSide,
} from '../../../support/ua-pair.js';

describe('UserAgent ⇄ UserAgent over UDP: a call and its end (RFC 3261 §13, §15)', () => {
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
  afterEach(() => {
    a.transport.wire.length = 0;
    b.transport.wire.length = 0;
  });

  it('rings, answers with SDP, and is confirmed by the ACK; the UAC sees 180 then the 200 with the answer', async () => {
    const call = await establish(a, b);
    assert.equal(call.answer.status, 200);
    assert.equal(call.answer.body.toString('utf8'), ANSWER_SDP);
    assert.equal(call.incoming.offer, OFFER_SDP);
    assert.deepEqual(b.transport.trace(), ['in:INVITE', 'out:180', 'out:200', 'in:ACK']);
    assert.deepEqual(a.transport.trace(), ['out:INVITE', 'in:180', 'in:200', 'out:ACK']);
    assert.equal(call.uac.dialog.state, 'confirmed');
    await waitFor(() => call.uas.dialog.state === 'confirmed', 'the UAS dialog confirmed by the ACK');
    // §12.1: both ends name the dialog with the same three values, mirrored.
    assert.equal(call.uac.dialog.callId, call.uas.dialog.callId);
    assert.equal(call.uac.dialog.localTag, call.uas.dialog.remoteTag);
    assert.equal(call.uac.dialog.remoteTag, call.uas.dialog.localTag);
    assert.equal(a.ua.sessionCount, 1);
    assert.equal(b.ua.sessionCount, 1);
    await call.uac.end('local-bye');
  });

  it('a BYE from the UAC ends the UAC session as local-bye and the UAS session as remote-bye (§15.1)', async () => {
    const call = await establish(a, b);
    const uasEnded = endedReason(call.uas);
    const uacEnded = endedReason(call.uac);
    await within(call.uac.end('local-bye', 'Normal Clearing'), 'the BYE transaction');
    assert.equal(await within(uacEnded, 'UAC end'), 'local-bye');
    assert.equal(await within(uasEnded, 'UAS end'), 'remote-bye');
    const bye = b.transport.received('BYE')[0];
    assert.equal(bye?.headers.get('reason'), 'SIP;cause=200;text="Normal Clearing"');
    assert.equal(a.transport.responses('BYE')[0]?.status, 200);
    assert.equal(a.ua.sessionCount, 0);
    assert.equal(b.ua.sessionCount, 0);
  });

  it('a BYE from the UAS ends the UAS session as local-bye and the UAC session as remote-bye (§15.1)', async () => {
    const call = await establish(a, b);
    const uacEnded = endedReason(call.uac);
    const uasEnded = endedReason(call.uas);
    await within(call.uas.end('local-bye'), 'the BYE transaction');
    assert.equal(await within(uasEnded, 'UAS end'), 'local-bye');
    assert.equal(await within(uacEnded, 'UAC end'), 'remote-bye');
    // §12.2.1.1: the UAS's first request in the dialog uses its own CSeq space and swaps From/To.
    const bye = a.transport.received('BYE')[0];
    assert.ok(bye);
    assert.equal(bye.cseq?.seq, 1);
    assert.equal(bye.fromTag, call.uas.dialog.localTag);
    assert.equal(bye.toTag, call.uac.dialog.localTag);
    assert.equal(b.transport.responses('BYE')[0]?.status, 200);
  });

  it('rejects an INVITE with the status the UA chose; the UAC reports it as a failure', async () => {
    const invited = nextInvite(b);
    const d = dial(a, b, { sdp: OFFER_SDP });
    (await within(invited, 'INVITE')).reject(486);
    const out = await within(d.outcome, 'failure');
    assert.equal(out.kind, 'failure');
    assert.equal(out.kind === 'failure' ? out.status : 0, 486);
    // §17.1.1.3: the client transaction ACKs the non-2xx itself.
    await waitFor(() => b.transport.received('ACK').length === 1, 'the ACK for the 486');
  });
});

describe('CANCEL (RFC 3261 §9)', () => {
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
  afterEach(() => {
    a.transport.wire.length = 0;
    b.transport.wire.length = 0;
  });

  it('§9.1: cancel() before any provisional waits for the 180, then CANCEL; the INVITE ends in 487 → onFailure(487)', async () => {
    const invited = nextInvite(b);
    const d = dial(a, b, { sdp: OFFER_SDP });
    const incoming = await within(invited, 'INVITE');
    let cancelSeen = false;
    incoming.onCancel = () => { cancelSeen = true; };
    d.invite.cancel();
    await sleep(50);
    assert.equal(b.transport.received('CANCEL').length, 0, 'no CANCEL may leave before a provisional response');
    incoming.progress(180);
    const out = await within(d.outcome, 'the 487');
    assert.deepEqual(out.kind === 'failure' ? [out.status, out.reason] : out.kind, [487, 'Request Terminated']);
    assert.equal(cancelSeen, true);
    assert.equal(incoming.state, 'cancelled');
    await waitFor(() => b.transport.received('ACK').length === 1, 'the ACK for the 487');
    assert.deepEqual(b.transport.trace(), ['in:INVITE', 'out:180', 'in:CANCEL', 'out:200', 'out:487', 'in:ACK']);
    // The CANCEL copies the INVITE's Request-URI, Call-ID, From, To and CSeq number (§9.1).
    const inv = b.transport.received('INVITE')[0] as SipRequest;
    const cancel = b.transport.received('CANCEL')[0] as SipRequest;
    assert.equal(cancel.uri, inv.uri);
    assert.equal(cancel.callId, inv.callId);
    assert.equal(cancel.cseq?.seq, inv.cseq?.seq);
    assert.equal(cancel.topVia?.params.get('branch'), inv.topVia?.params.get('branch'));
    assert.deepEqual(d.progress.map((r) => r.status), [100], 'the 180 that released the deferred CANCEL is not reported as progress');
  });

  it('§9.1: cancel() after the 180 sends CANCEL at once; the INVITE ends in 487 → onFailure(487)', async () => {
    const invited = nextInvite(b);
    const d = dial(a, b, { sdp: OFFER_SDP });
    const incoming = await within(invited, 'INVITE');
    incoming.progress(180);
    await waitFor(() => d.progress.some((r) => r.status === 180), 'the 180 at the UAC');
    d.invite.cancel();
    const out = await within(d.outcome, 'the 487');
    assert.equal(out.kind === 'failure' ? out.status : 0, 487);
    await waitFor(() => b.transport.received('ACK').length === 1, 'the ACK for the 487');
    assert.deepEqual(b.transport.trace(), ['in:INVITE', 'out:180', 'in:CANCEL', 'out:200', 'out:487', 'in:ACK']);
    assert.equal(a.transport.responses('CANCEL')[0]?.status, 200);
    assert.equal(b.ua.pendingCount, 0);
  });

  it('§15: a 200 that crossed the cancel() is ACKed and the session it made is ended at once with BYE', async () => {
    const invited = nextInvite(b);
    const d = dial(a, b, { sdp: OFFER_SDP });
    const incoming = await within(invited, 'INVITE');
    d.invite.cancel(); // no provisional yet: the CANCEL waits (§9.1), and the 200 comes first
    const uasEnded = endedReason(incoming.answer(ANSWER_SDP));
    assert.equal(await within(uasEnded, 'the UAS session end'), 'remote-bye');
    assert.deepEqual(b.transport.trace(), ['in:INVITE', 'out:200', 'in:ACK', 'in:BYE', 'out:200']);
    assert.equal(d.invite.state, 'cancelled');
  });

  it('a cancel() overtaken by a 200 still tells the caller how it ended', async () => {
    const invited = nextInvite(b);
    const d = dial(a, b, { sdp: OFFER_SDP });
    const incoming = await within(invited, 'INVITE');
    d.invite.cancel();
    incoming.answer(ANSWER_SDP);
    const out = await within(d.outcome, 'an outcome for the cancelled INVITE', 1000);
    assert.equal(out.kind === 'failure' ? out.status : out.kind, 487);
  });

  it('§9.2: a CANCEL after the 200 changes nothing: the call stays up', async () => {
    const invited = nextInvite(b);
    const d = dial(a, b, { sdp: OFFER_SDP });
    const incoming = await within(invited, 'INVITE');
    incoming.progress(180);
    await waitFor(() => d.progress.some((r) => r.status === 180), 'the 180');
    const session = incoming.answer(ANSWER_SDP);
    const out = await within(d.outcome, 'the 200');
    assert.equal(out.kind, 'answer');
    d.invite.cancel(); // answered: nothing to cancel
    await sleep(30);
    assert.equal(b.transport.received('CANCEL').length, 0);
    assert.equal(session.isEnded, false);
    await session.end('local-bye');
  });
});

describe('in-dialog requests (RFC 3261 §12.2; RFC 6086 INFO)', () => {
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

  it('INFO application/dtmf-relay reaches Session.handlers.onInfo and is answered 200', async () => {
    const call = await establish(a, b);
    const infos: SipRequest[] = [];
    call.uas.handlers.onInfo = (req) => infos.push(req);
    const res = await request(a, call.uac, 'INFO', { type: 'application/dtmf-relay', text: 'Signal=5\r\nDuration=160' });
    assert.equal(res.status, 200);
    assert.equal(infos.length, 1);
    const info = infos[0] as SipRequest;
    assert.equal(info.contentType, 'application/dtmf-relay');
    assert.equal(info.body.toString('utf8'), 'Signal=5\r\nDuration=160');
    assert.deepEqual(parseDtmfInfo(info.contentType, info.body.toString('utf8')), { digit: '5', durationMs: 160 });
    await call.uac.end('local-bye');
  });

  it('in-dialog OPTIONS is answered 200 with Allow, Accept and Supported', async () => {
    const call = await establish(a, b);
    const res = await request(a, call.uac, 'OPTIONS');
    assert.equal(res.status, 200);
    assert.deepEqual(res.headers.getAll('allow'), ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'INFO', 'UPDATE', 'NOTIFY']);
    assert.equal(res.headers.get('accept'), 'application/sdp');
    assert.ok(res.headers.getAll('supported').includes('timer'));
    assert.equal(call.uas.isEnded, false);
    await call.uac.end('local-bye');
  });

  it('a BYE for a dialog the UAS does not know gets 481 (§12.2.2)', async () => {
    const stray = new Dialog({
      role: 'uac', callId: 'no-such-call@127.0.0.1', localTag: 'aaaa', remoteTag: 'bbbb',
      localParty: '<sip:alice@127.0.0.1>;tag=aaaa', remoteParty: `<${b.uri()}>;tag=bbbb`, remoteTarget: b.uri(),
      routeSet: [], localSeq: 1, remoteSeq: 0, secure: false, flow: b.dest(), contact: '<sip:alice@127.0.0.1>',
    });
    const res = await new Promise<number>((resolve) => {
      a.ua.sendInDialog(stray, stray.createRequest('BYE'), { onResponse: (r) => resolve(r.status), onTimeout: () => resolve(408) });
    });
    assert.equal(res, 481);
  });

  it('after the BYE the dialog is gone at the far end: a request sent in it gets 481 (§12.2.2)', async () => {
    const call = await establish(a, b);
    const uasEnded = endedReason(call.uas);
    await call.uac.end('local-bye');
    assert.equal(await within(uasEnded, 'UAS end'), 'remote-bye');
    const res = await request(a, call.uac, 'OPTIONS');
    assert.equal(res.status, 481);
  });

  it('a request whose CSeq is lower than the last one gets 500 and leaves the session up (§12.2.2)', async () => {
    const call = await establish(a, b);
    const first = await request(a, call.uac, 'INFO', { type: 'application/dtmf', text: '1' });
    assert.equal(first.status, 200);
    assert.equal(first.cseq?.seq, 2);
    const stale = await request(a, call.uac, 'INFO', { type: 'application/dtmf', text: '2' }, 1);
    assert.equal(stale.status, 500);
    assert.equal(stale.reason, 'CSeq Out Of Order');
    assert.equal(call.uas.isEnded, false);
    const next = await request(a, call.uac, 'OPTIONS');
    assert.equal(next.status, 200);
    await call.uac.end('local-bye');
  });
});

describe('UserAgent ⇄ UserAgent over TCP', () => {
  let a: UaSide;
  let b: UaSide;
  before(async () => {
    a = await startUa({ transports: ['tcp'] });
    b = await startUa({ transports: ['tcp'] });
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });

  it('completes a call and the UAS BYE travels back on the connection the INVITE opened (RFC 3261 §18, RFC 5923 spirit)', async () => {
    const call = await establish(a, b, { transport: 'tcp' });
    const inv = b.transport.received('INVITE')[0];
    assert.equal(inv?.source?.transport, 'tcp');
    assert.match(call.answer.headers.get('contact') ?? '', /;transport=tcp>$/);
    const uacEnded = endedReason(call.uac);
    await within(call.uas.end('local-bye'), 'BYE over TCP');
    assert.equal(await within(uacEnded, 'UAC end'), 'remote-bye');
    const bye = a.transport.received('BYE')[0];
    assert.equal(bye?.source?.transport, 'tcp');
    const ok = a.transport.responses('INVITE').find((r) => r.status === 200);
    assert.ok(ok?.source?.connectionId);
    assert.equal(bye?.source?.connectionId, ok.source.connectionId, 'the BYE came back on the connection the INVITE opened');
  });
});

describe('TCP connection reuse after the peer closed it (RFC 3261 §18.1.1)', () => {
  it('a new INVITE to a peer whose earlier connection closed opens a new connection and arrives', async () => {
    const a = await startUa({ transports: ['tcp'], timerConfig: { ...DEFAULT_TIMERS, timerB: 1000 } });
    const first = await startUa({ transports: ['tcp'] });
    const port = first.port('tcp');
    first.ua.onInvite = (inv) => inv.reject(486);
    const d1 = dial(a, first, { sdp: OFFER_SDP, transport: 'tcp' });
    assert.equal((await within(d1.outcome, 'the first 486')).kind, 'failure');
    await first.stop(); // closes the connection a opened
    await sleep(50);
    const second = await startUa({ transports: ['tcp'], port });
    second.ua.onInvite = (inv) => inv.reject(486);
    try {
      const d2 = dial(a, second, { sdp: OFFER_SDP, transport: 'tcp' });
      const out = await within(d2.outcome, 'the second outcome', 3000);
      assert.equal(second.transport.received('INVITE').length, 1);
      assert.equal(out.kind === 'failure' ? out.status : 0, 486);
    } finally {
      await a.stop();
      await second.stop();
    }
  });
});
