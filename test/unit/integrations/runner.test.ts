import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, results } from './runner-harness.js';
import { sendJson, sendText, settle, startUpstream, type TestUpstream } from './upstream-server.js';

let up: TestUpstream;
before(async () => { up = await startUpstream((_req, res) => sendJson(res, 200, {})); });
after(() => up.close());

const orderStatus = () => ({
  name: 'order-status',
  request: { url: `${up.origin}/orders/{{params.orderId}}`, headers: { 'X-Call': '{{call.id}}' } },
  params: { orderId: { pattern: '^[0-9]{5,10}$' } },
  response: { map: { status: '$.order.status', eta: '$.order.eta' } },
});

test('ok: the agent gets the mapped fields and nothing else of the answer', async () => {
  up.handler = (req, res) => sendJson(res, 200, { order: { status: 'shipped', eta: 'tomorrow', internalNote: 'VIP', id: req.url }, customer: { iban: 'RO49…' } });
  const h = harness([orderStatus()]);
  const r = await h.run('order-status', { orderId: '12345' }, 'tool-7');
  assert.deepEqual(r, { id: 'tool-7', status: 'ok', data: { status: 'shipped', eta: 'tomorrow' }, latencyMs: 0 });
  assert.deepEqual(h.events, [{ event: 'integrationResult', integrationResult: r }]);
  const seen = up.requests.at(-1);
  assert.equal(seen?.url, '/orders/12345');
  assert.equal(seen?.headers['x-call'], 'call-1');
  assert.equal(seen?.headers.accept, 'application/json');
  await h.close();
});

test('an invalid parameter is rejected with its name and no request leaves', async () => {
  const h = harness([orderStatus()]);
  const before = up.requests.length;
  const r = await h.run('order-status', { orderId: '12; DROP TABLE' });
  assert.deepEqual(r, { id: 'req-1', status: 'rejected', data: null, latencyMs: 0, error: { code: 'INTEGRATION_INVALID_PARAMS', param: 'orderId' } });
  assert.deepEqual((await h.run('order-status', { orderId: '12345', extra: 1 })).error, { code: 'INTEGRATION_INVALID_PARAMS', param: 'extra' });
  await settle();
  assert.equal(up.requests.length, before);
  await h.close();
});

test('an unknown integration is rejected with INTEGRATION_UNKNOWN', async () => {
  const h = harness([orderStatus()]);
  assert.deepEqual((await h.run('delete-everything')).error, { code: 'INTEGRATION_UNKNOWN' });
  await h.close();
});

test('SOAP: the agent\'s cnp reaches the envelope as CitizenID (XML-escaped) and the XML answer is mapped by XPath', async () => {
  up.handler = (req, res) => {
    const id = /<c:CitizenID>([^<]*)<\/c:CitizenID>/.exec(req.body)?.[1];
    sendText(res, 200, 'text/xml; charset=utf-8', `<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:citizens">
  <soap:Body><c:GetCitizenResponse><c:Citizen><c:ID>${id ?? ''}</c:ID><c:Name>Ana Pop</c:Name><c:Debt>1200</c:Debt></c:Citizen></c:GetCitizenResponse></soap:Body>
</soap:Envelope>`);
  };
  const h = harness([{
    name: 'citizen',
    request: {
      method: 'POST', url: `${up.origin}/CitizenService.asmx`, headers: { SOAPAction: '"urn:citizens/GetCitizen"' },
      body: '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:citizens"><soap:Body><c:GetCitizen><c:CitizenID>{{params.CitizenID}}</c:CitizenID><c:Caller>{{call.from}}</c:Caller></c:GetCitizen></soap:Body></soap:Envelope>',
    },
    params: { cnp: { pattern: '^[0-9<&>]{5,13}$', as: 'CitizenID' } },
    response: {
      map: { citizenId: '//c:Citizen/c:ID', name: '/soap:Envelope/soap:Body/c:GetCitizenResponse/c:Citizen/c:Name' },
      namespaces: { soap: 'http://schemas.xmlsoap.org/soap/envelope/', c: 'urn:citizens' },
    },
  }]);
  const r = await h.run('citizen', { cnp: '18001<&>0' });
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.data, { citizenId: '18001<&>0', name: 'Ana Pop' });
  const seen = up.requests.at(-1);
  assert.match(seen?.body ?? '', /<c:CitizenID>18001&lt;&amp;&gt;0<\/c:CitizenID><c:Caller>\+40722000111<\/c:Caller>/);
  assert.equal(seen?.headers['content-type'], 'text/xml; charset=utf-8');
  assert.equal(seen?.headers.soapaction, '"urn:citizens/GetCitizen"');
  await h.close();
});

