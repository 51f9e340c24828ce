/**
 * The two integration moments around a call, with a real HTTP upstream and our RTP phone as the PBX:
 * `on: callStart` (a CRM lookup by the caller's number, answered as the agent's `start` parameters) and
 * `on: callEnd` (a write-back POST with how the call ended). A failing callStart with onFailure: continue still
 * connects the agent, which sees `<name>.status`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';
import { startTestAgent, type TestAgent } from '../support/test-agent.js';
import { routeYaml } from '../support/agent-fixture.js';
import { RtpPhone } from '../support/rtp-phone.js';
import { startUpstream, type TestUpstream } from '../unit/integrations/upstream-server.js';

const SIP_PORT = 27100;

describe('integrations at call start and call end', () => {
  let sw: TestSwitchboard;
  let agent: TestAgent;
  let upstream: TestUpstream;
  let phone: RtpPhone;

  before(async () => {
    upstream = await startUpstream((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url.startsWith('/crm/customers')) {
        if (req.url.includes('37369000002')) return void res.writeHead(503).end('{}');
        return void res.end(JSON.stringify({ customer: { name: 'Ion Popescu', tier: 'gold', openTickets: 2, tags: ['vip'] } }));
      }
      res.end('{}');
    });
    agent = await startTestAgent({ dialect: 'twilio' });
    sw = await startTestSwitchboard({
      sipPort: SIP_PORT, httpPort: 29970,
      dialplan: `integrations:
  - name: crm
    on: callStart
    request: { url: "${upstream.origin}/crm/customers?phone={{call.from}}" }
    response: { map: { name: "$.customer.name", tier: "$.customer.tier", openTickets: "$.customer.openTickets", tags: "$.customer.tags" } }
    budgetMs: 400
  - name: report
    on: callEnd
    request:
      method: POST
      url: "${upstream.origin}/crm/calls"
      body: { callId: "{{call.id}}", caller: "{{call.from}}", outcome: "{{call.endCause}}", seconds: "{{call.durationSeconds}}" }
routes:${routeYaml('crm', '800', `    agent: { url: "${agent.url}", protocol: twilio, parameters: { language: ro } }
    integrations: [crm, report]`)}
`,
    });
    phone = await RtpPhone.start();
  });
  after(async () => {
    await phone?.stop();
    await sw?.stop();
    await agent?.close();
    await upstream?.close();
  });

  it('callStart: the caller\'s CRM record reaches the agent in start.customParameters; callEnd: the outcome is posted back', async () => {
    const index = agent.connections.length;
    const call = await phone.dial({ sipPort: SIP_PORT, to: '800', from: '37369000001' });
    const conn = await agent.started(index, 5000);
    await call.answered(5000);
    const params = (conn.start?.start as { customParameters: Record<string, string> }).customParameters;
    assert.equal(params['crm.status'], 'ok');
    assert.equal(params['crm.name'], 'Ion Popescu');
    assert.equal(params['crm.tier'], 'gold');
    assert.equal(params['crm.openTickets'], '2');
    assert.equal(params['crm.tags'], '["vip"]');
    assert.equal(params.language, 'ro');
    assert.match(upstream.requests.find((r) => r.url.startsWith('/crm/customers'))?.url ?? '', /phone=37369000001$/);
    await new Promise((r) => setTimeout(r, 1200));
    await call.hangup();
    const deadline = Date.now() + 3000;
    while (!upstream.requests.some((r) => r.url === '/crm/calls') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const post = upstream.requests.find((r) => r.url === '/crm/calls');
    assert.ok(post, 'the callEnd integration posted');
    const body = JSON.parse(post.body) as Record<string, unknown>;
    assert.equal(body.callId, conn.callId);
    assert.equal(body.caller, '37369000001');
    assert.equal(body.outcome, 'caller-hangup');
    assert.ok(Number(body.seconds) >= 1, `seconds ${String(body.seconds)}`);
  });

  it('a callStart that fails (onFailure: continue) still connects the agent, which sees the status', async () => {
    const index = agent.connections.length;
    const call = await phone.dial({ sipPort: SIP_PORT, to: '800', from: '37369000002' });
    const conn = await agent.started(index, 5000);
    await call.answered(5000);
    const params = (conn.start?.start as { customParameters: Record<string, string> }).customParameters;
    assert.equal(params['crm.status'], 'failed');
    assert.equal(params['crm.name'], undefined);
    await call.hangup();
  });
});
