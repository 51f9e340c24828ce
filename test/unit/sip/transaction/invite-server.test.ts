/**
 * INVITE server transaction, RFC 3261 §17.2.1 with the Accepted state of RFC 6026 §7.1 (and the 2xx
 * retransmission of §13.3.1.4, which this implementation keeps in the transaction), under fake time.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InviteServerTransaction } from '../../../../src/sip/transaction/invite-server.js';
import { createResponse } from '../../../../src/sip/message/build.js';
import type { MessageSource, SipRequest, TransportName } from '../../../../src/sip/message/sip-message.js';
import { FakeTransactionContext, intervals } from '../../../support/fake-transaction-context.js';
import { parseRequest, sourceOf } from '../../../support/sip-text.js';

const BRANCH = 'z9hG4bK776asdhds';
const KEY = `${BRANCH}|pbx.atlanta.example.com:|INVITE`;
const TOP_VIA = `SIP/2.0/UDP pbx.atlanta.example.com;branch=${BRANCH};received=192.0.2.101;rport=5070`;
/** G doubling from T1, capped at T2, starting with the response at t = 0, until 64*T1. */
const G_SCHEDULE = [0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500];

function invite(source: MessageSource): SipRequest {
  return parseRequest([
    'INVITE sip:+15550100@198.51.100.1:5060 SIP/2.0',
    `Via: ${TOP_VIA}`,
    'Via: SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKinner1',
    'Max-Forwards: 69',
    'To: <sip:+15550100@198.51.100.1>',
    'From: "PBX" <sip:pbx@atlanta.example.com>;tag=9fxced76sl',
    'Call-ID: 3848276298220188511@atlanta.example.com',
    'CSeq: 1 INVITE',
    'Contact: <sip:pbx@192.0.2.101:5070>',
    'Content-Length: 0',
  ], source);
}

function ack(source: MessageSource): SipRequest {
  return parseRequest([
    'ACK sip:+15550100@198.51.100.1:5060 SIP/2.0',
    `Via: ${TOP_VIA}`,
    'Max-Forwards: 70',
    'To: <sip:+15550100@198.51.100.1>;tag=314159',
    'From: "PBX" <sip:pbx@atlanta.example.com>;tag=9fxced76sl',
    'Call-ID: 3848276298220188511@atlanta.example.com',
    'CSeq: 1 ACK',
    'Content-Length: 0',
  ], source);
}

function start(transport: TransportName = 'udp', sendTrying = false) {
  const ctx = new FakeTransactionContext();
  const source = sourceOf(transport, '192.0.2.101', 5070);
  const tx = new InviteServerTransaction(ctx, KEY, invite(source), source, sendTrying);
  const seen = { ackTimeouts: [] as number[], ack2xxTimeouts: [] as number[] };
  tx.events = {
    onAckTimeout: () => seen.ackTimeouts.push(ctx.timers.now()),
    on2xxAckTimeout: () => seen.ack2xxTimeouts.push(ctx.timers.now()),
  };
  return { ctx, tx, source, seen, final: (status: number) => createResponse(tx.request, status, undefined, '314159') };
}

