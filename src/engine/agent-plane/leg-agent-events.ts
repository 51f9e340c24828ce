/**
 * The agent side of an answered leg, the same on both engines: the data plane's agent-link events turned into
 * CallLeg.onAgent callbacks (held until the call layer subscribes: the agent may hang up or go away while the
 * call rings, and answer() replays those events first), and the prompt a leg is playing (localDone).
 */
import type { Logger } from '../../observability/logger.js';
import type { PlaneEvent } from '../../media/plane/protocol.js';
import type { AgentLinkEvent } from '../engine.js';
import { PromptWait } from './agent-connect.js';
import { isAgentEvent, type AgentEvent } from './agent-messages.js';

/** The `connected`/`failed` answer to a pending connectAgent(), if `ev` is one. */
export function agentConnectResult(ev: PlaneEvent): AgentEvent | undefined {
  if (ev.ev !== 'app' || !isAgentEvent(ev.payload)) return undefined;
  return ev.payload.type === 'connected' || ev.payload.type === 'failed' ? ev.payload : undefined;
}

export class LegAgentEvents {
  private readonly cbs: ((ev: AgentLinkEvent) => void)[] = [];
  private readonly backlog: AgentLinkEvent[] = [];
  readonly prompt = new PromptWait();

  constructor(private readonly callId: string, private readonly logger: Logger) {}

  onAgent(cb: (ev: AgentLinkEvent) => void): void {
    this.cbs.push(cb);
    for (const ev of this.backlog.splice(0)) cb(ev);
  }

  /** Takes the agent-link and local-audio events; false for any other event (the engine's own). */
  handle(ev: PlaneEvent): boolean {
    if (ev.ev === 'localDone') {
      if (ev.error) this.logger.warn({ callId: this.callId, err: ev.error }, 'prompt could not be played');
      this.prompt.settle();
      return true;
    }
    if (ev.ev !== 'app' || !isAgentEvent(ev.payload)) return false;
    const p = ev.payload;
    if (p.type === 'control') this.deliver({ type: 'control', event: p.event });
    else if (p.type === 'closed') this.deliver({ type: 'closed', code: p.code, reason: p.reason });
    else if (p.type === 'ignored') this.logger.debug({ callId: this.callId, event: p.event }, 'unknown agent event ignored');
    return true;
  }

  private deliver(ev: AgentLinkEvent): void {
    if (this.cbs.length === 0) this.backlog.push(ev);
    else for (const cb of this.cbs) cb(ev);
  }
}
