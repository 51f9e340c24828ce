import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Value } from '@sinclair/typebox/value';
import { compileDefinition, parseIntegration } from '../../../src/integrations/definition.js';
import { ParamRules } from '../../../src/integrations/params.js';
import { IntegrationSchema } from '../../../src/integrations/schema.js';
import { isSwitchboardError } from '../../../src/shared/errors.js';

const configInvalid = (text: string) => (e: unknown): boolean => isSwitchboardError(e, 'CONFIG_INVALID') && e.message.includes(text);

test('the contract example validates and gets every default filled', () => {
  const def = parseIntegration({
    name: 'order-status',
    on: 'request',
    request: { method: 'GET', url: 'https://erp.example/orders/{{params.orderId}}', headers: { Accept: 'application/json' }, body: null },
    auth: { type: 'bearer', token: 'tok' },
    params: { orderId: { pattern: '^[0-9]{5,10}$' } },
    response: { map: { status: '$.order.status', eta: '$.order.eta' } },
    budgetMs: 500,
    cache: { ttlSeconds: 60, staleIfErrorSeconds: 3600 },
    retry: { attempts: 1 },
    breaker: { failures: 5, openSeconds: 30 },
    rateLimit: { perSecond: 20 },
    maxConcurrent: 10,
    fillerMs: 300,
    onFailure: 'transfer',
  });
  assert.deepEqual(def.params, { orderId: { pattern: '^[0-9]{5,10}$', required: true, maxLength: 256 } });
  assert.deepEqual(def.retry, { attempts: 1, minRemainingMs: 50 });
  assert.deepEqual(def.response, { map: { status: '$.order.status', eta: '$.order.eta' }, namespaces: {} });
});

test('a minimal integration gets the documented defaults', () => {
  const def = parseIntegration({ name: 'ping', request: { url: 'http://h/ping' } });
  assert.equal(def.on, 'request');
  assert.equal(def.request.method, 'GET');
  assert.equal(def.request.body, null);
  assert.deepEqual(def.breaker, { failures: 5, openSeconds: 30 });
  assert.equal(def.maxConcurrent, 10);
  assert.equal(def.onFailure, 'continue');
  assert.equal(def.budgetMs, undefined);
  assert.equal(def.cache, undefined);
});

test('the exported typebox schema is plain JSON Schema (the config layer embeds it)', () => {
  assert.equal(Value.Check(IntegrationSchema, { name: 'x', request: { url: 'http://h/' } }), true);
  assert.equal(JSON.parse(JSON.stringify(IntegrationSchema)).properties.auth.anyOf.length, 6);
});

test('schema problems are CONFIG_INVALID naming the integration and the key', () => {
  assert.throws(() => parseIntegration({ name: 'a', request: { url: 'http://h/' }, onFailure: 'explode' }), configInvalid('integration a: onFailure'));
  assert.throws(() => parseIntegration({ name: 'b', request: { url: 'http://{{params.host}}/' } }), configInvalid('request.url'));
  assert.throws(() => parseIntegration({ name: 'c', request: { url: 'http://h/' }, auth: { type: 'apiKey', name: 'k' } }), configInvalid('integration c'));
});

const compile = (extra: Record<string, unknown>) => compileDefinition(parseIntegration({ name: 'i', request: { url: 'http://h/x' }, ...extra }));

test('a template that uses an undeclared parameter is refused when loading', () => {
  assert.throws(() => compile({ request: { url: 'http://h/{{params.orderId}}' } }), configInvalid('{{params.orderId}}'));
});

test('with a rename the templates see the new name only (agent sends cnp, template uses CitizenID)', () => {
  assert.throws(() => compile({ request: { url: 'http://h/{{params.cnp}}' }, params: { cnp: { as: 'CitizenID' } } }), configInvalid('{{params.cnp}}'));
  const c = compile({ request: { url: 'http://h/{{params.CitizenID}}' }, params: { cnp: { as: 'CitizenID' } } });
  const checked = c.params.check({ cnp: '1800101221144' });
  assert.deepEqual(checked, { ok: true, values: { CitizenID: '1800101221144' } });
});

test('GET and HEAD may not have a body; JSON and XML bodies get their content type', () => {
  assert.throws(() => compile({ request: { url: 'http://h/x', body: { a: 1 } } }), configInvalid('GET requests have no body'));
  const json = compile({ request: { method: 'POST', url: 'http://h/x', body: { a: 1 } } });
  assert.equal(json.request.render({ params: {}, call: { id: 'c' } }).headers['content-type'], 'application/json');
  const xml = compile({ request: { method: 'POST', url: 'http://h/x', body: '<a/>' } });
  assert.equal(xml.request.render({ params: {}, call: { id: 'c' } }).headers['content-type'], 'text/xml; charset=utf-8');
});

test('response maps must be valid JSONPath or XPath and not mix the two', () => {
  assert.throws(() => compile({ response: { map: { a: '$.[' } } }), configInvalid('response.map.a is not a valid JSONPath'));
  assert.throws(() => compile({ response: { map: { a: '/x/[' } } }), configInvalid('response.map.a is not a valid XPath'));
  assert.throws(() => compile({ response: { map: { a: '$.x', b: '/x' } } }), configInvalid('mixes'));
  assert.throws(() => compile({ response: { map: { a: '/s:x' } } }), configInvalid('response.map.a'));
  assert.equal(compile({ response: { map: { a: '/s:x' }, namespaces: { s: 'urn:s' } } }).response.kind, 'xml');
});

test('only GET, HEAD, PUT, DELETE and OPTIONS are idempotent (RFC 9110 §9.2.2)', () => {
  const idem = (method: string) => compile({ request: { method, url: 'http://h/x' } }).request.idempotent;
  assert.deepEqual(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'POST', 'PATCH'].map(idem), [true, true, true, true, true, false, false]);
});

test('parameter validation refuses unknown, missing, mistyped, too long and non-matching values, naming the parameter', () => {
  const rules = new ParamRules({
    orderId: { pattern: '^[0-9]{5,10}$', required: true, maxLength: 256 },
    note: { required: false, maxLength: 5 },
  });
  assert.deepEqual(rules.check({ orderId: '12345' }), { ok: true, values: { orderId: '12345' } });
  assert.deepEqual(rules.check({ orderId: 1234567 }), { ok: true, values: { orderId: 1234567 } });
  const refused = (input: unknown) => { const r = rules.check(input); return r.ok ? 'accepted' : `${r.param}: ${r.message}`; };
  assert.equal(refused({ orderId: '12345', admin: true }), 'admin: unknown parameter "admin"');
  assert.equal(refused({}), 'orderId: parameter "orderId" is required');
  assert.equal(refused({ orderId: '12a45' }), 'orderId: parameter "orderId" does not match its pattern');
  assert.equal(refused({ orderId: { $gt: '' } }), 'orderId: parameter "orderId" must be a string, number or boolean');
  assert.equal(refused({ orderId: '12345', note: 'toolong' }), 'note: parameter "note" is longer than 5');
  assert.equal(refused('12345'), ': parameters must be an object');
});

test('two parameters renamed to the same name are refused', () => {
  assert.throws(() => new ParamRules({ a: { as: 'X', required: true, maxLength: 1 }, b: { as: 'X', required: true, maxLength: 1 } }), configInvalid('renamed to "X"'));
});
