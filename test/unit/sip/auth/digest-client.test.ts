import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DigestClient } from '../../../../src/sip/auth/digest-client.js';
import { computeDigestResponse, hashedUsername } from '../../../../src/sip/auth/digest-algorithm.js';
import { parseDigestCredentials } from '../../../../src/sip/auth/digest-params.js';

// RFC 7616 §3.9.1: the server offers SHA-256 and MD5 with the same nonce.
const challenge = (algorithm: string): string =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, `
  + 'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
const rfcClient = (): DigestClient => new DigestClient({ cnonce: () => 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ' });
const rfcInput = { method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'Circle of Life' };

describe('DigestClient (RFC 7616 §3.4, RFC 8760)', () => {
  it('answers the RFC 7616 §3.9.1 challenges with SHA-256 and the RFC response', () => {
    const value = rfcClient().answer({ ...rfcInput, challenges: [challenge('MD5'), challenge('SHA-256')] });
    assert.equal(value,
      'Digest username="Mufasa", realm="http-auth@example.org", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", '
      + 'uri="/dir/index.html", response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", '
      + 'algorithm=SHA-256, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", '
      + 'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", qop=auth, nc=00000001');
  });

  it('answers an MD5-only RFC 7616 §3.9.1 challenge with the RFC MD5 response', () => {
    const creds = parseDigestCredentials(rfcClient().answer({ ...rfcInput, challenges: [challenge('MD5')] }) ?? '');
    assert.equal(creds?.algorithm, 'MD5');
    assert.equal(creds?.response, '8ca523f5e9506fed4657c9700eebdbec');
  });

  it('prefers the strongest algorithm whatever the order, skipping ones it does not know', () => {
    const creds = parseDigestCredentials(rfcClient().answer({
      ...rfcInput, challenges: [challenge('AKAv1-MD5'), challenge('MD5'), challenge('SHA-512-256'), challenge('SHA-256')],
    }) ?? '');
    assert.equal(creds?.algorithm, 'SHA-512-256');
  });

  it('counts nc per nonce as 8 hex digits and starts again for a new nonce', () => {
    const client = rfcClient();
    const nc = (challenges: string[]): string | undefined => parseDigestCredentials(client.answer({ ...rfcInput, challenges }) ?? '')?.nc;
    const values = Array.from({ length: 10 }, () => nc([challenge('MD5')]));
    assert.deepEqual(values.slice(0, 2), ['00000001', '00000002']);
    assert.equal(values[9], '0000000a');
    assert.equal(nc([challenge('MD5').replace('7ypf', 'other')]), '00000001');
  });

  it('uses a fresh random cnonce by default', () => {
    const client = new DigestClient();
    const a = parseDigestCredentials(client.answer({ ...rfcInput, challenges: [challenge('MD5')] }) ?? '');
    const b = parseDigestCredentials(client.answer({ ...rfcInput, challenges: [challenge('MD5')] }) ?? '');
    assert.match(a?.cnonce ?? '', /^[0-9a-f]{32}$/);
    assert.notEqual(a?.cnonce, b?.cnonce);
  });

  it('uses the RFC 2069 form (no qop, nc or cnonce) when the server offers no qop', () => {
    const value = rfcClient().answer({
      challenges: ['Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"'],
      method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'CircleOfLife',
    });
    assert.equal(value, 'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", '
      + 'uri="/dir/index.html", response="1949323746fe6a43ef61f9606e7febea"');
  });

  it('uses auth-int over the body when that is the only qop offered', () => {
    const creds = parseDigestCredentials(rfcClient().answer({
      ...rfcInput, body: 'v=0\r\n', challenges: [challenge('MD5').replace('qop="auth, auth-int"', 'qop="auth-int"')],
    }) ?? '');
    assert.equal(creds?.qop, 'auth-int');
    assert.equal(creds?.response, computeDigestResponse({
      ...rfcInput, algorithm: 'MD5', realm: 'http-auth@example.org', nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
      qop: 'auth-int', nc: '00000001', cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ', body: 'v=0\r\n',
    }));
  });

  it('sends a hashed username when the challenge says userhash=true', () => {
    const creds = parseDigestCredentials(rfcClient().answer({ ...rfcInput, challenges: [`${challenge('SHA-256')}, userhash=true`] }) ?? '');
    assert.equal(creds?.userhash, true);
    assert.equal(creds?.username, hashedUsername('SHA-256', 'Mufasa', 'http-auth@example.org'));
  });

  it('returns undefined when nothing is answerable', () => {
    const client = rfcClient();
    assert.equal(client.answer({ ...rfcInput, challenges: [] }), undefined);
    assert.equal(client.answer({ ...rfcInput, challenges: ['Basic realm="x"', 'Digest realm="x"', 'garbage'] }), undefined);
    assert.equal(client.answer({ ...rfcInput, challenges: [challenge('MD5').replace('qop="auth, auth-int"', 'qop="auth-conf"')] }), undefined);
  });
});
