/**
 * The transaction layer's matching rules: requests to server transactions (RFC 3261 §17.2.3, including the
 * RFC 2543 fallback), ACK and CANCEL routing (§17.2.3, §9.2, RFC 6026 §7.1). Responses to client
 * transactions are in transaction-layer-responses.test.ts. The transport is a FakeTransportLayer; time is fake.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InviteServerTransaction } from '../../../../src/sip/transaction/invite-server.js';
import { NonInviteServerTransaction } from '../../../../src/sip/transaction/non-invite-server.js';
import { createResponse } from '../../../../src/sip/message/build.js';
import type { SipRequest } from '../../../../src/sip/message/sip-message.js';
import { RecordingTransactionUser, transactionLayerHarness } from '../../../support/transaction-layer-harness.js';
import { parseRequest, sourceOf } from '../../../support/sip-text.js';

const BRANCH = 'z9hG4bK74bf9';
const RURI = 'sip:+15550100@198.51.100.1:5060';
const PBX = sourceOf('udp', '192.0.2.101', 5060);

interface FromPbx {
  method?: string;
  /** null: an RFC 2543 Via with no branch at all. */
  branch?: string | null;
  sentBy?: string;
  cseq?: number;
  ruri?: string;
  toTag?: string;
}

/** A request from the PBX, as literal SIP text. ACK and CANCEL keep the INVITE's CSeq number (§17.1.1.3, §9.1). */
function fromPbx(o: FromPbx = {}): SipRequest {
  const method = o.method ?? 'INVITE';
  const branch = o.branch === null ? '' : `;branch=${o.branch ?? BRANCH}`;
  return parseRequest([
    `${method} ${o.ruri ?? RURI} SIP/2.0`,
    `Via: SIP/2.0/UDP ${o.sentBy ?? 'pbx.atlanta.example.com:5060'}${branch}`,
    'Max-Forwards: 70',
    `To: <sip:+15550100@198.51.100.1>${o.toTag ? `;tag=${o.toTag}` : ''}`,
    'From: "PBX" <sip:pbx@atlanta.example.com>;tag=9fxced76sl',
    'Call-ID: 3848276298220188511@atlanta.example.com',
    `CSeq: ${o.cseq ?? 1} ${method}`,
    'Content-Length: 0',
  ], PBX);
}

/** The server transaction the TU was handed for its n-th request. */
function inviteTx(tu: RecordingTransactionUser, n = 0): InviteServerTransaction {
  const tx = tu.requests[n]?.tx;
  assert.ok(tx instanceof InviteServerTransaction, `request ${n} should have an INVITE server transaction`);
  return tx;
}

