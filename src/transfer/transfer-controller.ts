/**
 * One call's transfer to a human operator. Whatever triggers it (the agent's `transfer` event, an integration
 * failing with onFailure: transfer, the agent link failing, the route's DTMF key), the same steps run:
 *
 * 1. `transfer.started`; the agent (if still there) gets `transferring` so it can tell the caller why; with no
 *    agent, the route's prompt plays instead.
 * 2. refer: REFER each operator in turn (blind-transfer.ts); success → BYE, done. Failure → bridge (fallback).
 * 3. bridge: ringback to the caller (after the agent's last words), INVITE each operator in turn; on answer the
 *    caller's audio is relayed to the operator and the agent link closes. Either side hanging up ends both.
 * 4. Nobody answered: the agent gets `transferFailed` and the call goes on; with no agent, the failure prompt
 *    plays and the call ends. The caller never sits in silence.
 */
import type { CallLeg, OriginateRequest, PreparedOriginate } from '../engine/engine.js';
import type { Logger } from '../observability/logger.js';
import { blindTransfer } from './blind-transfer.js';
import { huntOperators } from './bridged-transfer.js';
import { contextHeaders, operatorTargets, type OperatorPolicy, type TransferReason } from './operator-policy.js';

/** What the transfer needs from its call (the call layer implements it). */
export interface TransferCall {
  readonly id: string;
  readonly leg: CallLeg;
  /** The caller's number (From user part): shown to the operator. */
  readonly callerUser: string;
  readonly callerDisplayName?: string;
  /** PCM rate of the call's media: the operator leg uses the same, so the bridge needs no resampling. */
  readonly sampleRate: 8000 | 16000 | 24000;
  agentPresent(): boolean;
  /** The caller hung up. */
  ended(): boolean;
  readonly log: Logger;
}

export type TransferEvent =
  | { type: 'transfer.started'; callId: string; reason: TransferReason; method: 'refer' | 'bridge'; targets: string[] }
  | { type: 'transfer.answered'; callId: string; method: 'refer' | 'bridge'; target: string }
  | { type: 'transfer.failed'; callId: string; reason: TransferReason; attempts: { target: string; status: number; label: string }[] };

export interface TransferDeps {
  originate(req: OriginateRequest): Promise<CallLeg>;
  /** The engine's prepareOriginate, when it has one (see TransferController.prepare). */
  prepareOriginate?(req: OriginateRequest): Promise<PreparedOriginate>;
  /** Our host for From / Referred-By (sip.publicAddress). */
  publicAddress: string;
  /** Absolute path of a prompt file named in the dialplan. */
  promptPath(name: string): string;
  onEvent(ev: TransferEvent): void;
}

export type TransferState = 'idle' | 'transferring' | 'bridged' | 'referred';

export class TransferController {
  private stateValue: TransferState = 'idle';
  private readonly abort = new AbortController();
  /** The operator's leg once bridged. */
  operatorLeg?: CallLeg;
  /** An INVITE to the first operator made ready for an anticipated reason (see prepare). */
  private prepared?: { key: string; ready: Promise<PreparedOriginate | undefined> };
  private prepareHolds = 0;

  constructor(private readonly call: TransferCall, private readonly policy: OperatorPolicy, private readonly deps: TransferDeps) {}

  get state(): TransferState {
    return this.stateValue;
  }

  /** The caller's leg ended: abandon a hunt in progress (CANCEL) and hang up a bridged operator. */
  callEnded(): void {
    this.abort.abort();
    this.dropPrepared();
    void this.operatorLeg?.hangup('Caller Hung Up');
  }

  /**
   * A transfer may be needed soon for `reason` (an integration with onFailure: transfer is running): allocate
   * the first operator's media and build its INVITE now, so that at the budget's expiry only a datagram has to
   * leave. Each prepare() is paired with an unprepare(); the last one frees what was prepared if unused.
   */
  prepare(reason: TransferReason): void {
    this.prepareHolds++;
    const { policy, deps } = this;
    if (this.prepared || this.stateValue !== 'idle' || policy.method !== 'bridge' || !deps.prepareOriginate) return;
    const target = operatorTargets(policy)[0];
    if (target === undefined) return;
    const headers = contextHeaders(this.call.id, reason, policy);
    const ready = deps.prepareOriginate(this.inviteFor(target, headers)).catch(() => undefined);
    this.prepared = { key: preparedKey(target, headers), ready };
  }

  unprepare(): void {
    this.prepareHolds = Math.max(0, this.prepareHolds - 1);
    if (this.prepareHolds > 0 || this.stateValue !== 'idle') return;
    this.dropPrepared();
  }

  private dropPrepared(): void {
    const p = this.prepared;
    this.prepared = undefined;
    void p?.ready.then((r) => r?.release());
  }

  /** The INVITE for `target`: the prepared one when it was made for exactly this, else a new one. */
  private originate(req: OriginateRequest): Promise<CallLeg> {
    const p = this.prepared;
    if (p && p.key === preparedKey(req.target, req.headers ?? [])) {
      this.prepared = undefined;
      return p.ready.then((r) => (r ? r.start() : this.deps.originate(req)));
    }
    return this.deps.originate(req);
  }

