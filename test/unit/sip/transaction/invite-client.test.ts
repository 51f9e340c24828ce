/**
 * INVITE client transaction, RFC 3261 §17.1.1 with the Accepted state of RFC 6026 §7.2, under fake time.
 * T1 = 500 ms, T2 = 4 s, T4 = 5 s (DEFAULT_TIMERS), so 64*T1 = 32 s.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InviteClientTransaction } from '../../../../src/sip/transaction/invite-client.js';
import { branchOf } from '../../../../src/sip/message/via.js';
import type { SipRequest, SipResponse } from '../../../../src/sip/message/sip-message.js';
import type { Destination } from '../../../../src/sip/transport/transport.js';
import { FakeTransactionContext, RecordingClientUser, intervals } from '../../../support/fake-transaction-context.js';
import { parseRequest, parseResponse } from '../../../support/sip-text.js';

const BRANCH = 'z9hG4bKnashds8';
const KEY = `${BRANCH}|INVITE`;
const UDP: Destination = { transport: 'udp', address: '192.0.2.101', port: 5060 };
const TCP: Destination = { transport: 'tcp', address: '192.0.2.101', port: 5060 };
const TOP_VIA = `SIP/2.0/UDP 198.51.100.1:5060;branch=${BRANCH};rport`;

function invite(): SipRequest {
  return parseRequest([
    'INVITE sip:bob@biloxi.example.com SIP/2.0',
    `Via: ${TOP_VIA}`,
    'Max-Forwards: 70',
    'Route: <sip:proxy.biloxi.example.com;lr>',
    'To: Bob <sip:bob@biloxi.example.com>',
    'From: Switchboard <sip:switchboard@198.51.100.1>;tag=1928301774',
    'Call-ID: a84b4c76e66710@198.51.100.1',
    'CSeq: 314159 INVITE',
    'Contact: <sip:switchboard@198.51.100.1:5060>',
    'Content-Length: 0',
  ]);
}

function response(status: number, reason: string, toTag?: string): SipResponse {
  return parseResponse([
    `SIP/2.0 ${status} ${reason}`,
    `Via: SIP/2.0/UDP 198.51.100.1:5060;branch=${BRANCH};rport=5060`,
    `To: Bob <sip:bob@biloxi.example.com>${toTag ? `;tag=${toTag}` : ''}`,
    'From: Switchboard <sip:switchboard@198.51.100.1>;tag=1928301774',
    'Call-ID: a84b4c76e66710@198.51.100.1',
    'CSeq: 314159 INVITE',
    'Content-Length: 0',
  ]);
}

function start(dest: Destination = UDP) {
  const ctx = new FakeTransactionContext();
  const tu = new RecordingClientUser(ctx.timers);
  const tx = new InviteClientTransaction(ctx, KEY, invite(), dest, tu);
  tx.start();
  return { ctx, tu, tx };
}

describe('INVITE client transaction (RFC 3261 §17.1.1)', () => {
  describe('Calling: Timer A and Timer B', () => {
    it('MUST retransmit INVITE at T1, 2T1, 4T1 ... (sent at 0, 500, 1500, 3500, 7500, 15500, 31500 ms) until Timer B', () => {
      const { ctx } = start();
      ctx.timers.advance(32_000);
      assert.deepEqual(ctx.timesOf('INVITE'), [0, 500, 1500, 3500, 7500, 15_500, 31_500]);
      assert.deepEqual(intervals(ctx.timesOf('INVITE')), [500, 1000, 2000, 4000, 8000, 16_000]);
      assert.ok(ctx.sent.every((s) => s.dest === UDP), 'every copy goes to the same destination');
    });

    it('MUST inform the TU of a timeout exactly once when Timer B (64*T1 = 32 s) fires, after exactly 6 retransmissions', () => {
      const { ctx, tu, tx } = start();
      ctx.timers.advance(31_999);
      assert.deepEqual(tu.timeouts, []);
      assert.equal(tx.state, 'calling');
      ctx.timers.advance(1);
      assert.deepEqual(tu.timeouts, [32_000]);
      assert.equal(ctx.retransmissions.request, 6);
      assert.equal(ctx.retransmissions.response, 0);
      assert.equal(tx.state, 'terminated');
      assert.deepEqual(ctx.terminatedKeys, [KEY]);
      ctx.timers.advance(120_000);
      assert.deepEqual(tu.timeouts, [32_000], 'Timer B reports once');
      assert.equal(ctx.sent.length, 7, 'nothing is sent after Terminated');
      assert.equal(ctx.timers.pendingCount, 0, 'no timer outlives the transaction');
    });

    it('MUST NOT retransmit over a reliable transport (TCP): one INVITE, then Timer B at 32 s', () => {
      const { ctx, tu } = start(TCP);
      ctx.timers.advance(31_999);
      assert.deepEqual(ctx.timesOf('INVITE'), [0]);
      ctx.timers.advance(1);
      assert.deepEqual(tu.timeouts, [32_000]);
      assert.equal(ctx.retransmissions.request, 0);
    });
  });

  describe('Proceeding', () => {
    it('a 1xx moves Calling to Proceeding, is passed to the TU and stops retransmission of the INVITE', () => {
      const { ctx, tu, tx } = start();
      ctx.timers.advance(600);
      tx.receive(response(180, 'Ringing', 'a6c85cf'));
      assert.equal(tx.state, 'proceeding');
      assert.deepEqual(tu.statuses, [180]);
      ctx.timers.advance(31_000);
      assert.deepEqual(ctx.timesOf('INVITE'), [0, 500]);
      assert.equal(ctx.retransmissions.request, 1);
    });

    it('passes every further provisional response in Proceeding to the TU', () => {
      const { tu, tx } = start();
      tx.receive(response(100, 'Trying'));
      tx.receive(response(180, 'Ringing', 'a6c85cf'));
      tx.receive(response(183, 'Session Progress', 'a6c85cf'));
      assert.deepEqual(tu.statuses, [100, 180, 183]);
    });

    it('MUST NOT time out with Timer B once a provisional response moved it to Proceeding (Timer B applies in Calling only)', () => {
        const { ctx, tu, tx } = start();
        ctx.timers.advance(100);
        tx.receive(response(180, 'Ringing', 'a6c85cf'));
        ctx.timers.advance(60_000); // a callee may ring for a minute
        assert.deepEqual(tu.timeouts, []);
        assert.equal(tx.state, 'proceeding');
        tx.receive(response(200, 'OK', 'a6c85cf'));
        assert.deepEqual(tu.statuses, [180, 200]);
      });
  });

  describe('Completed: 300-699 responses', () => {
    it('MUST send exactly one ACK for a 486, with the response To tag, the INVITE branch and the INVITE CSeq number with method ACK', () => {
      const { ctx, tu, tx } = start();
      const req = tx.request;
      ctx.timers.advance(700);
      tx.receive(response(486, 'Busy Here', '8321234356'));
      assert.equal(tx.state, 'completed');
      assert.deepEqual(tu.statuses, [486]);
      const acks = ctx.sentOf('ACK');
      assert.equal(acks.length, 1);
      const ack = acks[0]?.message;
      assert.ok(ack && ack.kind === 'request');
      assert.equal(ack.uri, 'sip:bob@biloxi.example.com', 'same Request-URI as the INVITE');
      assert.deepEqual(ack.headers.getAll('via'), [TOP_VIA], 'a single Via equal to the INVITE top Via');
      assert.equal(ack.topVia && branchOf(ack.topVia), BRANCH);
      assert.equal(ack.toTag, '8321234356');
      assert.equal(ack.headers.get('to'), 'Bob <sip:bob@biloxi.example.com>;tag=8321234356');
      assert.deepEqual(ack.cseq, { seq: 314159, method: 'ACK' });
      assert.equal(ack.headers.get('from'), req.headers.get('from'));
      assert.equal(ack.callId, 'a84b4c76e66710@198.51.100.1');
      assert.deepEqual(ack.headers.getAll('route'), ['<sip:proxy.biloxi.example.com;lr>'], 'Route copied from the INVITE');
      assert.equal(acks[0]?.dest, UDP, 'ACK goes where the INVITE went');
      assert.equal(acks[0]?.at, 700);
    });

    it('stops retransmitting the INVITE on a final response', () => {
      const { ctx, tx } = start();
      ctx.timers.advance(600);
      tx.receive(response(486, 'Busy Here', '8321234356'));
      ctx.timers.advance(40_000);
      assert.deepEqual(ctx.timesOf('INVITE'), [0, 500]);
    });

    it('MUST re-send the ACK for each retransmission of the final response and MUST NOT pass it to the TU', () => {
      const { ctx, tu, tx } = start();
      tx.receive(response(486, 'Busy Here', '8321234356'));
      ctx.timers.advance(500);
      tx.receive(response(486, 'Busy Here', '8321234356'));
      ctx.timers.advance(1000);
      tx.receive(response(486, 'Busy Here', '8321234356'));
      assert.deepEqual(ctx.timesOf('ACK'), [0, 500, 1500]);
      assert.deepEqual(tu.statuses, [486]);
      const [first, , third] = ctx.sentOf('ACK');
      assert.equal(third?.message, first?.message, 'the same ACK is retransmitted');
    });

    it('Timer D is 32 s over UDP: the transaction leaves the table then, absorbing responses until then', () => {
      const { ctx, tu, tx } = start();
      ctx.timers.advance(1000);
      tx.receive(response(603, 'Decline', '8321234356'));
      ctx.timers.advance(31_999);
      assert.equal(tx.state, 'completed');
      assert.deepEqual(ctx.terminatedKeys, []);
      ctx.timers.advance(1);
      assert.equal(tx.state, 'terminated');
      assert.deepEqual(ctx.terminatedKeys, [KEY]);
      assert.deepEqual(tu.timeouts, [], 'Timer B was cancelled by the final response');
    });

    it('Timer D is 0 over TCP: Completed ends at once', () => {
      const { ctx, tx } = start(TCP);
      tx.receive(response(486, 'Busy Here', '8321234356'));
      assert.equal(ctx.sentOf('ACK').length, 1, 'the ACK is still sent over TCP');
      ctx.timers.advance(0);
      assert.equal(tx.state, 'terminated');
      assert.deepEqual(ctx.terminatedKeys, [KEY]);
    });
  });

  describe('Accepted: 2xx responses (RFC 6026 §7.2)', () => {
    it('passes a 2xx to the TU, MUST NOT generate an ACK for it, and stops retransmitting', () => {
      const { ctx, tu, tx } = start();
      ctx.timers.advance(600);
      tx.receive(response(200, 'OK', 'a6c85cf'));
      assert.equal(tx.state, 'accepted');
      assert.deepEqual(tu.statuses, [200]);
      ctx.timers.advance(10_000);
      assert.deepEqual(ctx.timesOf('ACK'), []);
      assert.deepEqual(ctx.timesOf('INVITE'), [0, 500]);
    });

    it('MUST pass a retransmitted 2xx to the TU again while Timer M (64*T1) runs, then terminate', () => {
      const { ctx, tu, tx } = start();
      tx.receive(response(200, 'OK', 'a6c85cf'));
      ctx.timers.advance(500);
      tx.receive(response(200, 'OK', 'a6c85cf'));
      ctx.timers.advance(1000);
      tx.receive(response(200, 'OK', 'b7d9612')); // a second 2xx from another fork
      assert.deepEqual(tu.statuses, [200, 200, 200]);
      assert.deepEqual(tu.responses.map((r) => r.toTag), ['a6c85cf', 'a6c85cf', 'b7d9612']);
      ctx.timers.advance(30_499);
      assert.equal(tx.state, 'accepted');
      ctx.timers.advance(1);
      assert.equal(tx.state, 'terminated', 'Timer M fired 32 s after the first 2xx');
      assert.deepEqual(ctx.terminatedKeys, [KEY]);
      assert.deepEqual(tu.timeouts, [], 'Timer B was cancelled by the 2xx');
    });
  });

  describe('transport errors (§17.1.4)', () => {
    it('informs the TU of a transport failure in Calling and terminates', () => {
      const { ctx, tu, tx } = start();
      ctx.timers.advance(600);
      tx.transportFailed(new Error('ECONNREFUSED'));
      assert.deepEqual(tu.transportErrors.map((e) => e.message), ['ECONNREFUSED']);
      assert.equal(tx.state, 'terminated');
      ctx.timers.advance(40_000);
      assert.deepEqual(ctx.timesOf('INVITE'), [0, 500]);
      assert.deepEqual(tu.timeouts, []);
    });
  });
});
