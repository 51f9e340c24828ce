import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { timingSafeEqual, createHmac } from 'node:crypto';
import { harness } from './runner-harness.js';
import { CERTS, sendJson, startUpstream, type TestUpstream } from './upstream-server.js';

let up: TestUpstream;
before(async () => { up = await startUpstream((_req, res) => sendJson(res, 200, { ok: true })); });
after(() => up.close());

const def = (auth: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name: 'svc', request: { url: `${up.origin}/svc?a=1`, ...extra }, auth, response: { map: { ok: '$.ok' } },
});

test('bearer: the upstream sees Authorization: Bearer <token> (RFC 6750 §2.1)', async () => {
  up.handler = (req, res) => sendJson(res, req.headers.authorization === 'Bearer s3cr3t' ? 200 : 401, { ok: true });
  const h = harness([def({ type: 'bearer', token: 's3cr3t' })]);
  assert.deepEqual(await h.run('svc'), { id: 'req-1', status: 'ok', data: { ok: true }, latencyMs: 0 });
  await h.close();
});

test('a refused static credential fails with INTEGRATION_AUTH and the status, without a retry', async () => {
  up.handler = (_req, res) => sendJson(res, 401, { error: 'nope' });
  const h = harness([{ ...def({ type: 'bearer', token: 'wrong' }), retry: { attempts: 2 } }]);
  const before = up.requests.length;
  const r = await h.run('svc');
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.error, { code: 'INTEGRATION_AUTH', httpStatus: 401 });
  assert.equal(up.requests.length - before, 1);
  await h.close();
});

test('basic: the upstream decodes user-id:password (RFC 7617 §2)', async () => {
  up.handler = (req, res) => {
    const [scheme, b64] = (req.headers.authorization ?? '').split(' ');
    const ok = scheme === 'Basic' && Buffer.from(b64 ?? '', 'base64').toString('utf8') === 'erp-user:p@ss:wörd';
    sendJson(res, ok ? 200 : 401, { ok });
  };
  const h = harness([def({ type: 'basic', username: 'erp-user', password: 'p@ss:wörd' })]);
  assert.deepEqual((await h.run('svc')).data, { ok: true });
  await h.close();
});

test('apiKey in a header and in the query', async () => {
  up.handler = (req, res) => sendJson(res, 200, { ok: req.headers['x-api-key'] === 'k 1' || req.url === '/svc?a=1&api_key=k%201' });
  const inHeader = harness([def({ type: 'apiKey', name: 'X-Api-Key', value: 'k 1' })]);
  assert.deepEqual((await inHeader.run('svc')).data, { ok: true });
  const inQuery = harness([def({ type: 'apiKey', name: 'api_key', value: 'k 1', in: 'query' })]);
  assert.deepEqual((await inQuery.run('svc')).data, { ok: true });
  assert.equal(up.requests.at(-1)?.url, '/svc?a=1&api_key=k%201');
  await Promise.all([inHeader.close(), inQuery.close()]);
});

test('hmac: the upstream recomputes HMAC-SHA256 over timestamp "." body with its copy of the secret', async () => {
  const secret = 'shared-secret-ü';
  let verified = false;
  up.handler = (req, res) => {
    const ts = String(req.headers['x-timestamp']);
    const expected = createHmac('sha256', secret).update(`${ts}.${req.body}`).digest();
    const got = Buffer.from(String(req.headers['x-signature']), 'hex');
    verified = got.length === expected.length && timingSafeEqual(got, expected) && ts === '1700000000' && req.headers['x-key-id'] === 'k1';
    sendJson(res, verified ? 200 : 401, { ok: verified });
  };
  const h = harness(
    [{ ...def({ type: 'hmac', secret, keyId: 'k1' }, { method: 'POST', body: { id: '{{params.id}}' } }), params: { id: {} } }],
    { wallClock: () => 1_700_000_000_999 },
  );
  const r = await h.run('svc', { id: 'A"1' });
  assert.equal(r.status, 'ok');
  assert.equal(verified, true);
  assert.equal(up.requests.at(-1)?.body, '{"id":"A\\"1"}');
  await h.close();
});

test('mtls: a server that requires client certificates accepts certs/client.crt', async () => {
  const tlsUp = await startUpstream((req, res) => sendJson(res, 200, { ok: true, cn: req.clientCn }), { https: { requireClientCert: true } });
  const h = harness([{
    name: 'mtls', request: { url: `${tlsUp.origin}/x` }, response: { map: { cn: '$.cn' } },
    auth: { type: 'mtls', cert: `${CERTS}client.crt`, key: `${CERTS}client.key`, ca: `${CERTS}ca.crt` },
  }]);
  assert.deepEqual(await h.run('mtls'), { id: 'req-1', status: 'ok', data: { cn: 'switchboard-dev-client' }, latencyMs: 0 });
  await h.close();
  await tlsUp.close();
});

test('without a client certificate the same server refuses the connection: INTEGRATION_TRANSPORT', async () => {
  const tlsUp = await startUpstream((_req, res) => sendJson(res, 200, { ok: true }), { https: { requireClientCert: true } });
  const h = harness([{ name: 'nocert', request: { url: `${tlsUp.origin}/x` }, tls: { ca: `${CERTS}ca.crt` } }]);
  const r = await h.run('nocert');
  assert.equal(r.status, 'failed');
  assert.equal(r.error?.code, 'INTEGRATION_TRANSPORT');
  assert.equal(tlsUp.requests.length, 0);
  await h.close();
  await tlsUp.close();
});

test('an upstream certificate from an untrusted CA is refused (INTEGRATION_TRANSPORT); tls.ca trusts it', async () => {
  const tlsUp = await startUpstream((_req, res) => sendJson(res, 200, { ok: true }), { https: {} });
  const untrusted = harness([{ name: 'x', request: { url: `${tlsUp.origin}/x` } }]);
  assert.equal((await untrusted.run('x')).error?.code, 'INTEGRATION_TRANSPORT');
  const trusted = harness([{ name: 'x', request: { url: `${tlsUp.origin}/x` }, tls: { ca: `${CERTS}ca.crt` }, response: { map: { ok: '$.ok' } } }]);
  assert.deepEqual((await trusted.run('x')).data, { ok: true });
  await Promise.all([untrusted.close(), trusted.close()]);
  await tlsUp.close();
});

test('a missing certificate file is a configuration error when the runner is built', () => {
  assert.throws(() => harness([def({ type: 'mtls', cert: '/nonexistent/client.crt', key: `${CERTS}client.key` })]), /auth\.cert: cannot read/);
});
