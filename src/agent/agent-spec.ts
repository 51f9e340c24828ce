/** What the data plane needs to reach a call's voice-AI agent (from the dialplan route's `agent`). */
export interface AgentSpec {
  url: string;
  protocol: 'twilio' | 'l16';
  sampleRate: 8000 | 16000 | 24000;
  headers: Record<string, string>;
  parameters: Record<string, string | number | boolean>;
}

/** Call facts sent to the agent in its first message. */
export interface AgentCallMeta {
  callId: string;
  from: string;
  to: string;
  trunk: string;
  route: string;
  /** SIP Call-ID of the inbound leg. */
  sipCallId: string;
}

export interface AgentLinkOptions {
  connectTimeoutMs: number;
  /** Most bytes queued toward a slow agent before audio to it is dropped (and counted). */
  maxBufferedBytes: number;
}

/** Switchboard's own agent→bridge events and anything else the call layer must see (integrations, transfer). */
export interface AgentControlEvent {
  event: string;
  [key: string]: unknown;
}
