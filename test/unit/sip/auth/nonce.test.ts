import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StatelessNonceIssuer } from '../../../../src/sip/auth/nonce.js';
import { NonceCountCache } from '../../../../src/sip/auth/nonce-count-cache.js';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import { FakeTimers } from '../../../support/fake-timers.js';

const SECRET = 'a shared secret of 32 characters';

function issuer(timers: FakeTimers, over: Partial<ConstructorParameters<typeof StatelessNonceIssuer>[0]> = {}) {
  return new StatelessNonceIssuer({ realm: 'sip.example.com', secret: SECRET, timers, wallClock: () => 1_700_000_000_000 + timers.now(), ...over });
}

describe('stateless nonces (RFC 7616 §3.3, §5.4)', () => {
  it('issues distinct base64url nonces of timestamp, random and HMAC (56 bytes)', () => {
    const n = issuer(new FakeTimers());
    const a = n.issue();
    const b = n.issue();
    assert.notEqual(a, b);
    assert.match(a, /^[A-Za-z0-9_-]{75}$/);
    assert.equal(Buffer.from(a, 'base64url').length, 56);
    assert.equal(Buffer.from(a, 'base64url').readBigUInt64BE(0), 1_700_000_000_000n);
  });

  it('accepts its nonces until the ttl and reports them expired after it', () => {
    const timers = new FakeTimers();
    const n = issuer(timers, { nonceTtlMs: 1_000 });
    const nonce = n.issue();
    timers.advance(1_000);
    assert.equal(n.check(nonce), 'fresh');
    timers.advance(1);
    assert.equal(n.check(nonce), 'expired');
  });

  it('defaults the ttl to 300 s', () => {
    const timers = new FakeTimers();
    const n = issuer(timers);
    const nonce = n.issue();
    timers.advance(300_000);
    assert.equal(n.check(nonce), 'fresh');
    timers.advance(1);
    assert.equal(n.check(nonce), 'expired');
  });

  it('lets another instance with the same secret and realm verify the nonce', () => {
    const timers = new FakeTimers();
    assert.equal(issuer(timers).check(issuer(timers).issue()), 'fresh');
  });

  it('calls nonces of another secret or realm forged', () => {
    const timers = new FakeTimers();
    const nonce = issuer(timers).issue();
    assert.equal(issuer(timers, { secret: 'another secret, also long enough' }).check(nonce), 'forged');
    assert.equal(issuer(timers, { realm: 'other.example.com' }).check(nonce), 'forged');
  });

  it('calls tampered, truncated, non-canonical and garbage nonces forged', () => {
    const n = issuer(new FakeTimers());
    const nonce = n.issue();
    const raw = Buffer.from(nonce, 'base64url');
    raw.writeBigUInt64BE(raw.readBigUInt64BE(0) + 1n, 0); // move the timestamp
    assert.equal(n.check(raw.toString('base64url')), 'forged');
    assert.equal(n.check(nonce.slice(0, -2)), 'forged');
    const last = nonce.at(-1) as string;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = alphabet[alphabet.indexOf(last) ^ 1] as string; // same decoded bytes, different unused bits
    assert.equal(n.check(nonce.slice(0, -1) + sibling), 'forged');
    assert.equal(n.check('7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v'), 'forged');
    assert.equal(n.check(''), 'forged');
  });

  it('refuses nonces dated beyond the allowed clock skew', () => {
    const timers = new FakeTimers();
    const future = issuer(timers, { wallClock: () => 1_700_000_060_000 }).issue();
    assert.equal(issuer(timers, { maxClockSkewMs: 30_000 }).check(future), 'forged');
    assert.equal(issuer(timers, { maxClockSkewMs: 90_000 }).check(future), 'fresh');
  });

  it('gives every instance with the same secret and realm the same opaque', () => {
    const timers = new FakeTimers();
    assert.equal(issuer(timers).opaque, issuer(timers).opaque);
    assert.notEqual(issuer(timers).opaque, issuer(timers, { realm: 'other' }).opaque);
  });

  it('refuses a secret shorter than 16 bytes with CONFIG_INVALID', () => {
    assert.throws(() => issuer(new FakeTimers(), { secret: 'short' }), (e: unknown) => isSwitchboardError(e, 'CONFIG_INVALID'));
  });
});

describe('nonce-count replay window (RFC 7616 §3.4)', () => {
  it('accepts each (nonce, nc) once', () => {
    const c = new NonceCountCache();
    assert.equal(c.use('n', 1), true);
    assert.equal(c.use('n', 1), false);
    assert.equal(c.use('n', 2), true);
    assert.equal(c.use('other', 1), true);
  });

  it('accepts counts that arrive out of order within the window, once', () => {
    const c = new NonceCountCache();
    assert.equal(c.use('n', 5), true);
    assert.equal(c.use('n', 3), true);
    assert.equal(c.use('n', 4), true);
    assert.equal(c.use('n', 3), false);
    assert.equal(c.use('n', 5), false);
  });

  it('refuses a count older than the 32-wide window', () => {
    const c = new NonceCountCache();
    assert.equal(c.use('n', 40), true);
    assert.equal(c.use('n', 8), false);
    assert.equal(c.use('n', 9), true);
  });

  it('keeps at most maxNonces nonces, evicting the least recently used', () => {
    const c = new NonceCountCache(2);
    c.use('a', 1);
    c.use('b', 1);
    c.use('a', 2); // a is now the most recent
    c.use('c', 1); // evicts b
    assert.equal(c.size, 2);
    assert.equal(c.use('a', 2), false);
    assert.equal(c.use('b', 1), true); // forgotten
  });
});
