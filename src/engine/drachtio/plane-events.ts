/** Data-plane events of a drachtio call (fork session + agent link), turned into the engine port's callbacks. */
import type { PlaneEvent } from '../../media/plane/protocol.js';
import { isAgentEvent, type AgentEvent } from '../agent-plane/agent-messages.js';
import type { AgentLinkEvent } from '../engine.js';

export interface PlaneEventSink {
  agent(ev: AgentLinkEvent): void;
  ignored(event: string): void;
  localDone(error?: string): void;
}

/** Routes one plane event; returns the agent connect/fail event for a pending connectAgent(). */
export function routePlaneEvent(ev: PlaneEvent, sink: PlaneEventSink): AgentEvent | undefined {
  if (ev.ev === 'app' && isAgentEvent(ev.payload)) {
    const p = ev.payload;
    if (p.type === 'connected' || p.type === 'failed') return p;
    if (p.type === 'control') sink.agent({ type: 'control', event: p.event });
    else if (p.type === 'closed') sink.agent({ type: 'closed', code: p.code, reason: p.reason });
    else if (p.type === 'ignored') sink.ignored(p.event);
  } else if (ev.ev === 'localDone') sink.localDone(ev.error);
  return undefined;
}
