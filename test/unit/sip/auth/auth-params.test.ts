import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isScheme, parseAuthHeader, serializeAuthHeader } from '../../../../src/sip/auth/auth-params.js';
import { isSwitchboardError } from '../../../../src/shared/errors.js';

const params = (value: string): Record<string, string> | undefined => {
  const h = parseAuthHeader(value);
  return h ? Object.fromEntries(h.params) : undefined;
};

describe('auth-params (RFC 3261 §25.1 challenge / credentials syntax)', () => {
  it('parses the RFC 7616 style challenge into scheme and unquoted parameters', () => {
    const h = parseAuthHeader('Digest realm="x", nonce="y", algorithm=SHA-256, qop="auth", stale=TRUE, opaque="z"');
    assert.ok(h);
    assert.equal(h.scheme, 'Digest');
    assert.deepEqual(Object.fromEntries(h.params), {
      realm: 'x', nonce: 'y', algorithm: 'SHA-256', qop: 'auth', stale: 'TRUE', opaque: 'z',
    });
  });

  it('treats the scheme and parameter names case-insensitively', () => {
    const h = parseAuthHeader('dIgEsT REALM="x", NoNcE="y"');
    assert.ok(h);
    assert.ok(isScheme(h, 'Digest'));
    assert.deepEqual(Object.fromEntries(h.params), { realm: 'x', nonce: 'y' });
  });

  it('keeps commas and equals signs inside quoted-strings as data', () => {
    assert.deepEqual(params('Digest qop="auth,auth-int", realm="a=b, c"'), { qop: 'auth,auth-int', realm: 'a=b, c' });
  });

  it('unescapes quoted-pairs (backslash escapes)', () => {
    assert.deepEqual(params('Digest realm="say \\"hi\\" \\\\ bye"'), { realm: 'say "hi" \\ bye' });
  });

  it('tolerates LWS around = and , including folded lines and tabs', () => {
    assert.deepEqual(params('Digest  realm = "x" ,\r\n\tnonce\t=\t"y"  ,  algorithm = MD5  '),
      { realm: 'x', nonce: 'y', algorithm: 'MD5' });
  });

  it('tolerates empty list elements', () => {
    assert.deepEqual(params('Digest realm="x",, nonce="y",'), { realm: 'x', nonce: 'y' });
  });

  it('accepts unquoted base64 and URI values that some senders emit', () => {
    assert.deepEqual(params('Digest nonce=ab/c+d==, uri=sip:bob@example.com'), { nonce: 'ab/c+d==', uri: 'sip:bob@example.com' });
  });

  it('keeps UTF-8 inside quoted-strings', () => {
    assert.deepEqual(params('Digest realm="Jäsøn"'), { realm: 'Jäsøn' });
  });

  const malformed: Array<[string, string]> = [
    ['empty', ''],
    ['scheme only', 'Digest'],
    ['no space after the scheme', 'Digest,realm="x"'],
    ['unterminated quoted-string', 'Digest realm="x'],
    ['escape at the end', 'Digest realm="x\\'],
    ['parameter without value', 'Digest realm'],
    ['parameter with empty value', 'Digest realm='],
    ['missing comma between parameters', 'Digest realm="x" nonce="y"'],
    ['duplicate parameter', 'Digest realm="x", REALM="y"'],
    ['a second scheme in one value', 'Digest realm="x", Basic realm="y"'],
    ['bare CR/LF (not folding)', 'Digest realm="x",\r\nnonce="y"'],
    ['control character in quoted-string', 'Digest realm="a\u0001b"'],
    ['garbage after a quoted value', 'Digest realm="x"y'],
    ['non-token scheme', 'Dig@st realm="x"'],
  ];
  for (const [name, value] of malformed) {
    it(`returns undefined, without throwing, for ${name}`, () => {
      assert.equal(parseAuthHeader(value), undefined);
    });
  }

  it('serializes quoted and token parameters and round-trips through the parser', () => {
    const text = serializeAuthHeader('Digest', [
      { name: 'realm', value: 'a "b" \\c', quoted: true },
      { name: 'algorithm', value: 'SHA-256', quoted: false },
      { name: 'nc', value: '00000001', quoted: false },
    ]);
    assert.equal(text, 'Digest realm="a \\"b\\" \\\\c", algorithm=SHA-256, nc=00000001');
    assert.deepEqual(params(text), { realm: 'a "b" \\c', algorithm: 'SHA-256', nc: '00000001' });
  });

  it('quotes a token-typed value that is not a valid token', () => {
    assert.equal(serializeAuthHeader('Digest', [{ name: 'x', value: 'a b', quoted: false }]), 'Digest x="a b"');
  });

  it('refuses to serialize CR/LF (header injection) with SIP_AUTH', () => {
    assert.throws(
      () => serializeAuthHeader('Digest', [{ name: 'username', value: 'bob\r\nVia: evil', quoted: true }]),
      (e: unknown) => isSwitchboardError(e, 'SIP_AUTH'),
    );
  });
});
