/** A CallLeg that records what the transfer asked of it (no engine). */
import { RejectionError, type AgentLinkEvent, type CallerAudio, type CallLeg, type EndCause, type MediaSummary, type OriginateRequest, type ReferOutcome, type ReferRequest } from '../../../src/engine/engine.js';

export class FakeLeg implements CallLeg {
  readonly sent: Record<string, unknown>[] = [];
  readonly audio: CallerAudio['kind'][] = [];
  readonly refers: ReferRequest[] = [];
  bridgedTo?: CallLeg;
  hungUp?: { reason: string; cause: EndCause | undefined };
  agentDisconnected = false;
  referOutcomes: ReferOutcome[] = [];
  private ended: ((c: EndCause, m?: MediaSummary) => void)[] = [];
  private agent: ((ev: AgentLinkEvent) => void)[] = [];
  private dtmfCbs: ((d: string, ms: number) => void)[] = [];

  constructor(readonly id: string) {}

  async hangup(reason = 'Normal Clearing', cause?: EndCause): Promise<void> {
    if (this.hungUp) return;
    this.hungUp = { reason, cause };
    for (const cb of this.ended) cb(cause ?? 'local-hangup');
  }
  onEnded(cb: (cause: EndCause, media?: MediaSummary) => void): void { this.ended.push(cb); }
  onDtmf(cb: (digit: string, durationMs: number) => void): void { this.dtmfCbs.push(cb); }
  onAgent(cb: (ev: AgentLinkEvent) => void): void { this.agent.push(cb); }
  sendToAgent(message: Record<string, unknown>): void { this.sent.push(message); }
  disconnectAgent(): void { this.agentDisconnected = true; }
  async playLocal(audio: CallerAudio): Promise<void> { this.audio.push(audio.kind); }
  bridge(other: CallLeg): void { this.bridgedTo = other; }
  async refer(req: ReferRequest): Promise<ReferOutcome> {
    this.refers.push(req);
    return this.referOutcomes.shift() ?? { outcome: 'timeout', referStatus: 202 };
  }
  /** Test hooks: the far end's events. */
  emitAgent(ev: AgentLinkEvent): void { for (const cb of this.agent) cb(ev); }
  emitDtmf(digit: string): void { for (const cb of this.dtmfCbs) cb(digit, 100); }
  remoteBye(): void { for (const cb of this.ended) cb('caller-hangup'); }
}

/** An engine's originate() scripted per target: answer after a delay, or fail with a status. */
export function scriptedOriginate(script: Record<string, { answerAfterMs?: number; status?: number }>, seen: OriginateRequest[] = []) {
  return (req: OriginateRequest): Promise<CallLeg> => {
    seen.push(req);
    const s = script[req.target] ?? { status: 404 };
    return new Promise((resolve, reject) => {
      const fail = (status: number, label: string): void => reject(new RejectionError({ status, reason: label, label }));
      if (s.status !== undefined) return fail(s.status, `outbound_${s.status}`);
      const timer = setTimeout(() => resolve(new FakeLeg(`op-${req.target}`)), s.answerAfterMs ?? 0);
      if (req.ringTimeoutMs !== undefined && (s.answerAfterMs ?? 0) > req.ringTimeoutMs) {
        clearTimeout(timer);
        setTimeout(() => fail(408, 'no_answer'), req.ringTimeoutMs);
      }
      req.signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        fail(487, 'cancelled');
      });
    });
  };
}