describe('transaction layer: matching requests to server transactions (RFC 3261 §17.2.3)', () => {
  it('creates an INVITE server transaction for a new INVITE and hands it to the TU', () => {
    const { tu, transport, layer, sentLabels } = transactionLayerHarness();
    transport.deliver(fromPbx());
    assert.equal(tu.requests.length, 1);
    assert.equal(inviteTx(tu).state, 'proceeding');
    assert.deepEqual(layer.counts, { server: 1, client: 0 });
    assert.deepEqual(sentLabels(), []);
  });

  it('passes a retransmitted INVITE (same branch and sent-by) to the existing transaction, not to the TU', () => {
    const { tu, transport, layer, sentLabels } = transactionLayerHarness();
    transport.deliver(fromPbx());
    const ringing = createResponse(inviteTx(tu).request, 180, undefined, '314159');
    inviteTx(tu).respond(ringing);
    transport.deliver(fromPbx());
    assert.equal(tu.requests.length, 1);
    assert.deepEqual(sentLabels(), ['180', '180'], 'the last provisional response is sent again');
    assert.deepEqual(layer.counts, { server: 1, client: 0 });
  });

  it('treats the same branch from a different sent-by as a different transaction', () => {
    const { tu, transport, layer } = transactionLayerHarness();
    transport.deliver(fromPbx());
    transport.deliver(fromPbx({ sentBy: 'pbx2.atlanta.example.com:5060' }));
    assert.equal(tu.requests.length, 2);
    assert.notEqual(tu.requests[0]?.tx, tu.requests[1]?.tx);
    assert.deepEqual(layer.counts, { server: 2, client: 0 });
  });

  it('absorbs an ACK with the branch of an INVITE answered with a non-2xx: Confirmed, no TU involvement, retransmissions stop', () => {
    const { tu, transport, timers, sentLabels } = transactionLayerHarness();
    transport.deliver(fromPbx());
    const tx = inviteTx(tu);
    tx.respond(createResponse(tx.request, 486, undefined, '314159'));
    timers.advance(600); // one retransmission at 500
    transport.deliver(fromPbx({ method: 'ACK', toTag: '314159' }));
    assert.equal(tx.state, 'confirmed');
    assert.deepEqual(tu.acks, []);
    assert.equal(tu.requests.length, 1);
    timers.advance(10_000);
    assert.deepEqual(sentLabels(), ['486', '486']);
  });

  it('passes the ACK for a 2xx (a new branch) to tu.onAck', () => {
    const { tu, transport } = transactionLayerHarness();
    transport.deliver(fromPbx());
    const tx = inviteTx(tu);
    tx.respond(createResponse(tx.request, 200, undefined, '314159'));
    const ack = fromPbx({ method: 'ACK', branch: 'z9hG4bKack2xx1', toTag: '314159', ruri: 'sip:switchboard@198.51.100.1:5060' });
    transport.deliver(ack);
    assert.deepEqual(tu.acks, [ack]);
    assert.equal(tu.requests.length, 1);
    assert.equal(tx.state, 'accepted');
  });

  it('MUST pass an ACK that matches a transaction in Accepted to the TU, not absorb it (RFC 6026 §7.1)', () => {
      const { tu, transport } = transactionLayerHarness();
      transport.deliver(fromPbx());
      const tx = inviteTx(tu);
      tx.respond(createResponse(tx.request, 200, undefined, '314159'));
      // A peer that reuses the INVITE's branch for the 2xx ACK (seen in the wild; always so for RFC 2543 peers).
      transport.deliver(fromPbx({ method: 'ACK', toTag: '314159' }));
      assert.deepEqual(tu.acks.map((a) => a.method), ['ACK']);
    });

  it('hands a CANCEL to the TU together with the INVITE server transaction it targets (§9.2)', () => {
    const { tu, transport, layer } = transactionLayerHarness();
    transport.deliver(fromPbx());
    transport.deliver(fromPbx({ method: 'CANCEL' }));
    assert.equal(tu.requests.length, 2);
    const cancel = tu.requests[1];
    assert.equal(cancel?.req.method, 'CANCEL');
    assert.ok(cancel?.tx instanceof NonInviteServerTransaction, 'the CANCEL gets its own non-INVITE transaction');
    assert.equal(cancel?.cancelled, inviteTx(tu));
    assert.deepEqual(layer.counts, { server: 2, client: 0 });
  });

  it('hands a CANCEL that matches no INVITE to the TU without a target (it answers 481)', () => {
    const { tu, transport } = transactionLayerHarness();
    transport.deliver(fromPbx({ method: 'CANCEL', branch: 'z9hG4bKorphan' }));
    assert.equal(tu.requests.length, 1);
    assert.equal(tu.requests[0]?.cancelled, undefined);
  });

  it('absorbs a retransmitted non-INVITE request in its server transaction', () => {
    const { tu, transport, sentLabels } = transactionLayerHarness();
    transport.deliver(fromPbx({ method: 'OPTIONS', branch: 'z9hG4bKopt1' }));
    const tx = tu.requests[0]?.tx;
    assert.ok(tx instanceof NonInviteServerTransaction);
    tx.respond(createResponse(tx.request, 200, undefined, '5551'));
    transport.deliver(fromPbx({ method: 'OPTIONS', branch: 'z9hG4bKopt1' }));
    assert.equal(tu.requests.length, 1);
    assert.deepEqual(sentLabels(), ['200', '200']);
  });

  it('removes a server transaction from the table when it terminates (Timer I after the ACK)', () => {
    const { tu, transport, timers, layer } = transactionLayerHarness();
    transport.deliver(fromPbx());
    const tx = inviteTx(tu);
    tx.respond(createResponse(tx.request, 486, undefined, '314159'));
    transport.deliver(fromPbx({ method: 'ACK', toTag: '314159' }));
    timers.advance(4999);
    assert.deepEqual(layer.counts, { server: 1, client: 0 });
    timers.advance(1);
    assert.deepEqual(layer.counts, { server: 0, client: 0 });
  });

  describe('RFC 2543 requests (no magic cookie in the branch)', () => {
    it('matches a retransmission on Request-URI, Call-ID, From tag, CSeq and top Via', () => {
      const { tu, transport, layer } = transactionLayerHarness();
      transport.deliver(fromPbx({ branch: null }));
      transport.deliver(fromPbx({ branch: null }));
      assert.equal(tu.requests.length, 1);
      transport.deliver(fromPbx({ branch: null, cseq: 2 }));
      assert.equal(tu.requests.length, 2, 'a different CSeq is a new transaction');
      transport.deliver(fromPbx({ branch: null, ruri: 'sip:+15550199@198.51.100.1:5060' }));
      assert.equal(tu.requests.length, 3, 'a different Request-URI is a new transaction');
      assert.deepEqual(layer.counts, { server: 3, client: 0 });
    });

    it('matches a branch without the magic cookie the same way', () => {
      const { tu, transport } = transactionLayerHarness();
      transport.deliver(fromPbx({ branch: '0a1b2c3d' }));
      transport.deliver(fromPbx({ branch: '0a1b2c3d' }));
      assert.equal(tu.requests.length, 1);
    });

    it('absorbs the ACK for a non-2xx final response', () => {
      const { tu, transport } = transactionLayerHarness();
      transport.deliver(fromPbx({ branch: null }));
      const tx = inviteTx(tu);
      tx.respond(createResponse(tx.request, 486, undefined, '314159'));
      transport.deliver(fromPbx({ method: 'ACK', branch: null, toTag: '314159' }));
      assert.equal(tx.state, 'confirmed');
      assert.deepEqual(tu.acks, []);
    });

    it('MUST pass the ACK for a 2xx to the TU even though it matches the Accepted INVITE transaction (RFC 6026 §6, §7.1)', () => {
        const { tu, transport } = transactionLayerHarness();
        transport.deliver(fromPbx({ branch: null }));
        const tx = inviteTx(tu);
        tx.respond(createResponse(tx.request, 200, undefined, '314159'));
        // The remote target equals the Request-URI, so the 2543 matching fields of the ACK equal the INVITE's.
        transport.deliver(fromPbx({ method: 'ACK', branch: null, toTag: '314159' }));
        assert.deepEqual(tu.acks.map((a) => a.method), ['ACK']);
      });

    it('matches a CANCEL to its INVITE', () => {
      const { tu, transport } = transactionLayerHarness();
      transport.deliver(fromPbx({ branch: null }));
      transport.deliver(fromPbx({ method: 'CANCEL', branch: null }));
      assert.equal(tu.requests[1]?.cancelled, inviteTx(tu));
    });
  });
});

