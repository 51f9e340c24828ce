/**
 * Non-INVITE client transaction, RFC 3261 §17.1.2, under fake time (T1 = 500 ms, T2 = 4 s, T4 = 5 s).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NonInviteClientTransaction } from '../../../../src/sip/transaction/non-invite-client.js';
import type { SipRequest, SipResponse } from '../../../../src/sip/message/sip-message.js';
import type { Destination } from '../../../../src/sip/transport/transport.js';
import { FakeTransactionContext, RecordingClientUser, intervals } from '../../../support/fake-transaction-context.js';
import { parseRequest, parseResponse } from '../../../support/sip-text.js';

const BRANCH = 'z9hG4bKbye8347';
const KEY = `${BRANCH}|BYE`;
const UDP: Destination = { transport: 'udp', address: '192.0.2.101', port: 5060 };
const TCP: Destination = { transport: 'tcp', address: '192.0.2.101', port: 5060 };

function bye(): SipRequest {
  return parseRequest([
    'BYE sip:bob@192.0.2.101:5060 SIP/2.0',
    `Via: SIP/2.0/UDP 198.51.100.1:5060;branch=${BRANCH};rport`,
    'Max-Forwards: 70',
    'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    'From: Switchboard <sip:switchboard@198.51.100.1>;tag=1928301774',
    'Call-ID: a84b4c76e66710@198.51.100.1',
    'CSeq: 231 BYE',
    'Content-Length: 0',
  ]);
}

function response(status: number, reason: string): SipResponse {
  return parseResponse([
    `SIP/2.0 ${status} ${reason}`,
    `Via: SIP/2.0/UDP 198.51.100.1:5060;branch=${BRANCH};rport=5060`,
    'To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf',
    'From: Switchboard <sip:switchboard@198.51.100.1>;tag=1928301774',
    'Call-ID: a84b4c76e66710@198.51.100.1',
    'CSeq: 231 BYE',
    'Content-Length: 0',
  ]);
}

function start(dest: Destination = UDP) {
  const ctx = new FakeTransactionContext();
  const tu = new RecordingClientUser(ctx.timers);
  const tx = new NonInviteClientTransaction(ctx, KEY, bye(), dest, tu);
  tx.start();
  return { ctx, tu, tx };
}

describe('non-INVITE client transaction (RFC 3261 §17.1.2)', () => {
  describe('Trying: Timer E and Timer F', () => {
    it('MUST retransmit at intervals doubling from T1 and capped at T2 (500, 1000, 2000, 4000, 4000 ...) until Timer F', () => {
      const { ctx } = start();
      ctx.timers.advance(32_000);
      assert.deepEqual(ctx.timesOf('BYE'), [0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
      assert.deepEqual(intervals(ctx.timesOf('BYE')), [500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000]);
    });

    it('MUST inform the TU of a timeout exactly once when Timer F (64*T1 = 32 s) fires, after exactly 10 retransmissions', () => {
      const { ctx, tu, tx } = start();
      ctx.timers.advance(31_999);
      assert.deepEqual(tu.timeouts, []);
      ctx.timers.advance(1);
      assert.deepEqual(tu.timeouts, [32_000]);
      assert.equal(ctx.retransmissions.request, 10);
      assert.equal(tx.state, 'terminated');
      assert.deepEqual(ctx.terminatedKeys, [KEY]);
      ctx.timers.advance(60_000);
      assert.equal(ctx.sent.length, 11);
      assert.deepEqual(tu.timeouts, [32_000]);
      assert.equal(ctx.timers.pendingCount, 0);
    });

    it('MUST NOT retransmit over TCP; Timer F still fires at 32 s', () => {
      const { ctx, tu } = start(TCP);
      ctx.timers.advance(32_000);
      assert.deepEqual(ctx.timesOf('BYE'), [0]);
      assert.equal(ctx.retransmissions.request, 0);
      assert.deepEqual(tu.timeouts, [32_000]);
    });
  });

  describe('Proceeding', () => {
    it('passes a 1xx to the TU and from then on retransmits every T2', () => {
      const { ctx, tu, tx } = start();
      ctx.timers.advance(1600); // sent at 0, 500, 1500
      tx.receive(response(100, 'Trying'));
      assert.equal(tx.state, 'proceeding');
      assert.deepEqual(tu.statuses, [100]);
      ctx.timers.advance(30_399); // up to 31 999
      const after = ctx.timesOf('BYE').filter((t) => t > 1600);
      assert.ok(after.length >= 6, `retransmissions continue in Proceeding (${after.join(', ')})`);
      assert.deepEqual(intervals(after), after.slice(1).map(() => 4000));
      ctx.timers.advance(1);
      assert.deepEqual(tu.timeouts, [32_000], 'Timer F also applies in Proceeding');
    });

    it('keeps the pending Timer E after a 1xx: it fires as scheduled and is then reset to T2', () => {
        const { ctx, tx } = start();
        ctx.timers.advance(1600); // sent at 0, 500, 1500; Timer E (2 s) due at 3500
        tx.receive(response(100, 'Trying'));
        ctx.timers.advance(10_000);
        assert.deepEqual(ctx.timesOf('BYE'), [0, 500, 1500, 3500, 7500, 11_500]);
      });

    it('MUST NOT retransmit in Proceeding over TCP', () => {
      const { ctx, tx } = start(TCP);
      tx.receive(response(100, 'Trying'));
      ctx.timers.advance(31_000);
      assert.deepEqual(ctx.timesOf('BYE'), [0]);
    });
  });

  describe('Completed: Timer K', () => {
    it('a final response moves Trying to Completed, goes to the TU once and stops retransmissions', () => {
      const { ctx, tu, tx } = start();
      ctx.timers.advance(600);
      tx.receive(response(200, 'OK'));
      assert.equal(tx.state, 'completed');
      tx.receive(response(200, 'OK')); // retransmission: absorbed
      assert.deepEqual(tu.statuses, [200]);
      ctx.timers.advance(40_000);
      assert.deepEqual(ctx.timesOf('BYE'), [0, 500]);
      assert.deepEqual(tu.timeouts, [], 'Timer F was cancelled');
    });

    it('a final response in Proceeding also moves to Completed', () => {
      const { tu, tx } = start();
      tx.receive(response(100, 'Trying'));
      tx.receive(response(481, 'Call/Transaction Does Not Exist'));
      assert.equal(tx.state, 'completed');
      assert.deepEqual(tu.statuses, [100, 481]);
    });

    it('Timer K is T4 (5 s) over UDP, then Terminated', () => {
      const { ctx, tx } = start();
      ctx.timers.advance(2000);
      tx.receive(response(200, 'OK'));
      ctx.timers.advance(4999);
      assert.equal(tx.state, 'completed');
      assert.deepEqual(ctx.terminatedKeys, []);
      ctx.timers.advance(1);
      assert.equal(tx.state, 'terminated');
      assert.deepEqual(ctx.terminatedKeys, [KEY]);
    });

    it('Timer K is 0 over TCP', () => {
      const { ctx, tx } = start(TCP);
      tx.receive(response(200, 'OK'));
      ctx.timers.advance(0);
      assert.equal(tx.state, 'terminated');
      assert.deepEqual(ctx.terminatedKeys, [KEY]);
    });
  });

  it('informs the TU of a transport failure in Trying and terminates (§17.1.4)', () => {
    const { ctx, tu, tx } = start();
    tx.transportFailed(new Error('EHOSTUNREACH'));
    assert.deepEqual(tu.transportErrors.map((e) => e.message), ['EHOSTUNREACH']);
    assert.equal(tx.state, 'terminated');
    ctx.timers.advance(40_000);
    assert.deepEqual(ctx.timesOf('BYE'), [0]);
  });
});
