/**
 * A wire dialect between Switchboard and an agent (docs/agent-protocol.md). The link stays the same; the
 * dialect turns call audio/events into frames and frames into audio/commands.
 */
import type { AgentCallMeta, AgentControlEvent, AgentSpec } from '../agent-spec.js';

export type AgentFrame = string | Buffer;

/** What an incoming frame asks for. */
export type AgentInput =
  | { kind: 'audio'; pcm: Int16Array }
  | { kind: 'mark'; name: string }
  | { kind: 'clear' }
  | { kind: 'control'; event: AgentControlEvent }
  | { kind: 'ignored'; event: string }
  | { kind: 'invalid'; reason: string };

export interface Dialect {
  /** Frames sent once the socket opens. */
  opening(meta: AgentCallMeta, spec: AgentSpec): AgentFrame[];
  /** One frame of the caller's audio at the agent's sample rate. */
  audio(pcm: Int16Array): AgentFrame;
  dtmf(digit: string, durationMs: number): AgentFrame;
  markPlayed(name: string): AgentFrame;
  markCleared(name: string): AgentFrame;
  /** A Switchboard → agent control message (integration results, transfer notices…). */
  control(message: Record<string, unknown>): AgentFrame;
  closing(): AgentFrame[];
  parse(frame: Buffer, isBinary: boolean): AgentInput;
}

export function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The agent→Switchboard events defined by Switchboard itself (both dialects). */
export const CONTROL_EVENTS = new Set(['transfer', 'hangup', 'integration']);
