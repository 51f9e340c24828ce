/**
 * The agent link end to end (issue 4), connection life: an agent that cannot be reached, hangs in the upgrade
 * or refuses it (480 within budgets.agentConnectMs), a caller who gives up while the agent connects (487),
 * an agent that hangs up, crashes, or goes away while the call rings (BYE), the greeting sent before the
 * call is answered, and a dialplan reload under a live call. Same harness as agent.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { callAgent as dialAgent, eventNames, routeYaml } from '../support/agent-fixture.js';
import { dominantTone, toneSamples } from '../support/audio.js';
import { startRtpPhone, type PhoneCall, type RtpPhone } from '../support/rtp-phone.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';
import { startTestAgent, unusedPort, type AgentConnection, type TestAgent } from '../support/test-agent.js';
import { sleep, within } from '../support/ua-pair.js';

const SIP = 26410;
const HTTP = 29410;
const CONNECT_BUDGET_MS = 1000;
const HANG_BUDGET_MS = 700;

interface Agents {
  twilio: TestAgent;
  hang: TestAgent;
  refuse: TestAgent;
  greet: TestAgent;
  reloadA: TestAgent;
  reloadB: TestAgent;
  /** Closes its socket as soon as `start` arrives (while the call still rings). */
  quitter: TestAgent;
}

function dialplan(a: Agents, unreachable: number, reloadTarget: TestAgent): string {
  return `routes:${[
    routeYaml('twilio', 'twilio', `    agent: { url: "${a.twilio.url}", protocol: twilio }`),
    routeYaml('unreachable', 'unreachable', `    agent: { url: "ws://127.0.0.1:${unreachable}/agent" }
    budgets: { agentConnectMs: ${CONNECT_BUDGET_MS} }`),
    routeYaml('hang', 'hang', `    agent: { url: "${a.hang.url}" }
    budgets: { agentConnectMs: ${HANG_BUDGET_MS} }`),
    routeYaml('hang-long', 'hang-long', `    agent: { url: "${a.hang.url}" }
    budgets: { agentConnectMs: 5000 }`),
    routeYaml('refuse', 'refuse', `    agent: { url: "${a.refuse.url}" }
    budgets: { agentConnectMs: ${CONNECT_BUDGET_MS} }`),
    routeYaml('quit-ringing', 'quit-ringing', `    ringMs: 600
    agent: { url: "${a.quitter.url}" }`),
    routeYaml('greeting', 'greeting', `    ringMs: 400
    agent: { url: "${a.greet.url}", protocol: twilio }`),
    routeYaml('reload', 'reload', `    agent: { url: "${reloadTarget.url}", protocol: twilio }`),
  ].join('')}
`;
}

