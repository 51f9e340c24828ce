import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TransferController, type TransferEvent } from '../../../src/transfer/transfer-controller.js';
import type { OperatorPolicy } from '../../../src/transfer/operator-policy.js';
import type { OriginateRequest } from '../../../src/engine/engine.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { FakeLeg, scriptedOriginate } from './fake-leg.js';

const policy = (o: Partial<OperatorPolicy> = {}): OperatorPolicy => ({
  uri: ['sip:200@pbx', 'sip:201@pbx'], method: 'bridge', fallback: 'bridge', ringTimeoutMs: 50, referTimeoutMs: 100,
  headers: { 'X-Queue': 'support' }, srtp: 'off', ringback: { frequencies: [425], onMs: 1000, offMs: 500, level: 6000 }, ...o,
});

function setup(p: OperatorPolicy, script: Parameters<typeof scriptedOriginate>[0], agent = true) {
  const leg = new FakeLeg('call-1');
  const events: TransferEvent[] = [];
  const invites: OriginateRequest[] = [];
  let ended = false;
  leg.onEnded(() => { ended = true; });
  const ctl = new TransferController({
    id: 'call-1', leg, callerUser: '+37369000001', sampleRate: 8000, log: silentLogger(),
    agentPresent: () => agent, ended: () => ended,
  }, p, { originate: scriptedOriginate(script, invites), publicAddress: '192.0.2.10', promptPath: (n) => `/prompts/${n}`, onEvent: (e) => events.push(e) });
  return { leg, events, invites, ctl };
}

describe('TransferController: bridge', () => {
  it('hunts the operators in order, each ringing ringTimeoutMs, and bridges the first that answers', async () => {
    const { leg, events, invites, ctl } = setup(policy(), { 'sip:200@pbx': { answerAfterMs: 500 }, 'sip:201@pbx': { answerAfterMs: 10 } });
    await ctl.start({ trigger: 'integration-timeout', integration: 'crm', detail: 'INTEGRATION_TIMEOUT' });
    assert.deepEqual(invites.map((i) => i.target), ['sip:200@pbx', 'sip:201@pbx']);
    assert.equal(ctl.state, 'bridged');
    assert.equal(leg.bridgedTo?.id, 'op-sip:201@pbx');
    assert.deepEqual(leg.audio, ['ringback']);
    assert.deepEqual(leg.sent[0], { event: 'transferring', transferring: { reason: 'integration-timeout', integration: 'crm' } });
    const inv = invites[0];
    assert.ok(inv);
    assert.equal(inv.from, '<sip:+37369000001@192.0.2.10>');
    assert.equal(inv.near, 'call-1');
    assert.equal(inv.ringTimeoutMs, 50);
    assert.deepEqual(inv.headers, [['X-Switchboard-Call-Id', 'call-1'], ['X-Switchboard-Reason', 'integration-timeout'],
      ['X-Switchboard-Integration', 'crm'], ['X-Switchboard-Detail', 'INTEGRATION_TIMEOUT'], ['X-Queue', 'support']]);
    assert.deepEqual(events.map((e) => e.type), ['transfer.started', 'transfer.answered']);
  });

  it('nobody answers: back to the agent with transferFailed, ringback stopped, and a later transfer may retry', async () => {
    const { leg, events, ctl } = setup(policy(), { 'sip:200@pbx': { status: 486 }, 'sip:201@pbx': { answerAfterMs: 1000 } });
    await ctl.start({ trigger: 'agent-request' });
    assert.equal(ctl.state, 'idle');
    assert.deepEqual(leg.audio, ['ringback', 'none']);
    assert.equal(leg.sent.length, 1, 'no transferring event for an agent-requested transfer');
    assert.deepEqual(leg.sent[0], { event: 'transferFailed', transferFailed: { reason: 'agent-request', attempts: [{ status: 486, outcome: 'outbound_486' }, { status: 408, outcome: 'no_answer' }] } });
    assert.deepEqual(events.map((e) => e.type), ['transfer.started', 'transfer.failed']);
    assert.equal(leg.hungUp, undefined);
  });

  it('nobody answers and no agent is left: the prompt before, the failure prompt after, then hang-up', async () => {
    const { leg, ctl } = setup(policy({ uri: 'sip:200@pbx', prompt: 'transfer.wav', failurePrompt: 'sorry.wav' }), { 'sip:200@pbx': { status: 480 } }, false);
    await ctl.start({ trigger: 'agent-disconnected' });
    assert.deepEqual(leg.audio, ['prompt', 'ringback', 'none', 'prompt']);
    assert.deepEqual(leg.hungUp, { reason: 'No Operator Available', cause: 'transfer-failed' });
  });

  it('the caller hanging up while the operator rings cancels the INVITE and bridges nothing', async () => {
    const { leg, ctl, events } = setup(policy({ uri: 'sip:200@pbx', ringTimeoutMs: 5000 }), { 'sip:200@pbx': { answerAfterMs: 2000 } });
    const done = ctl.start({ trigger: 'dtmf' });
    setTimeout(() => { leg.remoteBye(); ctl.callEnded(); }, 20);
    await done;
    assert.equal(leg.bridgedTo, undefined);
    assert.equal((events.at(-1) as Extract<TransferEvent, { type: 'transfer.failed' }>).attempts[0]?.label, 'cancelled');
  });

  it('either side hanging up ends the other', async () => {
    const { leg, ctl } = setup(policy({ uri: 'sip:200@pbx' }), { 'sip:200@pbx': { answerAfterMs: 1 } });
    await ctl.start({ trigger: 'agent-request' });
    const op = ctl.operatorLeg as FakeLeg;
    await op.hangup('bye');
    assert.deepEqual(leg.hungUp, { reason: 'Operator Hung Up', cause: 'operator-hangup' });
  });

  it('a second trigger while a transfer runs is ignored', async () => {
    const { invites, ctl } = setup(policy({ uri: 'sip:200@pbx' }), { 'sip:200@pbx': { answerAfterMs: 20 } });
    await Promise.all([ctl.start({ trigger: 'agent-request' }), ctl.start({ trigger: 'dtmf' })]);
    assert.equal(invites.length, 1);
  });
});

