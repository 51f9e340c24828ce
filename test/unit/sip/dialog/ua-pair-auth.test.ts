/**
 * Digest between two real UserAgents (RFC 3261 §22.2, §22.4; RFC 7616): the UAS is gated by a TrunkGate with a
 * digest trunk, wired into the UA's `admit` as the embedded engine does; the UAC answers with DigestClient.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DigestClient } from '../../../../src/sip/auth/digest-client.js';
import { parseDigestCredentials } from '../../../../src/sip/auth/digest-params.js';
import { realTimers } from '../../../../src/shared/timers.js';
import { TrunkGate } from '../../../../src/sip/trunk/trunk-gate.js';
import {
  ANSWER_SDP, OFFER_SDP, dial, gateAdmission, nextInvite, startUa, waitFor, within, type UaSide,
} from '../../../support/ua-pair.js';

const REALM = 'switchboard';

describe('digest-authenticated INVITE between two UserAgents', () => {
  let a: UaSide;
  let b: UaSide;
  before(async () => {
    const gate = new TrunkGate({
      unknownSources: 'drop', rateLimit: { perSecond: 100, burst: 100 },
      trunks: [{ name: 'pbx', addresses: ['127.0.0.1/32'], transports: ['udp'], maxCalls: 10, digest: { realm: REALM, username: 'pbx', password: 'right-password' } }],
    }, { timers: realTimers, nonceSecret: 'a shared secret of 32 characters' });
    a = await startUa();
    b = await startUa({ admit: gateAdmission(gate) });
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });
  afterEach(() => {
    a.transport.wire.length = 0;
    b.transport.wire.length = 0;
  });

  const credentials = (password: string) => {
    const client = new DigestClient();
    const calls: { challenges: string[]; method: string; uri: string }[] = [];
    const fn = (challenges: string[], method: string, uri: string): string | undefined => {
      calls.push({ challenges, method, uri });
      return client.answer({ challenges, method, uri, username: 'pbx', password });
    };
    return { fn, calls };
  };

  it('completes after exactly one 401: the retry carries Authorization, a new CSeq and the same Call-ID and From tag', async () => {
    const creds = credentials('right-password');
    const invited = nextInvite(b);
    const d = dial(a, b, { sdp: OFFER_SDP, credentials: creds.fn });
    const incoming = await within(invited, 'the authenticated INVITE');
    assert.equal(incoming.trunk, 'pbx');
    const session = incoming.answer(ANSWER_SDP);
    const out = await within(d.outcome, 'the 200');
    assert.equal(out.kind, 'answer');
    await waitFor(() => b.transport.received('ACK').length === 2, 'the ACK for the 401 and the ACK for the 200');
    assert.deepEqual(b.transport.trace(), ['in:INVITE', 'out:401', 'in:ACK', 'in:INVITE', 'out:200', 'in:ACK']);
    const [first, second] = b.transport.received('INVITE');
    assert.ok(first && second);
    assert.equal(first.headers.has('authorization'), false);
    assert.deepEqual([first.cseq?.seq, second.cseq?.seq], [1, 2]);
    assert.equal(second.callId, first.callId);
    assert.equal(second.fromTag, first.fromTag);
    assert.notEqual(second.topVia?.params.get('branch'), first.topVia?.params.get('branch'), 'the retry is a new transaction');
    const auth = parseDigestCredentials(second.headers.get('authorization') ?? '');
    assert.equal(auth?.username, 'pbx');
    assert.equal(auth?.realm, REALM);
    assert.equal(auth?.uri, b.uri());
    assert.equal(creds.calls.length, 1);
    assert.deepEqual([creds.calls[0]?.method, creds.calls[0]?.uri], ['INVITE', b.uri()]);
    assert.ok((creds.calls[0]?.challenges.length ?? 0) >= 1);
    // In-dialog requests are not challenged again (the gate sees them as in-dialog).
    if (out.kind === 'answer') await within(out.session.end('local-bye'), 'BYE');
    assert.equal(a.transport.responses('BYE')[0]?.status, 200);
    assert.equal(session.isEnded, true);
  });

  it('a wrong password ends in onFailure(401) after exactly one retry', async () => {
    const creds = credentials('wrong-password');
    let invites = 0;
    b.ua.onInvite = (inv) => { invites++; inv.answer(ANSWER_SDP); };
    const d = dial(a, b, { sdp: OFFER_SDP, credentials: creds.fn });
    const out = await within(d.outcome, 'the failure');
    assert.deepEqual(out.kind === 'failure' ? [out.status, out.reason] : out.kind, [401, 'Unauthorized']);
    await waitFor(() => b.transport.received('ACK').length === 2, 'both 401s ACKed');
    assert.equal(b.transport.received('INVITE').length, 2, 'one retry, not more');
    assert.equal(creds.calls.length, 1);
    assert.equal(invites, 0, 'no INVITE reached the application');
  });

  it('without a credentials callback the 401 is the final answer', async () => {
    const d = dial(a, b, { sdp: OFFER_SDP });
    const out = await within(d.outcome, 'the failure');
    assert.equal(out.kind === 'failure' ? out.status : 0, 401);
    assert.equal(b.transport.received('INVITE').length, 1);
  });
});
