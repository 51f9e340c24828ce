import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DigestServer, type DigestServerOptions } from '../../../../src/sip/auth/digest-server.js';
import { DigestClient } from '../../../../src/sip/auth/digest-client.js';
import { computeDigestResponse } from '../../../../src/sip/auth/digest-algorithm.js';
import { parseDigestChallenge, serializeDigestCredentials } from '../../../../src/sip/auth/digest-params.js';
import type { NonceIssuer } from '../../../../src/sip/auth/nonce.js';
import { FakeTimers } from '../../../support/fake-timers.js';

const SECRET = 'a shared secret of 32 characters';
const REALM = 'sip.example.com';
const URI = 'sip:+15550100@switchboard.example.com';
const users: Record<string, string> = { pbx: 'correct horse' };
const lookup = (u: string, r: string): string | undefined => (r === REALM ? users[u] : undefined);

function server(timers = new FakeTimers(), over: Partial<DigestServerOptions> = {}): DigestServer {
  return new DigestServer({ realm: REALM, secret: SECRET, timers, ...over });
}

function answer(srv: DigestServer, opts: { username?: string; password?: string; method?: string; client?: DigestClient } = {}): string {
  const value = (opts.client ?? new DigestClient()).answer({
    challenges: srv.challenge(), method: opts.method ?? 'INVITE', uri: URI,
    username: opts.username ?? 'pbx', password: opts.password ?? 'correct horse',
  });
  assert.ok(value);
  return value;
}

/** Replays the RFC 7616 §3.9.1 nonce and opaque. */
const rfcNonces: NonceIssuer = {
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  issue: () => '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  check: (n) => (n === '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v' ? 'fresh' : 'forged'),
};
const rfcCredentials = (algorithm: string, response: string): string =>
  `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=${algorithm}, `
  + 'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, '
  + `cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, response="${response}", `
  + 'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
const rfcLookup = (u: string, r: string): string | undefined =>
  (u === 'Mufasa' && r === 'http-auth@example.org' ? 'Circle of Life' : undefined);

