import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeDigestResponse, digestHash, parseDigestAlgorithm } from '../../../../src/sip/auth/digest-algorithm.js';

// RFC 7616 §3.9.1.
const RFC7616 = {
  username: 'Mufasa', password: 'Circle of Life', realm: 'http-auth@example.org', method: 'GET', uri: '/dir/index.html',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  nc: '00000001', qop: 'auth' as const,
};

describe('digest-algorithm (RFC 7616 §3.4.1)', () => {
  it('computes the RFC 7616 §3.9.1 MD5 response 8ca523f5e9506fed4657c9700eebdbec', () => {
    assert.equal(computeDigestResponse({ ...RFC7616, algorithm: 'MD5' }), '8ca523f5e9506fed4657c9700eebdbec');
  });

  it('computes the RFC 7616 §3.9.1 SHA-256 response 753927fa…6cb6c1', () => {
    assert.equal(computeDigestResponse({ ...RFC7616, algorithm: 'SHA-256' }),
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('computes the RFC 2617 §3.5 MD5 response 6629fae49393a05397450978507c4ef1', () => {
    assert.equal(computeDigestResponse({
      algorithm: 'MD5', username: 'Mufasa', password: 'Circle Of Life', realm: 'testrealm@host.com', method: 'GET',
      uri: '/dir/index.html', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', cnonce: '0a4f113b', nc: '00000001', qop: 'auth',
    }), '6629fae49393a05397450978507c4ef1');
  });

  it('computes the RFC 2069 form (no qop): KD(H(A1), nonce ":" H(A2))', () => {
    // RFC 2069 §2.4's inputs; the response printed there is wrong (see its errata), this is the value they produce.
    assert.equal(computeDigestResponse({
      algorithm: 'MD5', username: 'Mufasa', password: 'CircleOfLife', realm: 'testrealm@host.com', method: 'GET',
      uri: '/dir/index.html', nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    }), '1949323746fe6a43ef61f9606e7febea');
  });

  it('derives the -sess A1 from H(user:realm:pass):nonce:cnonce', () => {
    const base = { ...RFC7616, algorithm: 'SHA-256-sess' as const };
    const h = (s: string): string => digestHash('SHA-256', s);
    const ha1 = h(`${h('Mufasa:http-auth@example.org:Circle of Life')}:${RFC7616.nonce}:${RFC7616.cnonce}`);
    const expected = h(`${ha1}:${RFC7616.nonce}:00000001:${RFC7616.cnonce}:auth:${h('GET:/dir/index.html')}`);
    assert.equal(computeDigestResponse(base), expected);
    assert.notEqual(expected, computeDigestResponse({ ...RFC7616, algorithm: 'SHA-256' }));
  });

  it('hashes the body into A2 for qop=auth-int', () => {
    const h = (s: string): string => digestHash('MD5', s);
    const ha1 = h('Mufasa:http-auth@example.org:Circle of Life');
    const ha2 = h(`GET:/dir/index.html:${h('v=0\r\n')}`);
    assert.equal(computeDigestResponse({ ...RFC7616, algorithm: 'MD5', qop: 'auth-int', body: 'v=0\r\n' }),
      h(`${ha1}:${RFC7616.nonce}:00000001:${RFC7616.cnonce}:auth-int:${ha2}`));
  });

  it('maps algorithm names case-insensitively, absent to MD5, unknown to undefined', () => {
    assert.equal(parseDigestAlgorithm('sha-256'), 'SHA-256');
    assert.equal(parseDigestAlgorithm('md5-SESS'), 'MD5-sess');
    assert.equal(parseDigestAlgorithm(undefined), 'MD5');
    assert.equal(parseDigestAlgorithm('AKAv1-MD5'), undefined);
  });

  it('implements SHA-512/256 as a distinct 64-hex-digit hash', () => {
    assert.equal(digestHash('SHA-512-256', 'abc'), '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23');
  });
});