describe('TransferController: refer', () => {
  it('REFERs with Referred-By and the context headers; a 2xx sipfrag ends our leg with BYE (transferred)', async () => {
    const { leg, events, ctl } = setup(policy({ method: 'refer', uri: 'sip:200@pbx' }), {});
    leg.referOutcomes = [{ outcome: 'success', referStatus: 202, finalStatus: 200 }];
    await ctl.start({ trigger: 'agent-request', detail: 'wants a human' });
    assert.equal(leg.refers[0]?.target, 'sip:200@pbx');
    assert.equal(leg.refers[0]?.referredBy, '<sip:switchboard@192.0.2.10>');
    assert.ok(leg.refers[0]?.headers.some(([k, v]) => k === 'X-Switchboard-Detail' && v === 'wants a human'));
    assert.equal(leg.refers[0]?.notifyTimeoutMs, 100);
    assert.deepEqual(leg.hungUp, { reason: 'Transferred', cause: 'transferred' });
    assert.deepEqual(events.map((e) => e.type), ['transfer.started', 'transfer.answered']);
  });

  it('tries the next operator after a failed referred call, then falls back to bridging', async () => {
    const { leg, invites, ctl } = setup(policy({ method: 'refer' }), { 'sip:200@pbx': { answerAfterMs: 1 } });
    leg.referOutcomes = [{ outcome: 'failed', referStatus: 202, finalStatus: 486 }, { outcome: 'timeout', referStatus: 202 }];
    await ctl.start({ trigger: 'agent-request' });
    assert.deepEqual(leg.refers.map((r) => r.target), ['sip:200@pbx', 'sip:201@pbx']);
    assert.deepEqual(invites.map((i) => i.target), ['sip:200@pbx']);
    assert.equal(ctl.state, 'bridged');
  });

  it('a PBX that refuses REFER (405) is not asked again; fallback none gives up at once', async () => {
    const { leg, invites, ctl, events } = setup(policy({ method: 'refer', fallback: 'none' }), {});
    leg.referOutcomes = [{ outcome: 'rejected', referStatus: 405 }];
    await ctl.start({ trigger: 'agent-request' });
    assert.equal(leg.refers.length, 1);
    assert.equal(invites.length, 0);
    assert.equal(events.at(-1)?.type, 'transfer.failed');
    assert.equal(leg.sent.at(-1)?.event, 'transferFailed');
  });
});
