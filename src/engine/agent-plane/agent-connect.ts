/**
 * Engine glue shared by both engines: connecting a call's agent on the data plane before answer, and waiting
 * for a prompt Switchboard plays to end.
 */
import type { DataPlane } from '../../media/plane/data-plane.js';
import { RejectionError, type AgentRequest, type InboundCallInfo } from '../engine.js';
import type { AgentCommand, AgentEvent } from './agent-messages.js';

/**
 * Sends `connect` for the call's agent and resolves with the connect time once the agent accepted the
 * WebSocket; rejects with 480 Agent Unavailable otherwise. `wait` registers the resolver that the engine's
 * plane listener calls with the `connected`/`failed` event.
 */
export async function connectAgentOnPlane(plane: DataPlane, call: InboundCallInfo, req: AgentRequest, wait: (resolve: (ev: AgentEvent) => void) => void): Promise<{ connectMs: number }> {
  const cmd: AgentCommand = {
    type: 'connect',
    spec: { url: req.url, protocol: req.protocol, sampleRate: req.sampleRate, headers: req.headers, parameters: req.parameters },
    meta: { callId: call.id, sipCallId: call.sipCallId, from: call.from.user, to: call.to.user, trunk: call.trunk, route: req.meta.route },
    options: { connectTimeoutMs: req.connectTimeoutMs, maxBufferedBytes: req.maxBufferedBytes },
  };
  const ev = await new Promise<AgentEvent>((resolve) => {
    wait(resolve);
    plane.app(call.id, cmd);
  });
  if (ev.type === 'connected') return { connectMs: ev.ms };
  throw new RejectionError({ status: 480, reason: 'Agent Unavailable', label: 'agent_unavailable' });
}

/** The prompt a leg is playing: playLocal() resolves when the data plane reports `localDone` (or the call ends). */
export class PromptWait {
  private done?: () => void;

  /** Settles the previous wait, then waits for this prompt (at once for ringback/none). */
  begin(isPrompt: boolean): Promise<void> {
    this.settle();
    if (!isPrompt) return Promise.resolve();
    return new Promise((resolve) => { this.done = resolve; });
  }

  settle(): void {
    const d = this.done;
    this.done = undefined;
    d?.();
  }
}
