/**
 * Integrations and operator transfer with real peers: a real HTTP upstream, a WebSocket test agent, SIPp as the
 * PBX (caller) or as the operator's phone, and our RTP phone as a caller that records what it hears.
 * - an agent-requested integration in a live SIPp call: integrationPending after fillerMs, then one result;
 * - a slow upstream (onFailure: transfer): the agent hears `transferring`, the operator (SIPp UAS, echoing RTP)
 *   is called with the context headers, the caller hears ringback and then the operator (their own 1 kHz tone
 *   through the bridge, FFT), never more than 1 s of silence; the agent link closes;
 * - the agent's `transfer` with method refer: REFER to the PBX (SIPp answers 202 + NOTIFY sipfrag 200), BYE.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasSipp, runSipp } from '../support/sipp.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';
import { startTestAgent, type AgentConnection, type TestAgent } from '../support/test-agent.js';
import { routeYaml } from '../support/agent-fixture.js';
import { RtpPhone, rms, type PhoneCall } from '../support/rtp-phone.js';
import { toneSamples, dominantTone } from '../support/audio.js';
import { freePortPair } from '../support/free-port.js';
import { startUpstream, type TestUpstream } from '../unit/integrations/upstream-server.js';
import type { CallEvent } from '../../src/call/call-service.js';

const skip = !hasSipp() ? 'SIPp (sip-tester) is not installed' : false;
const SIP_PORT = 26800;

/** Longest stretch (ms) without an audible packet, from `from` to `to` (performance.now() times). */
function longestSilenceMs(call: PhoneCall, from: number, to: number): number {
  let last = from;
  let longest = 0;
  for (const p of call.rx) {
    if (p.at < from || p.at > to) continue;
    if (!p.pcm || rms(p.pcm) < 150) continue;
    longest = Math.max(longest, p.at - last);
    last = p.at;
  }
  return Math.max(longest, to - last);
}

