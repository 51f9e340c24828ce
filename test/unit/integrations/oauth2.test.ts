import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, results } from './runner-harness.js';
import { gate, sendJson, settle, startUpstream, type SeenRequest, type TestUpstream } from './upstream-server.js';

/**
 * A token endpoint (client-credentials, RFC 6749 §4.4) that counts token requests and issues t1, t2, …, and
 * an API that accepts only the tokens the test allows.
 */
let idp: TestUpstream;
let api: TestUpstream;
let issued = 0;
let expiresIn = 100;
let tokenGate: Promise<void> = Promise.resolve();
let accepted: (token: string) => boolean = () => true;

const tokenRequests = (): SeenRequest[] => idp.requests.filter((r) => r.url === '/oauth/token');
const tokenSeen = (): string[] => api.requests.map((r) => String(r.headers.authorization));

before(async () => {
  idp = await startUpstream(async (req, res) => {
    await tokenGate;
    const basic = Buffer.from((req.headers.authorization ?? '').replace('Basic ', ''), 'base64').toString();
    const form = new URLSearchParams(req.body);
    const clientOk = basic === 'switchboard:s%26cret' || (form.get('client_id') === 'switchboard' && form.get('client_secret') === 's&cret');
    if (form.get('grant_type') !== 'client_credentials' || !clientOk) return sendJson(res, 401, { error: 'invalid_client' });
    issued++;
    sendJson(res, 200, { access_token: `t${issued}`, token_type: 'Bearer', expires_in: expiresIn });
  });
  api = await startUpstream((req, res) => {
    const token = String(req.headers.authorization).replace('Bearer ', '');
    sendJson(res, accepted(token) ? 200 : 401, { who: token });
  });
});
after(async () => { await idp.close(); await api.close(); });
beforeEach(() => {
  idp.requests.length = 0;
  api.requests.length = 0;
  issued = 0;
  expiresIn = 100;
  tokenGate = Promise.resolve();
  accepted = () => true;
});

function oauth(extra: Record<string, unknown> = {}) {
  return harness([{
    name: 'api', request: { url: `${api.origin}/v1/thing` }, response: { map: { who: '$.who' } },
    auth: { type: 'oauth2', tokenUrl: `${idp.origin}/oauth/token`, clientId: 'switchboard', clientSecret: 's&cret', scope: 'read write', ...extra },
  }]);
}

test('the token request is a client-credentials grant with the scope, client authenticated by HTTP Basic', async () => {
  const h = oauth({ audience: 'erp' });
  assert.deepEqual((await h.run('api')).data, { who: 't1' });
  const [req] = tokenRequests();
  assert.equal(req?.method, 'POST');
  assert.equal(req?.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(req?.body, 'grant_type=client_credentials&scope=read+write&audience=erp');
  await h.close();
});

test('clientAuth body sends client_id and client_secret as form fields', async () => {
  const h = oauth({ clientAuth: 'body' });
  assert.deepEqual((await h.run('api')).data, { who: 't1' });
  assert.equal(tokenRequests()[0]?.headers.authorization, undefined);
  await h.close();
});

test('concurrent calls share one token request (single flight)', async () => {
  const g = gate();
  tokenGate = g.wait;
  const h = oauth();
  const runs = [1, 2, 3, 4, 5].map((i) => h.run('api', {}, `r${i}`));
  await settle();
  g.open();
  const rs = await Promise.all(runs);
  assert.deepEqual(rs.map((r) => r.data), Array(5).fill({ who: 't1' }));
  assert.equal(tokenRequests().length, 1);
  await h.close();
});

test('the token is reused until 80% of expires_in, then refreshed once in the background', async () => {
  const h = oauth();
  await h.run('api');
  h.timers.advance(79_999);
  await h.run('api');
  assert.equal(tokenRequests().length, 1);
  h.timers.advance(1);
  assert.deepEqual((await h.run('api')).data, { who: 't1' }, 'still valid: used while the refresh runs');
  await settle();
  assert.equal(tokenRequests().length, 2);
  assert.deepEqual((await h.run('api')).data, { who: 't2' });
  assert.equal(tokenRequests().length, 2);
  await h.close();
});

test('an expired token is not used: the call waits for a new one', async () => {
  const h = oauth();
  await h.run('api');
  h.timers.advance(100_000);
  assert.deepEqual((await h.run('api')).data, { who: 't2' });
  assert.deepEqual(tokenSeen(), ['Bearer t1', 'Bearer t2']);
  await h.close();
});

test('a 401 drops the cached token once and the call is retried with a new one', async () => {
  accepted = (t) => t !== 't1';
  const h = oauth();
  const r = await h.run('api');
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.data, { who: 't2' });
  assert.deepEqual(tokenSeen(), ['Bearer t1', 'Bearer t2']);
  assert.equal(tokenRequests().length, 2);
  await h.close();
});

test('concurrent 401s with the same token cause one token request, not one each', async () => {
  accepted = (t) => t !== 't1';
  const h = oauth();
  const rs = await Promise.all([1, 2, 3].map((i) => h.run('api', {}, `r${i}`)));
  assert.deepEqual(rs.map((r) => r.status), ['ok', 'ok', 'ok']);
  assert.equal(tokenRequests().length, 2);
  await h.close();
});

test('a second 401 after the refresh is INTEGRATION_AUTH (one refresh per call)', async () => {
  accepted = () => false;
  const h = oauth();
  const r = await h.run('api');
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.error, { code: 'INTEGRATION_AUTH', httpStatus: 401 });
  assert.equal(tokenRequests().length, 2);
  assert.equal(api.requests.length, 2);
  await h.close();
});

test('a token endpoint refusal is INTEGRATION_AUTH and no API request is made', async () => {
  const h = oauth({ clientSecret: 'wrong' });
  const r = await h.run('api');
  assert.deepEqual(r.error, { code: 'INTEGRATION_AUTH' });
  assert.equal(api.requests.length, 0);
  assert.equal(results(h.events).length, 1);
  await h.close();
});