describe('DigestServer (RFC 3261 §22.4, RFC 7616, RFC 8760)', () => {
  it('challenges with SHA-256 first, then MD5, each with realm, its own nonce, opaque and qop="auth"', () => {
    const challenges = server().challenge().map((c) => parseDigestChallenge(c));
    assert.equal(challenges.length, 2);
    assert.deepEqual(challenges.map((c) => c?.algorithm), ['SHA-256', 'MD5']);
    for (const c of challenges) {
      assert.ok(c);
      assert.equal(c.realm, REALM);
      assert.deepEqual(c.qop, ['auth']);
      assert.equal(c.stale, false);
      assert.match(c.opaque ?? '', /^[A-Za-z0-9_-]{22}$/);
    }
    assert.notEqual(challenges[0]?.nonce, challenges[1]?.nonce);
  });

  it('orders challenges as configured, most preferred first (RFC 8760 §2.4)', () => {
    const c = server(new FakeTimers(), { algorithms: ['MD5', 'SHA-256'] }).challenge();
    assert.deepEqual(c.map((v) => parseDigestChallenge(v)?.algorithm), ['MD5', 'SHA-256']);
  });

  it('marks challenges stale=TRUE when asked', () => {
    for (const c of server().challenge(true)) assert.match(c, /, stale=TRUE, /);
  });

  it('verifies the RFC 7616 §3.9.1 MD5 credentials', () => {
    const srv = server(new FakeTimers(), { realm: 'http-auth@example.org', nonceIssuer: rfcNonces });
    assert.deepEqual(srv.verify({ method: 'GET', authorization: rfcCredentials('MD5', '8ca523f5e9506fed4657c9700eebdbec'), lookup: rfcLookup }),
      { ok: true, username: 'Mufasa', algorithm: 'MD5' });
  });

  it('verifies the RFC 7616 §3.9.1 SHA-256 credentials', () => {
    const srv = server(new FakeTimers(), { realm: 'http-auth@example.org', nonceIssuer: rfcNonces });
    const creds = rfcCredentials('SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    assert.deepEqual(srv.verify({ method: 'GET', authorization: creds, lookup: rfcLookup }),
      { ok: true, username: 'Mufasa', algorithm: 'SHA-256' });
  });

  it('refuses the RFC credentials for another method (A2 covers the method)', () => {
    const srv = server(new FakeTimers(), { realm: 'http-auth@example.org', nonceIssuer: rfcNonces });
    assert.deepEqual(srv.verify({ method: 'POST', authorization: rfcCredentials('MD5', '8ca523f5e9506fed4657c9700eebdbec'), lookup: rfcLookup }),
      { ok: false, reason: 'invalid' });
  });

  it('accepts what the DigestClient answers to its challenge', () => {
    const srv = server();
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: answer(srv), lookup }), { ok: true, username: 'pbx', algorithm: 'SHA-256' });
  });

  it('accepts uppercase hex in the response', () => {
    const srv = server();
    const value = answer(srv).replace(/response="([0-9a-f]+)"/, (_m, r: string) => `response="${r.toUpperCase()}"`);
    assert.equal(srv.verify({ method: 'INVITE', authorization: value, lookup }).ok, true);
  });

  it('answers missing without a header and malformed for unparseable or non-Digest credentials', () => {
    const srv = server();
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: undefined, lookup }), { ok: false, reason: 'missing' });
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: ' ', lookup }), { ok: false, reason: 'missing' });
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: 'Digest username="pbx', lookup }), { ok: false, reason: 'malformed' });
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: 'Basic cGJ4OnB3', lookup }), { ok: false, reason: 'malformed' });
    const zeroNc = answer(srv).replace('nc=00000001', 'nc=00000000');
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: zeroNc, lookup }), { ok: false, reason: 'malformed' });
  });

  it('gives an unknown user and a wrong password the identical result, after the same digest work', () => {
    const srv = server();
    let calls = 0;
    const counting = (u: string, r: string): string | undefined => { calls++; return lookup(u, r); };
    const wrongPassword = srv.verify({ method: 'INVITE', authorization: answer(srv, { password: 'guess' }), lookup: counting });
    const unknownUser = srv.verify({ method: 'INVITE', authorization: answer(srv, { username: 'admin' }), lookup: counting });
    assert.deepEqual(wrongPassword, { ok: false, reason: 'invalid' });
    assert.deepEqual(unknownUser, wrongPassword);
    assert.equal(calls, 2);
  });

  it('never accepts an unknown user, even one whose lookup returns nothing for an empty password', () => {
    const srv = server();
    const value = answer(srv, { username: 'ghost', password: '' });
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: value, lookup }), { ok: false, reason: 'invalid' });
  });

  it('answers stale for an expired authentic nonce with the right digest', () => {
    const timers = new FakeTimers();
    const srv = server(timers, { nonceTtlMs: 60_000 });
    const value = answer(srv);
    timers.advance(60_001);
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: value, lookup }), { ok: false, reason: 'stale' });
  });

  it('answers invalid (not stale) for an expired nonce with a wrong password', () => {
    const timers = new FakeTimers();
    const srv = server(timers, { nonceTtlMs: 60_000 });
    const value = answer(srv, { password: 'guess' });
    timers.advance(60_001);
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: value, lookup }), { ok: false, reason: 'invalid' });
  });

  it('accepts a nonce minted by another instance with the same secret', () => {
    const timers = new FakeTimers();
    const value = answer(server(timers));
    assert.equal(server(timers).verify({ method: 'INVITE', authorization: value, lookup }).ok, true);
  });

  it('answers invalid for a forged nonce even with the right password', () => {
    const srv = server();
    const forged = new DigestClient().answer({
      challenges: ['Digest realm="sip.example.com", nonce="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", qop="auth", algorithm=SHA-256'],
      method: 'INVITE', uri: URI, username: 'pbx', password: 'correct horse',
    });
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: forged, lookup }), { ok: false, reason: 'invalid' });
  });

  it('answers invalid for a realm that is not ours', () => {
    const srv = server();
    const value = answer(srv).replace(`realm="${REALM}"`, 'realm="evil.example.com"');
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: value, lookup: () => 'correct horse' }), { ok: false, reason: 'invalid' });
  });

  it('answers invalid for an algorithm it did not offer', () => {
    const srv = server(new FakeTimers(), { algorithms: ['SHA-256'] });
    const nonce = parseDigestChallenge(srv.challenge()[0] as string)?.nonce as string;
    const md5 = new DigestClient().answer({
      challenges: [`Digest realm="${REALM}", nonce="${nonce}", qop="auth", algorithm=MD5`],
      method: 'INVITE', uri: URI, username: 'pbx', password: 'correct horse',
    });
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: md5, lookup }), { ok: false, reason: 'invalid' });
  });

  it('answers invalid for an opaque that is not the one it sent', () => {
    const srv = server();
    const value = answer(srv).replace(/opaque="[^"]*"/, 'opaque="other"');
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: value, lookup }), { ok: false, reason: 'invalid' });
  });

  it('refuses a replayed (nonce, nc) and accepts the next count', () => {
    const srv = server();
    const client = new DigestClient();
    const challenges = srv.challenge();
    const first = client.answer({ challenges, method: 'INVITE', uri: URI, username: 'pbx', password: 'correct horse' });
    const second = client.answer({ challenges, method: 'INVITE', uri: URI, username: 'pbx', password: 'correct horse' });
    assert.match(second ?? '', /nc=00000002/);
    assert.equal(srv.verify({ method: 'INVITE', authorization: first, lookup }).ok, true);
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: first, lookup }), { ok: false, reason: 'invalid' });
    assert.equal(srv.verify({ method: 'INVITE', authorization: second, lookup }).ok, true);
  });

  it('lets a replay through when replay protection is off', () => {
    const srv = server(new FakeTimers(), { replayProtection: false });
    const value = answer(srv);
    assert.equal(srv.verify({ method: 'INVITE', authorization: value, lookup }).ok, true);
    assert.equal(srv.verify({ method: 'INVITE', authorization: value, lookup }).ok, true);
  });

  it('accepts RFC 2069 credentials without qop, unless allowNoQop is false', () => {
    const srv = server();
    const nonce = parseDigestChallenge(srv.challenge()[1] as string)?.nonce as string; // the MD5 one
    const response = computeDigestResponse({
      algorithm: 'MD5', username: 'pbx', realm: REALM, password: 'correct horse', nonce, method: 'INVITE', uri: URI,
    });
    const value = serializeDigestCredentials({ username: 'pbx', realm: REALM, nonce, uri: URI, response });
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: value, lookup }), { ok: true, username: 'pbx', algorithm: 'MD5' });
    const strict = server(new FakeTimers(), { allowNoQop: false });
    assert.deepEqual(strict.verify({ method: 'INVITE', authorization: value, lookup }), { ok: false, reason: 'invalid' });
  });

  it('supports MD5-sess when configured', () => {
    const srv = server(new FakeTimers(), { algorithms: ['MD5-sess'] });
    assert.match(srv.challenge()[0] as string, /algorithm=MD5-sess/);
    assert.deepEqual(srv.verify({ method: 'INVITE', authorization: answer(srv), lookup }), { ok: true, username: 'pbx', algorithm: 'MD5-sess' });
  });
});
