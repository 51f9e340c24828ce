import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseMap } from '../../../src/integrations/response-map.js';
import { isSwitchboardError } from '../../../src/shared/errors.js';

const badResponse = (e: unknown): boolean => isSwitchboardError(e, 'INTEGRATION_BAD_RESPONSE');
const order = JSON.stringify({
  order: { status: 'shipped', eta: '2024-05-01', items: [{ sku: 'A' }, { sku: 'B' }], 'odd key': 1 },
  customer: { cnp: '1800101221144', iban: 'RO49AAAA1B31007593840000' },
});

test('JSON answers are projected onto the mapped fields only', () => {
  const map = new ResponseMap({ status: '$.order.status', eta: "$['order']['eta']" });
  assert.deepEqual(map.project(order, 'application/json; charset=utf-8'), { status: 'shipped', eta: '2024-05-01' });
});

test('singular JSONPath queries give the value or null; others give the array of matches (RFC 9535)', () => {
  const map = new ResponseMap({
    first: '$.order.items[0].sku', last: '$.order.items[-1].sku', missing: '$.order.refund', outOfRange: '$.order.items[5]',
    odd: "$.order['odd key']", all: '$.order.items[*].sku', none: '$..nothing', filtered: '$.order.items[?@.sku == "B"].sku',
  });
  assert.deepEqual(map.project(order, 'application/json'), {
    first: 'A', last: 'B', missing: null, outOfRange: null, odd: 1, all: ['A', 'B'], none: [], filtered: ['B'],
  });
});

test('malformed JSON is INTEGRATION_BAD_RESPONSE', () => {
  const map = new ResponseMap({ s: '$.s' });
  assert.throws(() => map.project('{"s": "ok"', 'application/json'), badResponse);
});

test('an XML answer to a JSONPath map (or the reverse) is INTEGRATION_BAD_RESPONSE', () => {
  assert.throws(() => new ResponseMap({ s: '$.s' }).project('<s>ok</s>', 'text/xml'), badResponse);
  assert.throws(() => new ResponseMap({ s: '/s' }).project('{"s":1}', 'application/json'), badResponse);
});

test('without a content type the answer is sniffed', () => {
  assert.deepEqual(new ResponseMap({ s: '$.s' }).project(' {"s":1}', undefined), { s: 1 });
  assert.deepEqual(new ResponseMap({ s: '/s' }).project('<s>1</s>', undefined), { s: '1' });
  assert.throws(() => new ResponseMap({ s: '$.s' }).project('s=1', 'text/plain'), badResponse);
});

const soap = `<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:c="urn:citizens">
  <soap:Body><c:GetCitizenResponse>
    <c:Citizen id="42"><c:Name>Ana &amp; Ion</c:Name><c:Phone>1</c:Phone><c:Phone>2</c:Phone></c:Citizen>
  </c:GetCitizenResponse></soap:Body>
</soap:Envelope>`;

test('XML/SOAP answers are projected with XPath and the configured namespace prefixes', () => {
  const map = new ResponseMap(
    { name: '/soap:Envelope/soap:Body/c:GetCitizenResponse/c:Citizen/c:Name', id: '//c:Citizen/@id', phones: '//c:Phone', count: 'count(//c:Phone)', absent: '//c:Email' },
    { soap: 'http://schemas.xmlsoap.org/soap/envelope/', c: 'urn:citizens' },
  );
  assert.deepEqual(map.project(soap, 'text/xml; charset=utf-8'), { name: 'Ana & Ion', id: '42', phones: ['1', '2'], count: 2, absent: null });
});

test('malformed XML is INTEGRATION_BAD_RESPONSE', () => {
  const map = new ResponseMap({ s: '/s' });
  assert.throws(() => map.project('<s><t></s>', 'application/xml'), badResponse);
  assert.throws(() => map.project('', 'application/xml'), badResponse);
});

test('an empty map needs no parsing and gives the agent nothing', () => {
  assert.deepEqual(new ResponseMap({}).project('not json at all', 'text/html'), {});
});