test('JSON POST bodies carry renamed parameters with their types', async () => {
  up.handler = (req, res) => sendJson(res, 201, { received: JSON.parse(req.body) as unknown });
  const h = harness([{
    name: 'ticket', request: { method: 'POST', url: `${up.origin}/tickets`, body: { customer: { CitizenID: '{{params.CitizenID}}' }, priority: '{{params.priority}}', caller: '{{call.from}}' } },
    params: { cnp: { as: 'CitizenID' }, priority: {} },
    response: { map: { received: '$.received' } },
  }]);
  const r = await h.run('ticket', { cnp: '1800101221144', priority: 2 });
  assert.deepEqual(r.data, { received: { customer: { CitizenID: '1800101221144' }, priority: 2, caller: '+40722000111' } });
  await h.close();
});

test('upstream failures map to stable codes: 500 and 503 (with the status), connection reset, malformed JSON', async () => {
  const h = harness([orderStatus()]);
  up.handler = (_req, res) => sendJson(res, 500, { error: 'boom' });
  assert.deepEqual((await h.run('order-status', { orderId: '12345' })).error, { code: 'INTEGRATION_HTTP_STATUS', httpStatus: 500 });
  up.handler = (_req, res) => sendJson(res, 503, {});
  assert.deepEqual((await h.run('order-status', { orderId: '12345' })).error, { code: 'INTEGRATION_HTTP_STATUS', httpStatus: 503 });
  up.handler = (_req, _res, raw) => { raw.socket.destroy(); };
  const reset = await h.run('order-status', { orderId: '12345' });
  assert.equal(reset.status, 'failed');
  assert.deepEqual(reset.error, { code: 'INTEGRATION_TRANSPORT' });
  up.handler = (_req, res) => sendText(res, 200, 'application/json', '{"order": {"status": "shipp');
  assert.deepEqual((await h.run('order-status', { orderId: '12345' })).error, { code: 'INTEGRATION_BAD_RESPONSE' });
  up.handler = (_req, res) => sendText(res, 404, 'application/json', '{}');
  assert.deepEqual((await h.run('order-status', { orderId: '12345' })).error, { code: 'INTEGRATION_HTTP_STATUS', httpStatus: 404 });
  assert.deepEqual(results(h.events).map((r) => r.status), ['failed', 'failed', 'failed', 'failed', 'failed']);
  await h.close();
});

test('an answer larger than maxResponseBytes is INTEGRATION_BAD_RESPONSE', async () => {
  up.handler = (_req, res) => sendJson(res, 200, { order: { status: 'x'.repeat(2000) } });
  const h = harness([orderStatus()], { http: { maxResponseBytes: 1000 } });
  assert.deepEqual((await h.run('order-status', { orderId: '12345' })).error, { code: 'INTEGRATION_BAD_RESPONSE' });
  await h.close();
});

test('metrics: latency histogram per integration and results by integration, status and code', async () => {
  up.handler = (_req, res) => sendJson(res, 200, { order: { status: 'ok' } });
  const h = harness([orderStatus()]);
  await h.run('order-status', { orderId: '12345' });
  await h.run('order-status', { orderId: 'x' });
  await h.run('nope');
  const text = await h.metrics.registry.metrics();
  assert.match(text, /switchboard_integration_results_total\{integration="order-status",status="ok",code="none"\} 1/);
  assert.match(text, /switchboard_integration_results_total\{integration="order-status",status="rejected",code="INTEGRATION_INVALID_PARAMS"\} 1/);
  assert.match(text, /switchboard_integration_results_total\{integration="\(unknown\)",status="rejected",code="INTEGRATION_UNKNOWN"\} 1/);
  assert.match(text, /switchboard_integration_latency_seconds_count\{integration="order-status"\} 2/);
  assert.match(text, /switchboard_integration_breaker_state\{integration="order-status"\} 0/);
  await h.close();
});

test('an emit handler that throws does not stop the decision', async () => {
  up.handler = (_req, res) => sendJson(res, 200, { order: { status: 'ok' } });
  const h = harness([orderStatus()]);
  const r = await h.runner.run('order-status', { orderId: '12345' }, { id: 'x', call: { id: 'c' } }, () => { throw new Error('agent gone'); });
  assert.equal(r.status, 'ok');
  await h.close();
});