describe('agent link end to end: connecting, ending, greeting, reload', () => {
  let sw: TestSwitchboard;
  let phone: RtpPhone;
  let agents: Agents;
  let unreachablePort: number;

  before(async () => {
    const [twilio, hang, refuse, greet, reloadA, reloadB, quitter] = await Promise.all([
      startTestAgent({ dialect: 'twilio' }),
      startTestAgent({ dialect: 'twilio', mode: 'hang' }),
      startTestAgent({ dialect: 'twilio', mode: 'refuse' }),
      startTestAgent({ dialect: 'twilio' }),
      startTestAgent({ dialect: 'twilio', echo: true }),
      startTestAgent({ dialect: 'twilio', echo: true }),
      startTestAgent({ dialect: 'twilio', onStart: (c) => c.close() }),
    ]);
    agents = { twilio, hang, refuse, greet, reloadA, reloadB, quitter } as Agents;
    unreachablePort = await unusedPort();
    sw = await startTestSwitchboard({ sipPort: SIP, httpPort: HTTP, mediaPortMin: 10000, dialplan: dialplan(agents, unreachablePort, reloadA) });
    phone = await startRtpPhone();
    // One call first: the media workers finish booting, so the timed setups below measure only the agent.
    const warm = await dialAgent(phone, SIP, 'twilio', twilio);
    await warm.call.hangup();
  });

  after(async () => {
    await phone?.stop();
    await sw?.stop();
    if (agents) await Promise.all(Object.values(agents).map((a: TestAgent) => a.close()));
  });

  const callAgent = (to: string, agent: TestAgent, signal?: Int16Array): Promise<{ call: PhoneCall; conn: AgentConnection }> =>
    dialAgent(phone, SIP, to, agent, signal);

  describe('agent connection failures', () => {
    it(`nothing listening at the agent URL: 180, then 480 Agent Unavailable well within agentConnectMs (${CONNECT_BUDGET_MS})`, async () => {
      const call = await phone.dial({ sipPort: SIP, to: 'unreachable' });
      const o = await within(call.outcome, 'the final response', CONNECT_BUDGET_MS + 2000);
      assert.equal(o.kind, 'failed');
      if (o.kind !== 'failed') return;
      assert.equal(o.status, 480);
      assert.equal(o.reason, 'Agent Unavailable');
      assert.deepEqual(call.progress.map((p) => p.status).filter((s) => s !== 100), [180]);
      assert.ok(o.at - call.invitedAt < CONNECT_BUDGET_MS + 300, `480 after ${(o.at - call.invitedAt).toFixed(0)} ms`);
    });

    it(`agent accepts TCP and never answers the upgrade: 480 after agentConnectMs (${HANG_BUDGET_MS})`, async () => {
      const before = agents.hang.upgrades.length;
      const call = await phone.dial({ sipPort: SIP, to: 'hang' });
      const o = await within(call.outcome, 'the final response', HANG_BUDGET_MS + 3000);
      assert.equal(o.kind === 'failed' && o.status, 480);
      assert.equal(agents.hang.upgrades.length, before + 1, 'Switchboard did reach the agent');
      const ms = o.at - call.invitedAt;
      assert.ok(ms >= HANG_BUDGET_MS - 5 && ms <= HANG_BUDGET_MS + 300, `480 after ${ms.toFixed(0)} ms`);
      await sleep(50);
      assert.equal(sw.sb.calls.activeCalls, 0);
      assert.equal(agents.hang.held.size, 0, 'Switchboard closed its half-done connection to the agent');
    });

    it('agent refuses the upgrade with HTTP 503: 480 at once', async () => {
      const before = agents.refuse.upgrades.length;
      const call = await phone.dial({ sipPort: SIP, to: 'refuse' });
      const o = await within(call.outcome, 'the final response', 3000);
      assert.equal(o.kind === 'failed' && o.status, 480);
      assert.equal(agents.refuse.upgrades.length, before + 1);
      assert.ok(o.at - call.invitedAt < 300, `480 after ${(o.at - call.invitedAt).toFixed(0)} ms`);
    });

    it('caller cancels while the agent is still connecting: 487, the agent connection is closed, no call is left', async () => {
      const before = agents.hang.upgrades.length;
      const call = await phone.dial({ sipPort: SIP, to: 'hang-long' });
      await within((async () => { while (agents.hang.upgrades.length === before) await sleep(5); })(), 'the upgrade request');
      call.cancel();
      const o = await within(call.outcome, 'the final response', 2000);
      assert.equal(o.kind === 'failed' && o.status, 487);
      await sleep(100);
      assert.equal(agents.hang.held.size, 0, 'the half-open agent connection was closed');
      assert.equal(sw.sb.calls.activeCalls, 0);
    });

    it('agent goes away while the call rings: the caller is not left in a call without an agent (BYE right after the 200)', async () => {
      const index = agents.quitter.connections.length;
      const call = await phone.dial({ sipPort: SIP, to: 'quit-ringing' });
      const conn = await agents.quitter.started(index);
      await within(conn.closed, 'the agent to close');
      const o = await within(call.outcome, 'the final response', 3000);
      if (o.kind === 'answered') {
        const ended = await within(call.ended, 'a BYE after the answer', 2000);
        assert.equal(ended.reason, 'remote-bye');
        assert.ok(ended.at - o.at < 200, `BYE ${(ended.at - o.at).toFixed(0)} ms after the 200`);
      } else assert.equal(o.status, 480);
    });

    it('agent goes away while the call rings: 480 before answer', async () => {
      const call = await phone.dial({ sipPort: SIP, to: 'quit-ringing' });
      const o = await within(call.outcome, 'the final response', 3000);
      await call.hangup();
      assert.equal(o.kind === 'failed' && o.status, 480);
    });

    it('agent crashes mid-call (TCP gone, no close frame): the phone gets a BYE', async () => {
      const { call, conn } = await callAgent('twilio', agents.twilio);
      await sleep(300);
      const crashAt = performance.now();
      conn.crash();
      const ended = await within(call.ended, 'a BYE from Switchboard', 2000);
      assert.equal(ended.reason, 'remote-bye');
      assert.ok(ended.at - crashAt < 200, `BYE ${(ended.at - crashAt).toFixed(0)} ms after the crash`);
      const bye = phone.side.transport.received('BYE').at(-1);
      assert.match(bye?.headers.get('reason') ?? '', /Agent Disconnected/);
    });

    it('agent sends {"event":"hangup"}: the phone gets a BYE and the agent a stop, then a clean close', async () => {
      const { call, conn } = await callAgent('twilio', agents.twilio);
      await sleep(300);
      const at = conn.hangup();
      const ended = await within(call.ended, 'a BYE from Switchboard', 2000);
      assert.equal(ended.reason, 'remote-bye');
      assert.ok(ended.at - at < 200);
      const closed = await within(conn.closed, 'the agent socket to close');
      assert.equal(closed.code, 1000);
      assert.equal(eventNames(conn).at(-1), 'stop');
    });
  });

  it('a greeting the agent sends right after start, before the call is answered, is heard in full', async () => {
    let greetingSentAt = 0;
    agents.greet.onStart = (c) => {
      greetingSentAt = c.play(toneSamples(1400, 800), { mark: 'greeting' }).sentAt;
    };
    const index = agents.greet.connections.length;
    const call = await phone.dial({ sipPort: SIP, to: 'greeting' });
    const answeredAt = await call.answered();
    const conn = await agents.greet.connection(index);
    const echo = await conn.waitFor((f) => f.json?.event === 'mark', 'the greeting mark', 3000);
    await sleep(100);
    await call.hangup();
    assert.ok(greetingSentAt > 0 && greetingSentAt < answeredAt - 200, 'the greeting was sent while the phone was still ringing');
    const loud = call.loudPackets();
    assert.equal(loud.length, 40, '800 ms of greeting = 40 packets, none lost');
    const heard = dominantTone(call.receivedPcm(loud[0]?.at, (loud.at(-1)?.at as number) + 1), 8000, [700, 1000, 1400, 2000], 0);
    assert.equal(heard.freq, 1400);
    assert.ok(echo.at >= (loud.at(-1)?.at as number) - 10, 'the greeting mark is echoed once it has played');
  });

  it('dialplan reload under a live call: the live call keeps its agent, the next call gets the new one', async () => {
    const { reloadA, reloadB } = agents;
    const first = await callAgent('reload', reloadA, toneSamples(1000, 1000));
    const path = join(sw.dir, 'dialplans', 'test.yaml');
    writeFileSync(path, dialplan(agents, unreachablePort, reloadB));
    assert.equal(await sw.sb.reloadDialplans(), true);
    const reloadedAt = performance.now();
    const second = await callAgent('reload', reloadB, toneSamples(1000, 1000));
    await sleep(600);
    assert.equal(reloadA.connections.length, 1, 'the old agent got no new call');
    assert.equal(reloadB.connections.length, 1);
    assert.notEqual(first.conn.callId, second.conn.callId);
    assert.equal(first.conn.closedAt, undefined, 'the live call still talks to the first agent');
    assert.ok(first.conn.audio.filter((a) => a.at > reloadedAt + 100).length >= 20, 'the first agent still receives the caller');
    assert.ok(first.call.loudPackets(500, reloadedAt + 100).length >= 20, 'the first caller still hears the first agent');
    assert.ok(second.call.loudPackets().length >= 20, 'the second caller hears the second agent');
    await first.call.hangup();
    await second.call.hangup();
    writeFileSync(path, dialplan(agents, unreachablePort, reloadA));
    assert.equal(await sw.sb.reloadDialplans(), true);
  });});
