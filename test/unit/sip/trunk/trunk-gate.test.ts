import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TrunkGate, type GateDecision, type GateRequest } from '../../../../src/sip/trunk/trunk-gate.js';
import type { TrunkConfig, TrunkGateConfig } from '../../../../src/sip/trunk/trunk-config.js';
import { DigestClient } from '../../../../src/sip/auth/digest-client.js';
import { parseDigestChallenge } from '../../../../src/sip/auth/digest-params.js';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import { createMetrics } from '../../../../src/observability/metrics.js';
import { FakeTimers } from '../../../support/fake-timers.js';

const SECRET = 'a shared secret of 32 characters';
const URI = 'sip:+15550100@switchboard.example.com';

const plain: TrunkConfig = { name: 'plain', addresses: ['203.0.113.0/24'], transports: ['udp'], maxCalls: 10 };
const secured: TrunkConfig = {
  name: 'secured', addresses: ['198.51.100.7', '2001:db8::/32', '127.0.0.0/8'], transports: ['udp', 'tcp'], maxCalls: 5,
  digest: { realm: 'switchboard', username: 'pbx', password: 'correct horse' },
};
const tlsTrunk: TrunkConfig = {
  name: 'tls', addresses: ['192.0.2.0/24'], transports: ['tls'], maxCalls: 5,
  tlsClientCert: { required: true, subjects: ['pbx.example.com'] },
};

function config(over: Partial<TrunkGateConfig> = {}): TrunkGateConfig {
  return { unknownSources: 'drop', rateLimit: { perSecond: 1, burst: 5 }, trunks: [plain, secured, tlsTrunk], ...over };
}

function setup(over: Partial<TrunkGateConfig> = {}) {
  const timers = new FakeTimers();
  const gate = new TrunkGate(config(over), { timers, nonceSecret: SECRET });
  return { timers, gate };
}

const req = (over: Partial<GateRequest> = {}): GateRequest =>
  ({ sourceAddress: '203.0.113.9', transport: 'udp', method: 'INVITE', inDialog: false, ...over });

const challengesOf = (d: GateDecision): string[] => {
  assert.equal(d.action, 'reject');
  return d.action === 'reject' ? d.headers.filter(([n]) => n === 'WWW-Authenticate').map(([, v]) => v) : [];
};

function authorize(challenges: string[], password = 'correct horse', username = 'pbx', method = 'INVITE'): string {
  const value = new DigestClient().answer({ challenges, method, uri: URI, username, password });
  assert.ok(value);
  return value;
}

/** Same decision with nonces blanked out: the shape a scanner can observe. */
const shape = (d: GateDecision): unknown => JSON.parse(JSON.stringify(d).replace(/nonce=\\"[^\\]*\\"/g, 'nonce=\\"N\\"'));

