/** Payloads of the data plane's `app` commands/events for the agent link (main ⇄ worker). */
import type { AgentCallMeta, AgentControlEvent, AgentLinkOptions, AgentSpec } from '../../agent/agent-spec.js';
import type { AgentLinkStats } from '../../agent/agent-link.js';

export type AgentCommand =
  | { type: 'connect'; spec: AgentSpec; meta: AgentCallMeta; options: AgentLinkOptions }
  | { type: 'send'; message: Record<string, unknown> }
  | { type: 'dtmf'; digit: string; durationMs: number }
  | { type: 'disconnect' };

export type AgentEvent =
  | { type: 'connected'; ms: number }
  | { type: 'failed'; reason: string }
  | { type: 'closed'; code: number; reason: string; stats: AgentLinkStats }
  | { type: 'control'; event: AgentControlEvent }
  | { type: 'ignored'; event: string };

export function isAgentEvent(p: unknown): p is AgentEvent {
  return typeof p === 'object' && p !== null && typeof (p as { type?: unknown }).type === 'string';
}
