/**
 * What a transfer needs to know: the route's operator settings (dialplan `operator:`), why the call is being
 * transferred, and the context headers the operator's screen shows.
 */

export interface OperatorPolicy {
  uri: string | string[];
  method: 'refer' | 'bridge';
  fallback: 'bridge' | 'none';
  ringTimeoutMs: number;
  referTimeoutMs: number;
  dtmfKey?: string;
  headers: Record<string, string>;
  from?: string;
  auth?: { username: string; password: string };
  srtp: 'off' | 'optional' | 'required';
  prompt?: string;
  failurePrompt?: string;
  ringback: { frequencies: number[]; onMs: number; offMs: number; level: number };
}

/** Why a call goes to a human; sent as X-Switchboard-Reason and in the transfer events. */
export type TransferTrigger =
  | 'agent-request' | 'agent-unavailable' | 'agent-disconnected' | 'integration-timeout' | 'integration-failed' | 'dtmf';

export interface TransferReason {
  trigger: TransferTrigger;
  /** Free text: the agent's own reason, or the integration's name and error code. */
  detail?: string;
  /** The integration whose failure caused it. */
  integration?: string;
}

export function operatorTargets(p: OperatorPolicy): string[] {
  return Array.isArray(p.uri) ? p.uri : [p.uri];
}

/** Header values must stay on one line and stay short (RFC 3261 §25.1 forbids bare CR/LF). */
function headerSafe(v: string, max = 200): string {
  return v.replace(/[\r\n\0]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').slice(0, max).trim();
}

export function contextHeaders(callId: string, reason: TransferReason, p: OperatorPolicy): [string, string][] {
  const h: [string, string][] = [['X-Switchboard-Call-Id', callId], ['X-Switchboard-Reason', reason.trigger]];
  if (reason.integration) h.push(['X-Switchboard-Integration', headerSafe(reason.integration)]);
  if (reason.detail) h.push(['X-Switchboard-Detail', headerSafe(reason.detail)]);
  for (const [k, v] of Object.entries(p.headers)) h.push([k, v]);
  return h;
}
