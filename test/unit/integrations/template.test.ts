import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSwitchboardError } from '../../../src/shared/errors.js';
import {
  compileHeader, compileJsonBody, compileUrl, compileXmlBody, emptyRefs, type TemplateValues,
} from '../../../src/integrations/template.js';

const call = { id: 'call-1', from: '+40722000111', to: '100' };
const values = (params: TemplateValues['params']): TemplateValues => ({ params, call });
const invalidParams = (e: unknown): boolean => isSwitchboardError(e, 'INTEGRATION_INVALID_PARAMS');
const configInvalid = (e: unknown): boolean => isSwitchboardError(e, 'CONFIG_INVALID');

test('URL placeholders are percent-encoded so a value cannot add path segments or query parameters', () => {
  const refs = emptyRefs();
  const url = compileUrl('https://erp.example:8443/orders/{{params.id}}?caller={{call.from}}&q={{ params.q }}', refs);
  assert.equal(url.origin, 'https://erp.example:8443');
  assert.equal(url.path(values({ id: 'a/b?c=d#e', q: 'x&y=z ü' })), '/orders/a%2Fb%3Fc%3Dd%23e?caller=%2B40722000111&q=x%26y%3Dz%20%C3%BC');
  assert.deepEqual([...refs.params].sort(), ['id', 'q']);
  assert.deepEqual([...refs.call], ['from']);
});

test('a URL path value of "." or ".." is refused (it would climb the path)', () => {
  const url = compileUrl('http://h/orders/{{params.id}}/items', emptyRefs());
  assert.throws(() => url.path(values({ id: '..' })), invalidParams);
  assert.throws(() => url.path(values({ id: '.' })), invalidParams);
  assert.equal(url.path(values({ id: '...' })), '/orders/.../items');
});

test('the scheme, host and port of a URL must be literal', () => {
  assert.throws(() => compileUrl('https://{{params.host}}/x', emptyRefs()), configInvalid);
  assert.throws(() => compileUrl('ftp://h/x', emptyRefs()), configInvalid);
  assert.throws(() => compileUrl('https://h/x#frag', emptyRefs()), configInvalid);
  assert.equal(compileUrl('http://h', emptyRefs()).path(values({})), '/');
  assert.equal(compileUrl('http://h?a={{params.a}}', emptyRefs()).path(values({ a: 1 })), '/?a=1');
});

test('placeholders other than params.<name> and call.id|from|to are configuration errors', () => {
  assert.throws(() => compileUrl('http://h/{{env.SECRET}}', emptyRefs()), configInvalid);
  assert.throws(() => compileUrl('http://h/{{call.trunkPassword}}', emptyRefs()), configInvalid);
  assert.throws(() => compileXmlBody('<a>{{params.x</a>', emptyRefs()), configInvalid);
});

test('a missing optional parameter renders as an empty string', () => {
  assert.equal(compileUrl('http://h/s?q={{params.q}}', emptyRefs()).path(values({})), '/s?q=');
});

test('JSON bodies are serialised, so quotes, backslashes and line breaks in values stay inside their string', () => {
  const render = compileJsonBody({ note: 'said: {{params.note}}', who: { caller: '{{call.from}}' }, list: ['{{params.note}}', 3] }, emptyRefs());
  const text = render(values({ note: 'x", "admin": true, "y": "\\\n' }));
  const parsed: unknown = JSON.parse(text);
  assert.deepEqual(parsed, { note: 'said: x", "admin": true, "y": "\\\n', who: { caller: '+40722000111' }, list: ['x", "admin": true, "y": "\\\n', 3] });
});

test('a JSON string that is exactly one placeholder keeps the parameter type (and null when missing)', () => {
  const render = compileJsonBody({ n: '{{params.n}}', b: '{{params.b}}', s: '#{{params.n}}', missing: '{{params.m}}' }, emptyRefs());
  assert.equal(render(values({ n: 42, b: false })), '{"n":42,"b":false,"s":"#42","missing":null}');
});

test('XML bodies escape & < > " \' so a value cannot open or close elements', () => {
  const render = compileXmlBody('<soap:Body><Get id="{{params.id}}">{{params.name}}</Get></soap:Body>', emptyRefs());
  assert.equal(
    render(values({ id: '1" evil="2', name: '</Get><Admin>&\'' })),
    '<soap:Body><Get id="1&quot; evil=&quot;2">&lt;/Get&gt;&lt;Admin&gt;&amp;&apos;</Get></soap:Body>',
  );
});

test('XML bodies refuse characters XML 1.0 does not allow', () => {
  const render = compileXmlBody('<a>{{params.x}}</a>', emptyRefs());
  assert.throws(() => render(values({ x: 'a\u0000b' })), invalidParams);
  assert.throws(() => render(values({ x: 'a\u0007b' })), invalidParams);
  assert.equal(render(values({ x: 'tab\there 😀' })), '<a>tab\there 😀</a>');
});

test('header values refuse CR and LF (no header injection)', () => {
  const render = compileHeader('Caller {{call.from}} / {{params.x}}', emptyRefs());
  assert.equal(render(values({ x: 'ok' })), 'Caller +40722000111 / ok');
  assert.throws(() => render(values({ x: 'a\r\nX-Admin: 1' })), invalidParams);
});