describe('INVITE server transaction (RFC 3261 §17.2.1)', () => {
  describe('Proceeding', () => {
    it('sends 100 Trying at once when created with sendTrying: Via, From, Call-ID, CSeq copied, no To tag, to the Via received/rport', () => {
      const { ctx } = start('udp', true);
      assert.equal(ctx.sent.length, 1);
      const [trying] = ctx.sent;
      assert.ok(trying && trying.message.kind === 'response');
      assert.equal(trying.message.status, 100);
      assert.equal(trying.at, 0);
      assert.deepEqual(trying.message.headers.getAll('via'), [TOP_VIA, 'SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bKinner1']);
      assert.equal(trying.message.toTag, undefined);
      assert.deepEqual(trying.message.cseq, { seq: 1, method: 'INVITE' });
      assert.equal(trying.message.callId, '3848276298220188511@atlanta.example.com');
      assert.equal(trying.message.fromTag, '9fxced76sl');
      assert.deepEqual(trying.dest, { transport: 'udp', address: '192.0.2.101', port: 5070 });
    });

    it('trying() sends 100 Trying when nothing has been sent yet, and nothing once the TU has responded', () => {
      const { ctx, tx, final } = start('udp', false);
      tx.trying();
      assert.deepEqual(ctx.sent.map((s) => s.message.kind === 'response' && s.message.status), [100]);
      tx.respond(final(180));
      tx.trying();
      assert.deepEqual(ctx.sent.map((s) => s.message.kind === 'response' && s.message.status), [100, 180]);
    });

    it('sends nothing by itself when sendTrying is false', () => {
      const { ctx } = start('udp', false);
      ctx.timers.advance(10_000);
      assert.equal(ctx.sent.length, 0);
    });

    it('MUST pass the most recent provisional response to the transport again when the INVITE is retransmitted', () => {
      const { ctx, tx, source, final } = start('udp', true);
      const ringing = final(180);
      tx.respond(ringing);
      ctx.timers.advance(500);
      tx.receive(invite(source));
      assert.deepEqual(ctx.sent.map((s) => [s.message, s.at]), [[ctx.sent[0]?.message, 0], [ringing, 0], [ringing, 500]]);
      assert.equal(ctx.retransmissions.response, 1);
      assert.equal(tx.state, 'proceeding');
    });

    it('answers a retransmitted INVITE with 100 Trying while the TU has not responded', () => {
      const { ctx, tx, source } = start('udp', true);
      tx.receive(invite(source));
      assert.deepEqual(ctx.sent.map((s) => s.message.kind === 'response' && s.message.status), [100, 100]);
    });

    it('does not retransmit provisional responses on its own', () => {
      const { ctx, tx, final } = start('udp');
      tx.respond(final(180));
      ctx.timers.advance(60_000);
      assert.deepEqual(ctx.timesOf('180'), [0]);
    });
  });

  describe('Completed: 300-699 responses, Timer G and Timer H', () => {
    it('MUST retransmit a 486 over UDP at 500, 1000, 2000, 4000, 4000 ... (Timer G capped at T2)', () => {
      const { ctx, tx, final } = start('udp');
      tx.respond(final(486));
      assert.equal(tx.state, 'completed');
      ctx.timers.advance(31_999);
      assert.deepEqual(ctx.timesOf('486'), G_SCHEDULE);
      assert.deepEqual(intervals(ctx.timesOf('486')).slice(0, 5), [500, 1000, 2000, 4000, 4000]);
      assert.ok(ctx.sent.every((s) => s.dest.address === '192.0.2.101' && s.dest.port === 5070));
    });

    it('Timer H (64*T1) fires events.onAckTimeout exactly once when no ACK arrives, after exactly 10 retransmissions', () => {
      const { ctx, tx, seen, final } = start('udp');
      tx.respond(final(486));
      ctx.timers.advance(31_999);
      assert.deepEqual(seen.ackTimeouts, []);
      ctx.timers.advance(1);
      assert.deepEqual(seen.ackTimeouts, [32_000]);
      assert.equal(ctx.retransmissions.response, 10);
      assert.equal(tx.state, 'terminated');
      assert.deepEqual(ctx.terminatedKeys, [KEY]);
      ctx.timers.advance(60_000);
      assert.deepEqual(seen.ackTimeouts, [32_000]);
      assert.equal(ctx.sent.length, G_SCHEDULE.length, 'nothing is sent after Terminated');
      assert.equal(ctx.timers.pendingCount, 0);
    });

    it('MUST enter Confirmed on ACK: retransmissions stop, Timer I = T4, then Terminated', () => {
      const { ctx, tx, source, seen, final } = start('udp');
      tx.respond(final(486));
      ctx.timers.advance(1600);
      tx.receive(ack(source));
      assert.equal(tx.state, 'confirmed');
      ctx.timers.advance(4999);
      tx.receive(ack(source)); // a retransmitted ACK is absorbed
      tx.receive(invite(source)); // so is a late INVITE retransmission
      assert.deepEqual(ctx.timesOf('486'), [0, 500, 1500]);
      assert.equal(tx.state, 'confirmed');
      assert.deepEqual(ctx.terminatedKeys, []);
      ctx.timers.advance(1);
      assert.equal(tx.state, 'terminated');
      assert.deepEqual(ctx.terminatedKeys, [KEY]);
      ctx.timers.advance(60_000);
      assert.deepEqual(seen.ackTimeouts, [], 'Timer H was cancelled by the ACK');
    });

    it('SHOULD pass the final response to the transport again when the INVITE is retransmitted in Completed', () => {
      const { ctx, tx, source, final } = start('udp');
      tx.respond(final(486));
      ctx.timers.advance(200);
      tx.receive(invite(source));
      assert.deepEqual(ctx.timesOf('486'), [0, 200]);
      assert.equal(ctx.retransmissions.response, 1);
    });

    it('MUST NOT retransmit a non-2xx final response over TCP; Timer H still applies', () => {
      const { ctx, tx, seen, final } = start('tcp');
      tx.respond(final(486));
      ctx.timers.advance(32_000);
      assert.deepEqual(ctx.timesOf('486'), [0]);
      assert.deepEqual(ctx.sent[0]?.dest, { transport: 'tcp', address: '192.0.2.101', port: 5070, connectionId: 'tcp-conn-1' });
      assert.deepEqual(seen.ackTimeouts, [32_000]);
    });

    it('Timer I is 0 over TCP', () => {
      const { ctx, tx, source, final } = start('tcp');
      tx.respond(final(486));
      tx.receive(ack(source));
      assert.equal(tx.state, 'confirmed');
      ctx.timers.advance(0);
      assert.equal(tx.state, 'terminated');
    });

    it('ignores responses from the TU after the final response', () => {
      const { ctx, tx, final } = start('udp');
      tx.respond(final(486));
      tx.respond(final(200));
      tx.respond(final(180));
      assert.deepEqual(ctx.sent.map((s) => s.message.kind === 'response' && s.message.status), [486]);
      assert.equal(tx.finalStatus, 486);
    });
  });

  describe('Accepted: 2xx responses (RFC 6026 §7.1, RFC 3261 §13.3.1.4)', () => {
    it('retransmits a 2xx over UDP at T1 doubling, capped at T2, until ackFor2xx() is called', () => {
      const { ctx, tx, seen, final } = start('udp');
      tx.respond(final(200));
      assert.equal(tx.state, 'accepted');
      ctx.timers.advance(8000);
      tx.ackFor2xx();
      ctx.timers.advance(23_999);
      assert.deepEqual(ctx.timesOf('200'), [0, 500, 1500, 3500, 7500]);
      assert.equal(ctx.retransmissions.response, 4);
      assert.equal(tx.state, 'accepted', 'stays to absorb INVITE retransmissions until Timer L');
      ctx.timers.advance(1);
      assert.equal(tx.state, 'terminated');
      assert.deepEqual(ctx.terminatedKeys, [KEY]);
      assert.deepEqual(seen.ack2xxTimeouts, [], 'the 2xx was acknowledged');
    });

    it('without an ACK, Timer L (64*T1) fires events.on2xxAckTimeout exactly once and retransmission stops', () => {
      const { ctx, tx, seen, final } = start('udp');
      tx.respond(final(200));
      ctx.timers.advance(31_999);
      assert.deepEqual(seen.ack2xxTimeouts, []);
      ctx.timers.advance(1);
      assert.deepEqual(seen.ack2xxTimeouts, [32_000]);
      assert.deepEqual(ctx.timesOf('200'), G_SCHEDULE);
      assert.equal(ctx.retransmissions.response, 10);
      assert.equal(tx.state, 'terminated');
      ctx.timers.advance(60_000);
      assert.deepEqual(seen.ack2xxTimeouts, [32_000]);
      assert.equal(ctx.timesOf('200').length, G_SCHEDULE.length);
      assert.equal(ctx.timers.pendingCount, 0);
    });

    it('retransmits the 2xx over TCP too, since a hop downstream may be unreliable (§13.3.1.4)', () => {
      const { ctx, tx, final } = start('tcp');
      tx.respond(final(200));
      ctx.timers.advance(4000);
      assert.deepEqual(ctx.timesOf('200'), [0, 500, 1500, 3500]);
    });

    it('an ACK matched to the transaction in Accepted does not change its state', () => {
      const { tx, source, final } = start('udp');
      tx.respond(final(200));
      tx.receive(ack(source));
      assert.equal(tx.state, 'accepted');
    });
  });
});
