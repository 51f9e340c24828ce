/**
 * The transaction layer's client side: responses matched to client transactions on branch and CSeq method
 * (RFC 3261 §17.1.3), the table kept by Timers D and M, unmatched responses (RFC 6026 §8.9), transport
 * failures (§17.1.4) and the retransmission metric. FakeTransportLayer + fake time.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SipRequest, SipResponse } from '../../../../src/sip/message/sip-message.js';
import type { Destination } from '../../../../src/sip/transport/transport.js';
import { RecordingClientUser } from '../../../support/fake-transaction-context.js';
import { transactionLayerHarness } from '../../../support/transaction-layer-harness.js';
import { parseRequest, parseResponse, sourceOf } from '../../../support/sip-text.js';

const BRANCH = 'z9hG4bKout1a2b3c';
const PBX: Destination = { transport: 'udp', address: '192.0.2.101', port: 5060 };
const OTHER: Destination = { transport: 'udp', address: '192.0.2.202', port: 5060 };

function outgoing(method: 'INVITE' | 'CANCEL', branch = BRANCH): SipRequest {
  return parseRequest([
    `${method} sip:+15550123@192.0.2.101 SIP/2.0`,
    `Via: SIP/2.0/UDP 198.51.100.1:5060;branch=${branch};rport`,
    'Max-Forwards: 70',
    'To: <sip:+15550123@192.0.2.101>',
    'From: <sip:switchboard@198.51.100.1>;tag=88sja8x',
    'Call-ID: 987asjd97y7atg@198.51.100.1',
    `CSeq: 986759 ${method}`,
    'Content-Length: 0',
  ]);
}

function incoming(status: number, reason: string, method: 'INVITE' | 'CANCEL' = 'INVITE', branch = BRANCH): SipResponse {
  return parseResponse([
    `SIP/2.0 ${status} ${reason}`,
    `Via: SIP/2.0/UDP 198.51.100.1:5060;branch=${branch};rport=5060`,
    `To: <sip:+15550123@192.0.2.101>${status === 100 ? '' : ';tag=3flal12sf'}`,
    'From: <sip:switchboard@198.51.100.1>;tag=88sja8x',
    'Call-ID: 987asjd97y7atg@198.51.100.1',
    `CSeq: 986759 ${method}`,
    'Content-Length: 0',
  ], sourceOf('udp', '192.0.2.101', 5060));
}

function setup() {
  const h = transactionLayerHarness();
  const user = new RecordingClientUser(h.timers);
  return { ...h, user };
}

describe('transaction layer: matching responses to client transactions (RFC 3261 §17.1.3)', () => {
  it('sends the request and passes a response with the same branch and CSeq method to its transaction', () => {
    const { layer, transport, user, sentLabels } = setup();
    const tx = layer.request(outgoing('INVITE'), PBX, user);
    assert.deepEqual(sentLabels(), ['INVITE']);
    assert.deepEqual(transport.sent[0]?.dest, PBX);
    assert.deepEqual(layer.counts, { server: 0, client: 1 });
    transport.deliver(incoming(180, 'Ringing'));
    assert.deepEqual(user.statuses, [180]);
    assert.equal(tx.state, 'proceeding');
  });

  it('does not give a response whose CSeq method differs (CANCEL) to the INVITE transaction with the same branch', () => {
    const { layer, transport, user } = setup();
    layer.request(outgoing('INVITE'), PBX, user);
    transport.deliver(incoming(180, 'Ringing'));
    const cancelUser = new RecordingClientUser({ now: () => 0 });
    layer.request(outgoing('CANCEL'), PBX, cancelUser);
    assert.deepEqual(layer.counts, { server: 0, client: 2 });
    transport.deliver(incoming(200, 'OK', 'CANCEL'));
    assert.deepEqual(cancelUser.statuses, [200]);
    assert.deepEqual(user.statuses, [180], 'the INVITE transaction did not see the 200 to CANCEL');
    transport.deliver(incoming(487, 'Request Terminated'));
    assert.deepEqual(user.statuses, [180, 487]);
    assert.deepEqual(cancelUser.statuses, [200]);
  });

  it('ignores a response with an unknown branch', () => {
    const { layer, transport, user, tu } = setup();
    layer.request(outgoing('INVITE'), PBX, user);
    transport.deliver(incoming(180, 'Ringing', 'INVITE', 'z9hG4bKsomeoneelse'));
    assert.deepEqual(user.statuses, []);
    assert.deepEqual(tu.strays, []);
  });

  it('ACKs a 486 through the transport, re-ACKs its retransmission, and drops the transaction when Timer D (32 s) fires', () => {
    const { layer, transport, timers, user, sentLabels } = setup();
    layer.request(outgoing('INVITE'), PBX, user);
    timers.advance(100);
    transport.deliver(incoming(486, 'Busy Here'));
    timers.advance(400);
    transport.deliver(incoming(486, 'Busy Here'));
    assert.deepEqual(sentLabels(), ['INVITE', 'ACK', 'ACK']);
    assert.ok(transport.sent.slice(1).every((s) => s.dest === PBX));
    assert.deepEqual(user.statuses, [486]);
    timers.advance(31_599);
    assert.deepEqual(layer.counts, { server: 0, client: 1 });
    timers.advance(1);
    assert.deepEqual(layer.counts, { server: 0, client: 0 });
    transport.deliver(incoming(486, 'Busy Here'));
    assert.deepEqual(sentLabels(), ['INVITE', 'ACK', 'ACK'], 'no ACK once the transaction is gone');
  });

  it('passes a retransmitted 2xx to the transaction user while Timer M runs (RFC 6026 §7.2), not to onStrayResponse', () => {
    const { layer, transport, timers, user, tu } = setup();
    const tx = layer.request(outgoing('INVITE'), PBX, user);
    transport.deliver(incoming(200, 'OK'));
    timers.advance(500);
    transport.deliver(incoming(200, 'OK'));
    assert.deepEqual(user.statuses, [200, 200]);
    assert.deepEqual(tu.strays, []);
    assert.equal(tx.state, 'accepted');
    timers.advance(31_500);
    assert.deepEqual(layer.counts, { server: 0, client: 0 }, 'Timer M ended the transaction 32 s after the 2xx');
  });

  it('MUST silently discard a 2xx that matches no client transaction (RFC 6026 §8.9)', () => {
      const { layer, transport, timers, user, tu } = setup();
      layer.request(outgoing('INVITE'), PBX, user);
      transport.deliver(incoming(200, 'OK'));
      timers.advance(32_000); // Timer M: the transaction is gone
      transport.deliver(incoming(200, 'OK'));
      assert.deepEqual(tu.strays.map((r) => r.status), []);
      assert.deepEqual(user.statuses, [200]);
    });

  it('counts every retransmission in switchboard_sip_retransmissions_total and empties the table after Timer B', async () => {
    const { layer, timers, user, metrics } = setup();
    layer.request(outgoing('INVITE'), PBX, user);
    timers.advance(32_000);
    assert.deepEqual(user.timeouts, [32_000]);
    const retrans = await metrics.sipRetransmissions.get();
    assert.deepEqual(retrans.values.map((v) => [v.labels.kind, v.value]), [['request', 6]]);
    const live = await metrics.sipTransactions.get();
    assert.deepEqual(live.values.map((v) => [v.labels.kind, v.value]), [['client', 0]]);
    assert.deepEqual(layer.counts, { server: 0, client: 0 });
  });

  describe('transport failures (§17.1.4)', () => {
    it('fails the client transactions towards the failed destination only', () => {
      const { layer, transport, timers } = setup();
      const failed = new RecordingClientUser(timers);
      const healthy = new RecordingClientUser(timers);
      layer.request(outgoing('INVITE'), PBX, failed);
      const other = layer.request(outgoing('INVITE', 'z9hG4bKout2'), OTHER, healthy);
      transport.onSendFailure(PBX, new Error('ICMP port unreachable'));
      assert.deepEqual(failed.transportErrors.map((e) => e.message), ['ICMP port unreachable']);
      assert.deepEqual(healthy.transportErrors, []);
      assert.equal(other.state, 'calling');
      assert.deepEqual(layer.counts, { server: 0, client: 1 });
    });

    it('MUST inform the TU at once when the very first send of the request fails', () => {
        const { layer, transport, timers, user } = setup();
        transport.failSendsWith = new Error('ERR_SOCKET_BAD_PORT');
        const tx = layer.request(outgoing('INVITE'), PBX, user);
        assert.deepEqual(user.transportErrors.map((e) => e.message), ['ERR_SOCKET_BAD_PORT']);
        assert.equal(tx.state, 'terminated');
        assert.deepEqual(layer.counts, { server: 0, client: 0 });
        timers.advance(32_000);
        assert.deepEqual(user.timeouts, []);
      });
  });
});
