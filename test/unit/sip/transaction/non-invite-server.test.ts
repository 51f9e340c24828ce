/**
 * Non-INVITE server transaction, RFC 3261 §17.2.2, under fake time (T1 = 500 ms, so 64*T1 = 32 s).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { NonInviteServerTransaction } from '../../../../src/sip/transaction/non-invite-server.js';
import { createResponse } from '../../../../src/sip/message/build.js';
import type { MessageSource, SipRequest, TransportName } from '../../../../src/sip/message/sip-message.js';
import { FakeTransactionContext } from '../../../support/fake-transaction-context.js';
import { parseRequest, sourceOf } from '../../../support/sip-text.js';

const BRANCH = 'z9hG4bKopts77';
const KEY = `${BRANCH}|192.0.2.101:5060|OPTIONS`;

function options(source: MessageSource): SipRequest {
  return parseRequest([
    'OPTIONS sip:198.51.100.1:5060 SIP/2.0',
    `Via: SIP/2.0/UDP 192.0.2.101:5060;branch=${BRANCH}`,
    'Max-Forwards: 70',
    'To: <sip:198.51.100.1>',
    'From: <sip:pbx@atlanta.example.com>;tag=93810874',
    'Call-ID: 1j9FpLxk3uxtm8tn@atlanta.example.com',
    'CSeq: 63104 OPTIONS',
    'Accept: application/sdp',
    'Content-Length: 0',
  ], source);
}

function start(transport: TransportName = 'udp') {
  const ctx = new FakeTransactionContext();
  const source = sourceOf(transport, '192.0.2.101', 5060);
  const tx = new NonInviteServerTransaction(ctx, KEY, options(source), source);
  const statuses = (): number[] => ctx.sent.map((s) => (s.message.kind === 'response' ? s.message.status : -1));
  return { ctx, tx, source, statuses, answer: (status: number) => createResponse(tx.request, status, undefined, '72af1d') };
}

describe('non-INVITE server transaction (RFC 3261 §17.2.2)', () => {
  it('starts in Trying and sends nothing by itself', () => {
    const { ctx, tx } = start();
    assert.equal(tx.state, 'trying');
    ctx.timers.advance(60_000);
    assert.equal(ctx.sent.length, 0);
  });

  it('discards a retransmitted request received in Trying, before any response', () => {
    const { ctx, tx, source } = start();
    tx.receive(options(source));
    tx.receive(options(source));
    assert.equal(ctx.sent.length, 0);
    assert.equal(ctx.retransmissions.response, 0);
    assert.equal(tx.state, 'trying');
  });

  it('a provisional response moves Trying to Proceeding; a retransmitted request then gets that response again', () => {
    const { ctx, tx, source, statuses, answer } = start();
    tx.respond(answer(100));
    assert.equal(tx.state, 'proceeding');
    ctx.timers.advance(500);
    tx.receive(options(source));
    assert.deepEqual(statuses(), [100, 100]);
    assert.deepEqual(ctx.sent.map((s) => s.at), [0, 500]);
    assert.equal(ctx.retransmissions.response, 1);
  });

  it('MUST pass the final response to the transport again for every retransmission of the request in Completed', () => {
    const { ctx, tx, source, statuses, answer } = start();
    const ok = answer(200);
    tx.respond(ok);
    assert.equal(tx.state, 'completed');
    ctx.timers.advance(500);
    tx.receive(options(source));
    ctx.timers.advance(1000);
    tx.receive(options(source));
    assert.deepEqual(statuses(), [200, 200, 200]);
    assert.ok(ctx.sent.every((s) => s.message === ok), 'the very same final response');
    assert.deepEqual(ctx.sent.map((s) => s.at), [0, 500, 1500]);
    assert.equal(ctx.retransmissions.response, 2);
    assert.ok(ctx.sent.every((s) => s.dest.address === '192.0.2.101' && s.dest.port === 5060 && s.dest.transport === 'udp'));
  });

  it('does not retransmit the final response on its own (no Timer G for non-INVITE)', () => {
    const { ctx, tx, answer } = start();
    tx.respond(answer(200));
    ctx.timers.advance(31_999);
    assert.equal(ctx.sent.length, 1);
  });

  it('ignores further responses from the TU once Completed', () => {
    const { tx, statuses, answer } = start();
    tx.respond(answer(404));
    tx.respond(answer(200));
    tx.respond(answer(100));
    assert.deepEqual(statuses(), [404]);
  });

  it('Timer J is 64*T1 (32 s) over UDP, then Terminated', () => {
    const { ctx, tx, answer } = start('udp');
    ctx.timers.advance(300);
    tx.respond(answer(200));
    ctx.timers.advance(31_999);
    assert.equal(tx.state, 'completed');
    assert.deepEqual(ctx.terminatedKeys, []);
    ctx.timers.advance(1);
    assert.equal(tx.state, 'terminated');
    assert.deepEqual(ctx.terminatedKeys, [KEY]);
    assert.equal(ctx.timers.pendingCount, 0);
  });

  it('Timer J is 0 over TCP, and responses go back on the connection the request came on', () => {
    const { ctx, tx, answer } = start('tcp');
    tx.respond(answer(200));
    assert.deepEqual(ctx.sent[0]?.dest, { transport: 'tcp', address: '192.0.2.101', port: 5060, connectionId: 'tcp-conn-1' });
    ctx.timers.advance(0);
    assert.equal(tx.state, 'terminated');
    assert.deepEqual(ctx.terminatedKeys, [KEY]);
  });

  it('sends nothing after Terminated', () => {
    const { ctx, tx, source, answer } = start('udp');
    tx.respond(answer(200));
    ctx.timers.advance(32_000);
    tx.receive(options(source));
    tx.respond(answer(500));
    assert.equal(ctx.sent.length, 1);
  });
});