function waitForEvent(events: CallEvent[], pred: (e: CallEvent) => boolean, what: string, ms = 10000): Promise<CallEvent> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const e = events.find(pred);
      if (e) return resolve(e);
      if (Date.now() - t0 > ms) return reject(new Error(`timed out waiting for ${what}; events: ${events.map((x) => x.type).join(',')}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('integrations and operator transfer', { skip }, () => {
  let sw: TestSwitchboard;
  let agent: TestAgent;
  let upstream: TestUpstream;
  let operatorPort: number;
  const events: CallEvent[] = [];
  let slowMs = 3000;

  before(async () => {
    operatorPort = await freePortPair();
    upstream = await startUpstream(async (req, res) => {
      if (req.url.startsWith('/slow/')) await new Promise((r) => setTimeout(r, slowMs));
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ order: { status: 'shipped', eta: '2026-12-01', secret: 'not for the agent' } }));
    });
    agent = await startTestAgent({ dialect: 'twilio' });
    const integration = (name: string, path: string, extra: string): string => `
  - name: ${name}
    request: { url: "${upstream.origin}/${path}/{{params.orderId}}" }
    params: { orderId: { pattern: "^[0-9]{5,10}$" } }
    response: { map: { status: "$.order.status", eta: "$.order.eta" } }
${extra}`;
    sw = await startTestSwitchboard({
      sipPort: SIP_PORT, httpPort: 29800,
      dialplan: `integrations:${integration('order-status', 'orders', '    budgetMs: 1500\n    fillerMs: 100')}${integration('slow-status', 'slow', '    budgetMs: 400\n    fillerMs: 150\n    onFailure: transfer')}
routes:${routeYaml('tools', '500', `    agent: { url: "${agent.url}", protocol: twilio }
    integrations: [order-status]`)}${routeYaml('bridge', '501', `    agent: { url: "${agent.url}", protocol: twilio }
    integrations: [slow-status]
    operator: { uri: "sip:200@127.0.0.1:${operatorPort}", method: bridge, ringTimeoutMs: 8000, headers: { X-Queue: support } }`)}${routeYaml('refer', '502', `    agent: { url: "${agent.url}", protocol: twilio }
    operator: { uri: "sip:200@127.0.0.1:${operatorPort}", method: refer, fallback: none, referTimeoutMs: 5000 }`)}${routeYaml('no-agent', '503', `    agent: { url: "ws://127.0.0.1:1/nobody", protocol: twilio }
    operator: { uri: "sip:200@127.0.0.1:${operatorPort}", method: bridge, prompt: transfer.wav, headers: { X-Queue: support } }`)}
`,
      prompts: true,
    });
    sw.sb.calls.onEvent((e) => events.push(e));
  });
  after(async () => {
    await sw?.stop();
    await agent?.close();
    await upstream?.close();
  });

  it('runs an agent-requested integration in a live SIPp call: pending after fillerMs, one mapped result', async () => {
    slowMs = 0;
    const index = agent.connections.length;
    const sipp = runSipp({ scenario: 'uac-call-duration.xml', target: `127.0.0.1:${SIP_PORT}`, service: '500', calls: 1, extra: ['-d', '3000'], timeoutMs: 20000 });
    const conn = await agent.started(index, 5000);
    upstream.handler = async (req, res) => {
      await new Promise((r) => setTimeout(r, 300)); // past fillerMs (100), well within the budget
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ order: { status: 'shipped', eta: '2026-12-01', id: req.url } }));
    };
    conn.sendJson({ event: 'integration', integration: { id: 'q1', name: 'order-status', params: { orderId: '12345' } } });
    const result = await conn.waitForEvent('integrationResult', 5000);
    const frames = conn.frames.filter((f) => f.json && String(f.json.event).startsWith('integration'));
    assert.deepEqual(frames.map((f) => f.json?.event), ['integrationPending', 'integrationResult']);
    const pending = frames[0]?.json?.integrationPending as { id: string; elapsedMs: number };
    assert.equal(pending.id, 'q1');
    assert.ok(pending.elapsedMs >= 100 && pending.elapsedMs < 300, `elapsedMs ${pending.elapsedMs}`);
    const r = result.json?.integrationResult as { id: string; status: string; data: unknown; latencyMs: number };
    assert.equal(r.id, 'q1');
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.data, { status: 'shipped', eta: '2026-12-01' });
    assert.equal(result.json?.streamSid, conn.streamSid, 'twilio dialect: every message carries the streamSid');
    assert.equal(upstream.requests.at(-1)?.url, '/orders/12345');
    // Invalid parameters never reach the upstream; an integration the route does not list is unknown.
    const before = upstream.requests.length;
    conn.sendJson({ event: 'integration', integration: { id: 'q2', name: 'order-status', params: { orderId: '12; DROP' } } });
    conn.sendJson({ event: 'integration', integration: { id: 'q3', name: 'slow-status', params: { orderId: '12345' } } });
    const q2 = await conn.waitFor((f) => (f.json?.integrationResult as { id?: string } | undefined)?.id === 'q2', 'q2', 3000);
    const q3 = await conn.waitFor((f) => (f.json?.integrationResult as { id?: string } | undefined)?.id === 'q3', 'q3', 3000);
    assert.deepEqual((q2.json?.integrationResult as { status: string; error: unknown }).status, 'rejected');
    assert.deepEqual((q2.json?.integrationResult as { error: unknown }).error, { code: 'INTEGRATION_INVALID_PARAMS', param: 'orderId' });
    assert.deepEqual((q3.json?.integrationResult as { error: unknown }).error, { code: 'INTEGRATION_UNKNOWN' });
    assert.equal(upstream.requests.length, before);
    const res = await sipp;
    assert.equal(res.code, 0, res.output);
  });

  it('a slow upstream transfers the call to the operator: ringback, then the bridged operator; never 1 s of silence', async (t) => {
    upstream.handler = async (_req, res) => {
      await new Promise((r) => setTimeout(r, 3000));
      res.end('{}');
    };
    const mediaPort = await freePortPair();
    const operator = runSipp({
      scenario: 'uas-operator.xml', target: `127.0.0.1:${SIP_PORT}`, localPort: operatorPort, calls: 1, timeoutMs: 30000,
      extra: ['-rtp_echo', '-mp', String(mediaPort)],
    });
    await new Promise((r) => setTimeout(r, 300)); // SIPp binds its port
    const phone = await RtpPhone.start();
    const index = agent.connections.length;
    let conn: AgentConnection | undefined;
    try {
      const caller = await phone.dial({ sipPort: SIP_PORT, to: '501', from: '37369000001', signal: toneSamples(1000, 1000), loop: true });
      conn = await agent.started(index, 5000);
      const answeredAt = await caller.answered();
      conn.play(toneSamples(600, 400));
      conn.sendJson({ event: 'integration', integration: { id: 'slow1', name: 'slow-status', params: { orderId: '777777' } } });
      await conn.waitForEvent('integrationPending', 3000);
      conn.play(toneSamples(700, 300)); // "one moment"
      const result = await conn.waitForEvent('integrationResult', 3000);
      assert.equal((result.json?.integrationResult as { status: string }).status, 'timeout');
      const transferring = await conn.waitForEvent('transferring', 3000);
      assert.deepEqual(transferring.json?.transferring, { reason: 'integration-timeout', integration: 'slow-status' });
      conn.play(toneSamples(800, 600)); // "I am transferring you"
      const answered = await waitForEvent(events, (e) => e.type === 'transfer' && e.event.type === 'transfer.answered', 'transfer.answered');
      assert.equal(answered.type === 'transfer' && answered.event.type === 'transfer.answered' ? answered.event.method : '', 'bridge');
      const bridgedAt = performance.now();
      await conn.waitForEvent('stop', 3000); // the agent link closes once the operator is on
      await new Promise((r) => setTimeout(r, 2500));
      const endAt = performance.now();
      await caller.hangup();
      // The caller hears their own 1 kHz tone back through the operator's echo: the bridge carries audio both ways.
      const heard = caller.receivedPcm(bridgedAt + 500, endAt);
      const tone = dominantTone(heard, 8000, [425, 600, 700, 800, 1000], 0);
      assert.equal(tone.freq, 1000, `bridged audio: ${JSON.stringify(tone)}`);
      assert.ok(tone.share > 0.6, `bridged audio: ${JSON.stringify(tone)}`);
      // Between answer and hang-up: agent, ringback, operator — never more than 1 s without sound.
      const gap = longestSilenceMs(caller, answeredAt, endAt);
      assert.ok(gap <= 1000, `longest silence ${Math.round(gap)} ms`);
      t.diagnostic(`longest silence ${Math.round(gap)} ms; bridged tone ${tone.freq} Hz (share ${tone.share.toFixed(2)})`);
      // Ringback (425 Hz) was heard while the operator rang.
      const ring = dominantTone(caller.receivedPcm(bridgedAt - 1800, bridgedAt - 100), 8000, [425, 600, 700, 800, 1000], 0);
      assert.equal(ring.freq, 425, `while ringing: ${JSON.stringify(ring)}`);
      const res = await operator;
      assert.equal(res.code, 0, res.output);
      const started = events.find((e) => e.type === 'transfer' && e.event.type === 'transfer.started');
      assert.ok(started && started.type === 'transfer' && started.event.type === 'transfer.started' && started.event.reason.trigger === 'integration-timeout');
    } finally {
      await phone.stop();
    }
  });

  it('method refer: REFER to the PBX with Referred-By and context headers, NOTIFY sipfrag 200, then BYE', async () => {
    const index = agent.connections.length;
    const pbx = runSipp({ scenario: 'uac-refer.xml', target: `127.0.0.1:${SIP_PORT}`, service: '502', calls: 1, timeoutMs: 20000 });
    const conn = await agent.started(index, 5000);
    await new Promise((r) => setTimeout(r, 200));
    conn.sendJson({ event: 'transfer', transfer: { reason: 'caller asked for a human' } });
    const res = await pbx;
    assert.equal(res.code, 0, res.output);
    const done = await waitForEvent(events, (e) => e.type === 'ended' && e.cause === 'transferred', 'ended (transferred)');
    assert.ok(done);
  });

  it('an agent that cannot be reached: the call is answered, the prompt plays, and the operator takes it', async () => {
    const mediaPort = await freePortPair();
    const operator = runSipp({
      scenario: 'uas-operator.xml', target: `127.0.0.1:${SIP_PORT}`, localPort: operatorPort, calls: 1, timeoutMs: 30000,
      extra: ['-rtp_echo', '-mp', String(mediaPort)],
    });
    await new Promise((r) => setTimeout(r, 300));
    const phone = await RtpPhone.start();
    try {
      const before = events.length;
      const caller = await phone.dial({ sipPort: SIP_PORT, to: '503', from: '37369000001', signal: toneSamples(1000, 1000), loop: true });
      const answeredAt = await caller.answered(5000);
      const started = await waitForEvent(events, (e) => events.indexOf(e) >= before && e.type === 'transfer' && e.event.type === 'transfer.started', 'transfer.started');
      assert.ok(started.type === 'transfer' && started.event.type === 'transfer.started' && started.event.reason.trigger === 'agent-unavailable');
      await waitForEvent(events, (e) => events.indexOf(e) >= before && e.type === 'transfer' && e.event.type === 'transfer.answered', 'transfer.answered');
      const bridgedAt = performance.now();
      // The shipped transfer.wav chime (660 Hz then 550 Hz) before the ringback.
      const prompt = dominantTone(caller.receivedPcm(answeredAt, answeredAt + 900), 8000, [425, 550, 660, 1000], 0);
      assert.ok(prompt.freq === 660 || prompt.freq === 550, `prompt: ${JSON.stringify(prompt)}`);
      await new Promise((r) => setTimeout(r, 2000));
      const heard = dominantTone(caller.receivedPcm(bridgedAt + 500, performance.now()), 8000, [425, 550, 660, 1000], 0);
      await caller.hangup();
      assert.equal(heard.freq, 1000, `bridged: ${JSON.stringify(heard)}`);
      const res = await operator;
      assert.equal(res.code, 0, res.output);
    } finally {
      await phone.stop();
    }
  });
});
