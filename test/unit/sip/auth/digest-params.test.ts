import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseDigestChallenge, parseDigestCredentials, serializeDigestChallenge, serializeDigestCredentials,
} from '../../../../src/sip/auth/digest-params.js';

// RFC 7616 §3.9.1 (line folding as printed in the RFC).
const RFC7616_CHALLENGE = `Digest
       realm="http-auth@example.org",
       qop="auth, auth-int",
       algorithm=SHA-256,
       nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
       opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`.replace(/\n/g, '\r\n');

describe('digest-params (RFC 7616 §3.3 / §3.4)', () => {
  it('parses the RFC 7616 §3.9.1 challenge, splitting the qop list', () => {
    assert.deepEqual(parseDigestChallenge(RFC7616_CHALLENGE), {
      realm: 'http-auth@example.org',
      nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
      algorithm: 'SHA-256',
      qop: ['auth', 'auth-int'],
      stale: false,
      userhash: false,
    });
  });

  it('reads stale=TRUE case-insensitively', () => {
    assert.equal(parseDigestChallenge('Digest realm="r", nonce="n", stale=true')?.stale, true);
    assert.equal(parseDigestChallenge('Digest realm="r", nonce="n", stale=FALSE')?.stale, false);
  });

  it('refuses a challenge without realm or nonce, or of another scheme', () => {
    assert.equal(parseDigestChallenge('Digest nonce="n"'), undefined);
    assert.equal(parseDigestChallenge('Digest realm="r"'), undefined);
    assert.equal(parseDigestChallenge('Basic realm="r", nonce="n"'), undefined);
  });

  it('serializes a challenge with realm, nonce, opaque, stale, algorithm and quoted qop', () => {
    const text = serializeDigestChallenge({
      realm: 'sip.example.com', nonce: 'abc', opaque: 'op', algorithm: 'SHA-256', qop: ['auth'], stale: true, userhash: false,
    });
    assert.equal(text, 'Digest realm="sip.example.com", nonce="abc", opaque="op", stale=TRUE, algorithm=SHA-256, qop="auth"');
  });

  it('parses RFC 7616 §3.9.1 credentials, accepting qop and nc as tokens', () => {
    const value = 'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=MD5, '
      + 'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, '
      + 'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, '
      + 'response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
    assert.deepEqual(parseDigestCredentials(value), {
      username: 'Mufasa', realm: 'http-auth@example.org', nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      uri: '/dir/index.html', response: '8ca523f5e9506fed4657c9700eebdbec', algorithm: 'MD5',
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
      qop: 'auth', nc: '00000001',
    });
  });

  it('accepts a quoted qop in credentials (common in the wild)', () => {
    const c = parseDigestCredentials('Digest username="u", realm="r", nonce="n", uri="sip:x", response="00", qop="auth", nc=00000002, cnonce="c"');
    assert.equal(c?.qop, 'auth');
  });

  const incomplete: Array<[string, string]> = [
    ['username', 'Digest realm="r", nonce="n", uri="sip:x", response="00"'],
    ['realm', 'Digest username="u", nonce="n", uri="sip:x", response="00"'],
    ['nonce', 'Digest username="u", realm="r", uri="sip:x", response="00"'],
    ['uri', 'Digest username="u", realm="r", nonce="n", response="00"'],
    ['response', 'Digest username="u", realm="r", nonce="n", uri="sip:x"'],
    ['nc with qop', 'Digest username="u", realm="r", nonce="n", uri="sip:x", response="00", qop=auth, cnonce="c"'],
    ['cnonce with qop', 'Digest username="u", realm="r", nonce="n", uri="sip:x", response="00", qop=auth, nc=00000001'],
  ];
  for (const [missing, value] of incomplete) {
    it(`refuses credentials without ${missing}`, () => assert.equal(parseDigestCredentials(value), undefined));
  }

  it('refuses an nc that is not 8 hex digits', () => {
    assert.equal(parseDigestCredentials('Digest username="u", realm="r", nonce="n", uri="sip:x", response="00", qop=auth, nc=1, cnonce="c"'), undefined);
  });

  it('round-trips credentials through serialize and parse', () => {
    const creds = {
      username: 'a"b', realm: 'r', nonce: 'n/+=', uri: 'sip:bob@example.com;transport=tcp', response: 'ff',
      algorithm: 'SHA-256', cnonce: 'c', opaque: 'o', qop: 'auth', nc: '0000000a',
    };
    const text = serializeDigestCredentials(creds);
    assert.equal(text, 'Digest username="a\\"b", realm="r", nonce="n/+=", uri="sip:bob@example.com;transport=tcp", '
      + 'response="ff", algorithm=SHA-256, cnonce="c", opaque="o", qop=auth, nc=0000000a');
    assert.deepEqual(parseDigestCredentials(text), creds);
  });
});
