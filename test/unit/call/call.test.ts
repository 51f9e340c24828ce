import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Call, type CallHooks } from '../../../src/call/call.js';
import type { RouteInfo } from '../../../src/call/routes.js';
import type { InboundCallInfo } from '../../../src/engine/engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { realTimers } from '../../../src/shared/timers.js';
import type { TransferEvent } from '../../../src/transfer/transfer-controller.js';
import { FakeLeg, scriptedOriginate } from '../transfer/fake-leg.js';

const inbound: InboundCallInfo = {
  id: 'c1', sipCallId: 'x@y', trunk: 'pbx', from: { user: '+37369000001', uri: 'sip:+37369000001@pbx' }, to: { user: '100', uri: 'sip:100@sb' },
  requestUri: 'sip:100@sb', source: { address: '127.0.0.1', port: 5060, transport: 'udp' }, secureMedia: false, header: () => undefined,
};

const route = (operator: boolean): RouteInfo => ({
  name: 'r', ringMs: 0, integrations: [],
  agent: { url: 'ws://x', protocol: 'twilio', sampleRate: 8000, headers: {}, parameters: {} },
  budgets: { agentConnectMs: 1000, integrationMs: 500 },
  ...(operator ? { operator: {
    uri: 'sip:200@pbx', method: 'bridge' as const, fallback: 'bridge' as const, ringTimeoutMs: 1000, referTimeoutMs: 1000, dtmfKey: '0',
    headers: {}, srtp: 'off' as const, ringback: { frequencies: [425], onMs: 1000, offMs: 500, level: 6000 },
  } } : {}),
});

function setup(withOperator: boolean) {
  const leg = new FakeLeg('c1');
  const transfers: TransferEvent[] = [];
  const hooks: CallHooks = { dtmf: () => undefined, agent: () => undefined, integration: () => undefined, transfer: (e) => transfers.push(e) };
  const call = new Call({
    inbound, leg, route: route(withOperator), log: silentLogger(), timers: realTimers, runner: undefined, agentConnected: true,
    transferDeps: { originate: scriptedOriginate({ 'sip:200@pbx': { answerAfterMs: 1 } }), publicAddress: '127.0.0.1', promptPath: (n) => n },
    hooks,
  });
  return { leg, call, transfers };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 30));

describe('Call', () => {
  it('the agent link failing mid-call sends the caller to the operator', async () => {
    const { leg, transfers } = setup(true);
    leg.emitAgent({ type: 'closed', code: 1006, reason: 'abnormal' });
    await settle();
    assert.equal(transfers[0]?.type === 'transfer.started' && transfers[0].reason.trigger, 'agent-disconnected');
    assert.ok(leg.bridgedTo);
    assert.equal(leg.hungUp, undefined);
  });

  it('without an operator, the agent link failing ends the call (agent-disconnected)', async () => {
    const { leg } = setup(false);
    leg.emitAgent({ type: 'closed', code: 1006, reason: 'abnormal' });
    await settle();
    assert.deepEqual(leg.hungUp, { reason: 'Agent Disconnected', cause: 'agent-disconnected' });
  });

  it('the route\'s DTMF key transfers; other keys do not', async () => {
    const { leg, transfers } = setup(true);
    leg.emitDtmf('5');
    await settle();
    assert.equal(transfers.length, 0);
    leg.emitDtmf('0');
    await settle();
    assert.equal(transfers[0]?.type === 'transfer.started' && transfers[0].reason.trigger, 'dtmf');
  });

  it('the agent asking for a transfer on a route without operator gets transferFailed (TRANSFER_NO_OPERATOR)', async () => {
    const { leg } = setup(false);
    leg.emitAgent({ type: 'control', event: { event: 'transfer', transfer: { reason: 'x' } } });
    await settle();
    assert.deepEqual(leg.sent[0], { event: 'transferFailed', transferFailed: { reason: 'agent-request', error: { code: 'TRANSFER_NO_OPERATOR' } } });
    assert.equal(leg.hungUp, undefined);
  });

  it('an integration request on a route without integrations is rejected as unknown; a malformed one as invalid', () => {
    const { leg } = setup(false);
    leg.emitAgent({ type: 'control', event: { event: 'integration', integration: { id: 'q1', name: 'crm', params: {} } } });
    leg.emitAgent({ type: 'control', event: { event: 'integration', integration: { name: 'crm' } } });
    assert.deepEqual(leg.sent.map((m) => (m.integrationResult as { error: { code: string } }).error.code), ['INTEGRATION_UNKNOWN', 'INTEGRATION_INVALID_PARAMS']);
  });

  it('the agent hanging up ends the call', () => {
    const { leg } = setup(true);
    leg.emitAgent({ type: 'control', event: { event: 'hangup' } });
    assert.deepEqual(leg.hungUp, { reason: 'Agent Hangup', cause: 'agent-hangup' });
  });
});