describe('TrunkGate (RFC 3261 §8.2, §22)', () => {
  it('accepts a request from a trunk address over an allowed transport, exposing the trunk', () => {
    const { gate } = setup();
    assert.deepEqual(gate.decide(req()), { action: 'accept', trunk: plain });
  });

  it('matches a trunk only over its allowed transports', () => {
    const { gate } = setup();
    assert.deepEqual(gate.decide(req({ transport: 'tcp' })), { action: 'drop', cause: 'unknown_source' });
    assert.equal(gate.decide(req({ sourceAddress: '198.51.100.7', transport: 'tcp', method: 'OPTIONS' })).action, 'accept');
    assert.deepEqual(gate.decide(req({ sourceAddress: '198.51.100.7', transport: 'tls', method: 'OPTIONS' })),
      { action: 'drop', cause: 'unknown_source' });
  });

  it('takes the first trunk whose addresses and transports both fit', () => {
    const overlap: TrunkConfig = { name: 'overlap-tcp', addresses: ['203.0.113.0/24'], transports: ['tcp'], maxCalls: 1 };
    const { gate } = setup({ trunks: [overlap, plain] });
    assert.equal((gate.decide(req({ transport: 'tcp' })) as { trunk?: TrunkConfig }).trunk?.name, 'overlap-tcp');
    assert.equal((gate.decide(req({ transport: 'udp' })) as { trunk?: TrunkConfig }).trunk?.name, 'plain');
  });

  it('drops unknown sources silently when unknownSources is drop', () => {
    const { gate } = setup();
    assert.deepEqual(gate.decide(req({ sourceAddress: '100.64.0.1' })), { action: 'drop', cause: 'unknown_source' });
  });

  it('answers unknown sources 403 Forbidden when unknownSources is reject', () => {
    const { gate } = setup({ unknownSources: 'reject' });
    assert.deepEqual(gate.decide(req({ sourceAddress: '100.64.0.1' })),
      { action: 'reject', status: 403, reason: 'Forbidden', headers: [], cause: 'unknown_source' });
  });

  it('never answers an ACK: a reject becomes a drop', () => {
    const { gate } = setup({ unknownSources: 'reject' });
    assert.deepEqual(gate.decide(req({ sourceAddress: '100.64.0.1', method: 'ACK' })), { action: 'drop', cause: 'unknown_source' });
  });

  it('matches IPv6 sources and IPv4-mapped IPv6 sources', () => {
    const { gate } = setup();
    assert.equal(gate.decide(req({ sourceAddress: '2001:db8::10', method: 'OPTIONS' })).action, 'accept');
    assert.equal(gate.decide(req({ sourceAddress: '::ffff:203.0.113.9' })).action, 'accept');
    assert.equal(gate.decide(req({ sourceAddress: '::ffff:127.0.0.1', method: 'OPTIONS' })).action, 'accept');
    assert.equal(gate.decide(req({ sourceAddress: '2001:db9::10', method: 'OPTIONS' })).action, 'drop');
  });

  it('answers 503 with Retry-After once a trunk source exceeds its rate, and recovers as time passes', () => {
    const { gate, timers } = setup({ rateLimit: { perSecond: 0.5, burst: 2 } });
    assert.equal(gate.decide(req()).action, 'accept');
    assert.equal(gate.decide(req()).action, 'accept');
    assert.deepEqual(gate.decide(req()),
      { action: 'reject', status: 503, reason: 'Service Unavailable', headers: [['Retry-After', '2']], cause: 'rate_limited' });
    timers.advance(2_000);
    assert.equal(gate.decide(req()).action, 'accept');
  });

  it('limits per source address, one address whatever its spelling', () => {
    const { gate } = setup({ rateLimit: { perSecond: 1, burst: 1 } });
    assert.equal(gate.decide(req()).action, 'accept');
    assert.equal(gate.decide(req({ sourceAddress: '::ffff:203.0.113.9' })).action, 'reject');
    assert.equal(gate.decide(req({ sourceAddress: '203.0.113.10' })).action, 'accept');
  });

  it('drops a flood from an unknown source instead of answering 503, even when unknown sources get 403', () => {
    const { gate } = setup({ unknownSources: 'reject', rateLimit: { perSecond: 1, burst: 1 } });
    assert.equal(gate.decide(req({ sourceAddress: '100.64.0.1' })).action, 'reject');
    assert.deepEqual(gate.decide(req({ sourceAddress: '100.64.0.1' })), { action: 'drop', cause: 'rate_limited' });
  });

  it('does not rate-limit ACK, CANCEL or in-dialog requests', () => {
    const { gate } = setup({ rateLimit: { perSecond: 1, burst: 1 } });
    assert.equal(gate.decide(req()).action, 'accept');
    for (const r of [req({ method: 'ACK' }), req({ method: 'CANCEL' }), req({ method: 'BYE', inDialog: true })]) {
      assert.equal(gate.decide(r).action, 'accept', r.method);
    }
    assert.equal(gate.decide(req()).action, 'reject');
  });

  describe('digest', () => {
    const from = { sourceAddress: '198.51.100.7' };

    it('challenges an initial INVITE without credentials with SHA-256 then MD5 (401)', () => {
      const { gate } = setup();
      const d = gate.decide(req(from));
      assert.equal(d.action === 'reject' && d.status, 401);
      assert.equal(d.action === 'reject' && d.reason, 'Unauthorized');
      assert.equal(d.action === 'reject' && d.cause, 'auth_missing');
      const challenges = challengesOf(d).map((c) => parseDigestChallenge(c));
      assert.deepEqual(challenges.map((c) => [c?.realm, c?.algorithm, c?.qop, c?.stale]),
        [['switchboard', 'SHA-256', ['auth'], false], ['switchboard', 'MD5', ['auth'], false]]);
    });

    it('accepts an INVITE answered by the DigestClient (happy path)', () => {
      const { gate } = setup();
      const authorization = authorize(challengesOf(gate.decide(req(from))));
      assert.deepEqual(gate.decide(req({ ...from, authorization })), { action: 'accept', trunk: secured, username: 'pbx' });
    });

    it('picks the credentials for its realm among several Authorization values', () => {
      const { gate } = setup();
      const ours = authorize(challengesOf(gate.decide(req(from))));
      const proxy = ours.replace('realm="switchboard"', 'realm="upstream-proxy"');
      assert.equal(gate.decide(req({ ...from, authorization: [proxy, ours] })).action, 'accept');
    });

    it('challenges out-of-dialog REFER and MESSAGE too', () => {
      const { gate } = setup();
      for (const method of ['REFER', 'MESSAGE', 'SUBSCRIBE']) {
        const d = gate.decide(req({ ...from, method }));
        assert.equal(d.action === 'reject' && d.status, 401, method);
      }
    });

    it('never challenges ACK or CANCEL (RFC 3261 §22.1), nor OPTIONS keepalives, nor in-dialog requests', () => {
      const { gate } = setup();
      for (const r of [req({ ...from, method: 'ACK' }), req({ ...from, method: 'CANCEL' }), req({ ...from, method: 'OPTIONS' }),
        req({ ...from, method: 'BYE', inDialog: true }), req({ ...from, method: 'INVITE', inDialog: true })]) {
        assert.deepEqual(gate.decide(r), { action: 'accept', trunk: secured }, `${r.method} inDialog=${r.inDialog}`);
      }
    });

    it('challenges OPTIONS when methodsWithoutAuth leaves it out', () => {
      const gate = new TrunkGate(config(), { timers: new FakeTimers(), nonceSecret: SECRET, methodsWithoutAuth: [] });
      assert.equal(gate.decide(req({ ...from, method: 'OPTIONS' })).action, 'reject');
    });

    it('answers a stale nonce with 401 and stale=TRUE challenges', () => {
      const { gate, timers } = setup();
      const authorization = authorize(challengesOf(gate.decide(req(from))));
      timers.advance(300_001);
      const d = gate.decide(req({ ...from, authorization }));
      assert.equal(d.action === 'reject' && d.cause, 'auth_stale');
      const challenges = challengesOf(d).map((c) => parseDigestChallenge(c));
      assert.deepEqual(challenges.map((c) => c?.stale), [true, true]);
      assert.equal(gate.decide(req({ ...from, authorization: authorize(challengesOf(d)) })).action, 'accept');
    });

    it('answers an unknown username and a wrong password identically (401, same reason and header shape)', () => {
      const { gate } = setup({ rateLimit: { perSecond: 100, burst: 100 } });
      const challenges = challengesOf(gate.decide(req(from)));
      const wrongPassword = gate.decide(req({ ...from, authorization: authorize(challenges, 'guess') }));
      const unknownUser = gate.decide(req({ ...from, authorization: authorize(challenges, 'correct horse', 'admin') }));
      assert.equal(wrongPassword.action === 'reject' && wrongPassword.status, 401);
      assert.equal(wrongPassword.action === 'reject' && wrongPassword.cause, 'auth_failed');
      assert.deepEqual(shape(unknownUser), shape(wrongPassword));
      assert.notDeepEqual(unknownUser, wrongPassword); // but with fresh nonces
    });

    it('answers malformed credentials with 401 and fresh challenges', () => {
      const { gate } = setup();
      const d = gate.decide(req({ ...from, authorization: 'Digest username="pbx' }));
      assert.equal(d.action === 'reject' && d.cause, 'auth_malformed');
      assert.equal(challengesOf(d).length, 2);
    });

    it('refuses credentials replayed from an earlier request', () => {
      const { gate } = setup();
      const authorization = authorize(challengesOf(gate.decide(req(from))));
      assert.equal(gate.decide(req({ ...from, authorization })).action, 'accept');
      const replay = gate.decide(req({ ...from, authorization }));
      assert.equal(replay.action === 'reject' && replay.cause, 'auth_failed');
    });
  });

  describe('TLS client certificate', () => {
    const from = { sourceAddress: '192.0.2.4', transport: 'tls' as const };

    it('accepts an authorized certificate with a listed subject CN (case-insensitive)', () => {
      const { gate } = setup();
      assert.deepEqual(gate.decide(req({ ...from, tlsPeer: { authorized: true, subjectCN: 'PBX.example.com' } })),
        { action: 'accept', trunk: tlsTrunk });
    });

    it('answers 403 without a certificate, with an unauthorized one, or with another subject', () => {
      const { gate } = setup();
      for (const tlsPeer of [undefined, { authorized: false, subjectCN: 'pbx.example.com' }, { authorized: true, subjectCN: 'evil.example.com' }, { authorized: true }]) {
        assert.deepEqual(gate.decide(req({ ...from, tlsPeer })),
          { action: 'reject', status: 403, reason: 'Forbidden', headers: [], cause: 'tls_client_cert' }, JSON.stringify(tlsPeer));
      }
    });

    it('accepts any authorized certificate when no subjects are listed', () => {
      const open: TrunkConfig = { ...tlsTrunk, tlsClientCert: { required: true } };
      const { gate } = setup({ trunks: [open] });
      assert.equal(gate.decide(req({ ...from, tlsPeer: { authorized: true, subjectCN: 'anything' } })).action, 'accept');
    });
  });

  describe('update', () => {
    it('keeps rate-limit state for unchanged sources across a reload', () => {
      const { gate } = setup({ rateLimit: { perSecond: 1, burst: 1 } });
      assert.equal(gate.decide(req()).action, 'accept');
      gate.update(config({ rateLimit: { perSecond: 1, burst: 1 } }));
      assert.equal(gate.decide(req()).action, 'reject');
    });

    it('applies new trunks and settings', () => {
      const { gate } = setup();
      gate.update(config({ unknownSources: 'reject', trunks: [secured] }));
      const d = gate.decide(req());
      assert.equal(d.action === 'reject' && d.status, 403);
    });

    it('keeps nonces valid and replays refused when a trunk digest is unchanged', () => {
      const { gate } = setup();
      const authorization = authorize(challengesOf(gate.decide(req({ sourceAddress: '198.51.100.7' }))));
      gate.update(config());
      assert.equal(gate.decide(req({ sourceAddress: '198.51.100.7', authorization })).action, 'accept');
      gate.update(config());
      assert.equal(gate.decide(req({ sourceAddress: '198.51.100.7', authorization })).action, 'reject');
    });

    it('refuses a config with a bad address with CONFIG_INVALID and keeps the old one', () => {
      const { gate } = setup();
      assert.throws(() => gate.update(config({ trunks: [{ ...plain, addresses: ['10.0.0.0/99'] }] })),
        (e: unknown) => isSwitchboardError(e, 'CONFIG_INVALID'));
      assert.equal(gate.decide(req()).action, 'accept');
    });
  });

  it('counts refusals in switchboard_sip_requests_rejected_total by cause', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const gate = new TrunkGate(config(), { timers: new FakeTimers(), nonceSecret: SECRET, metrics });
    gate.decide(req({ sourceAddress: '100.64.0.1' }));
    gate.decide(req({ sourceAddress: '198.51.100.7' }));
    const values = (await metrics.sipRejected.get()).values.map((v) => [v.labels.reason, v.value]);
    assert.deepEqual(values, [['unknown_source', 1], ['auth_missing', 1]]);
  });
});