  /** Start a transfer; ignored while one is running or done. Resolves when it settled. */
  async start(reason: TransferReason): Promise<void> {
    if (this.stateValue !== 'idle' || this.call.ended()) return;
    this.stateValue = 'transferring';
    const { call, policy, deps } = this;
    const targets = operatorTargets(policy);
    const headers = contextHeaders(call.id, reason, policy);
    call.log.info({ trigger: reason.trigger, method: policy.method, operators: targets.length }, 'transfer started');
    deps.onEvent({ type: 'transfer.started', callId: call.id, reason, method: policy.method, targets });
    if (call.agentPresent() && reason.trigger !== 'agent-request') {
      call.leg.sendToAgent({ event: 'transferring', transferring: { reason: reason.trigger, ...(reason.integration ? { integration: reason.integration } : {}) } });
    }
    if (!call.agentPresent() && policy.prompt) await call.leg.playLocal({ kind: 'prompt', file: deps.promptPath(policy.prompt) });
    const failures: { target: string; status: number; label: string }[] = [];

    if (policy.method === 'refer') {
      const r = await blindTransfer({
        leg: call.leg, targets, referredBy: `<sip:switchboard@${deps.publicAddress}>`, headers,
        notifyTimeoutMs: policy.referTimeoutMs, cancelled: () => this.abort.signal.aborted,
      });
      for (const a of r.attempts) failures.push({ target: a.target, status: a.finalStatus ?? a.referStatus, label: `refer_${a.outcome}` });
      if (r.ok) {
        this.stateValue = 'referred';
        const target = r.attempts[r.attempts.length - 1]?.target ?? '';
        call.log.info({ attempts: r.attempts.length }, 'transfer completed by REFER');
        deps.onEvent({ type: 'transfer.answered', callId: call.id, method: 'refer', target });
        await call.leg.hangup('Transferred', 'transferred');
        return;
      }
      call.log.warn({ attempts: r.attempts }, 'REFER transfer failed');
      if (policy.fallback === 'none' || this.abort.signal.aborted) return this.failed(reason, failures);
    }

    await call.leg.playLocal({ kind: 'ringback', frequencies: policy.ringback.frequencies, onMs: policy.ringback.onMs, offMs: policy.ringback.offMs, amplitude: policy.ringback.level });
    const hunt = await huntOperators({
      targets, originate: (req) => this.originate(req), cancelled: () => this.abort.signal.aborted,
      request: (target) => this.inviteFor(target, headers),
    });
    this.dropPrepared();
    failures.push(...hunt.attempts.filter((a) => a.status !== 200));
    const op = hunt.leg;
    if (!op) return this.failed(reason, failures);
    if (this.abort.signal.aborted || call.ended()) {
      await op.hangup('Caller Hung Up');
      return;
    }
    try {
      call.leg.bridge(op);
    } catch (e) {
      call.log.error({ err: e instanceof Error ? e.message : String(e) }, 'bridge failed');
      await op.hangup('Bridge Failed');
      return this.failed(reason, [...failures, { target: hunt.attempts[hunt.attempts.length - 1]?.target ?? '', status: 500, label: 'bridge_failed' }]);
    }
    this.operatorLeg = op;
    this.stateValue = 'bridged';
    op.onEnded(() => void call.leg.hangup('Operator Hung Up', 'operator-hangup'));
    const target = hunt.attempts[hunt.attempts.length - 1]?.target ?? '';
    call.log.info({ attempts: hunt.attempts.length }, 'operator answered; call bridged');
    deps.onEvent({ type: 'transfer.answered', callId: call.id, method: 'bridge', target });
  }

  private inviteFor(target: string, headers: [string, string][]): OriginateRequest {
    const { call, policy, deps } = this;
    const user = /^[A-Za-z0-9+*#._~-]+$/.test(call.callerUser) ? call.callerUser : 'anonymous';
    const display = call.callerDisplayName ? `"${call.callerDisplayName.replace(/["\\\r\n]/g, '')}" ` : '';
    return {
      target,
      from: policy.from ?? `${display}<sip:${user}@${deps.publicAddress}>`,
      srtp: target.startsWith('sips:') ? 'required' : policy.srtp,
      media: { sampleRate: call.sampleRate, app: { kind: 'silence' } },
      headers,
      ringTimeoutMs: policy.ringTimeoutMs,
      signal: this.abort.signal,
      near: call.leg.id,
      ...(policy.auth ? { credentials: policy.auth } : {}),
    };
  }

  private async failed(reason: TransferReason, attempts: { target: string; status: number; label: string }[]): Promise<void> {
    const { call, policy, deps } = this;
    deps.onEvent({ type: 'transfer.failed', callId: call.id, reason, attempts });
    if (call.ended() || this.abort.signal.aborted) return;
    await call.leg.playLocal({ kind: 'none' });
    call.log.warn({ attempts }, 'no operator answered');
    if (call.agentPresent()) {
      this.stateValue = 'idle';
      call.leg.sendToAgent({ event: 'transferFailed', transferFailed: { reason: reason.trigger, attempts: attempts.map((a) => ({ status: a.status, outcome: a.label })) } });
      return;
    }
    if (policy.failurePrompt) await call.leg.playLocal({ kind: 'prompt', file: deps.promptPath(policy.failurePrompt) });
    await call.leg.hangup('No Operator Available', 'transfer-failed');
  }
}

/** Identity of an INVITE for reuse: target and context headers (CR/LF cannot occur in either). */
function preparedKey(target: string, headers: [string, string][]): string {
  let key = target;
  for (const [k, v] of headers) key += `\n${k}:${v}`;
  return key;
}
