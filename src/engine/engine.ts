/**
 * The ports the call logic needs from a telephony engine. The embedded engine (src/engine/embedded: our own
 * SIP + RTP stack) and the drachtio engine (drachtio-srf + FreeSWITCH) both implement them, so src/call never
 * knows which one runs. Keep this file free of any engine's types.
 */

export type SignallingTransport = 'udp' | 'tcp' | 'tls';

export interface Party {
  /** User part of the URI, %-decoded (what dialplans match on). */
  user: string;
  uri: string;
  displayName?: string;
}

export interface InboundCallInfo {
  /** Switchboard's id for this call (also sent to agents and operators). */
  readonly id: string;
  /** The SIP Call-ID of the inbound leg. */
  readonly sipCallId: string;
  /** The trunk the engine's admission gate matched (source address, transport, digest). */
  readonly trunk: string;
  readonly from: Party;
  readonly to: Party;
  readonly requestUri: string;
  readonly source: { address: string; port: number; transport: SignallingTransport };
  /** Whether the caller's media is SRTP-protected (SDES) or will be. */
  readonly secureMedia: boolean;
  header(name: string): string | undefined;
}

/** Why a call failed before answer, with the SIP status the engine sends. */
export interface Rejection {
  status: number;
  reason: string;
  /** Stable machine label (metrics, events). */
  label: string;
  warning?: string;
}

/** How the call ended after answer. */
export type EndCause =
  | 'caller-hangup' | 'local-hangup' | 'session-expired' | 'ack-timeout' | 'media-timeout' | 'signalling-failure'
  | 'agent-hangup' | 'agent-disconnected' | 'shutdown'
  /** Handed to an operator: REFER accepted and completed, or the bridged operator hung up. */
  | 'transferred' | 'operator-hangup' | 'transfer-failed';

/** The voice-AI agent to connect for a call (a dialplan route's `agent`, plus its budget). */
export interface AgentRequest {
  url: string;
  protocol: 'twilio' | 'l16';
  sampleRate: 8000 | 16000 | 24000;
  headers: Record<string, string>;
  parameters: Record<string, string | number | boolean>;
  /** Call facts the agent receives in its first message. */
  meta: { route: string };
  connectTimeoutMs: number;
  /** Bound on audio queued toward a slow agent. */
  maxBufferedBytes: number;
}

/** What the agent link reports after connect. */
export type AgentLinkEvent =
  | { type: 'control'; event: { event: string; [key: string]: unknown } }
  | { type: 'closed'; code: number; reason: string };

/** What plays the far side of the call's audio on the data plane (before/without an agent). */
export type MediaApplication =
  /** The agent connected with InboundCall.connectAgent. */
  | { kind: 'agent' }
  | { kind: 'echo'; delayMs: number }
  | { kind: 'tone'; frequency: number; amplitude: number }
  | { kind: 'silence' };

export interface MediaRequest {
  /** Sample rate of the PCM on the application side (the agent's rate). */
  sampleRate: 8000 | 16000 | 24000;
  app: MediaApplication;
}

export interface InboundCall extends InboundCallInfo {
  /** 180 Ringing (or 183 with early media when the engine has media ready). */
  progress(kind: 'ringing' | 'early-media'): void;
  /**
   * Negotiate media against the caller's offer per the trunk's SRTP policy and open the media endpoint.
   * Throws a Rejection-carrying error (488/400) when no acceptable media exists.
   */
  prepareMedia(req: MediaRequest): Promise<void>;
  /**
   * Connect the call's agent on the data plane (before answer). Resolves when the agent accepted the
   * WebSocket; rejects with a RejectionError (480) when it cannot be reached within the budget.
   */
  connectAgent(req: AgentRequest): Promise<{ connectMs: number }>;
  /** Send the 2xx; resolves with the established leg. */
  answer(): Promise<CallLeg>;
  reject(r: Rejection): void;
  /** The caller gave up before answer (CANCEL). */
  onCancel(cb: () => void): void;
}

/** A call's media statistics at its end (RTP/RTCP, RFC 3550), for metrics and the end event. */
export interface MediaSummary {
  packetsReceived: number;
  packetsSent: number;
  packetsLost: number;
  jitterMs: number;
  rttMs?: number;
  srtpFailures: number;
  concealedFrames: number;
  firstAudioOutMs?: number;
  /** Caller audio frames not sent to an agent that was not keeping up. */
  agentFramesDropped?: number;
}

/**
 * Switchboard's own audio toward the caller, heard whenever the agent has nothing queued (or is gone):
 * ringback while an operator rings, a prompt (a 16-bit PCM WAV file), or nothing.
 */
export type CallerAudio =
  | { kind: 'ringback'; frequencies: number[]; onMs: number; offMs: number; amplitude: number }
  | { kind: 'prompt'; file: string }
  | { kind: 'none' };

/** A blind transfer (RFC 3515 REFER) of the far end of a leg. */
export interface ReferRequest {
  /** Refer-To: a SIP URI or name-addr. */
  target: string;
  referredBy?: string;
  headers: [string, string][];
  /** Wait this long after 202 for the NOTIFY carrying the referred call's final status. */
  notifyTimeoutMs: number;
}

export interface ReferOutcome {
  outcome: 'success' | 'rejected' | 'failed' | 'timeout';
  /** Status of the REFER transaction (202 when accepted). */
  referStatus: number;
  /** Final status of the referred call (sipfrag), when one arrived. */
  finalStatus?: number;
}

export interface CallLeg {
  readonly id: string;
  /** End the call with BYE; `cause` labels why (default local-hangup). */
  hangup(reason?: string, cause?: EndCause): Promise<void>;
  /** Once, when the call ended; media statistics when the engine has them. */
  onEnded(cb: (cause: EndCause, media?: MediaSummary) => void): void;
  /** DTMF from RFC 4733 or SIP INFO (one event per key press). */
  onDtmf(cb: (digit: string, durationMs: number) => void): void;
  /** Control events from the call's agent, and its disconnection. */
  onAgent(cb: (ev: AgentLinkEvent) => void): void;
  /** A Switchboard → agent message (integration results, transfer notices). */
  sendToAgent(message: Record<string, unknown>): void;
  /** Close the agent link (the agent gets `stop`); the call stays up. */
  disconnectAgent(): void;
  /** Play Switchboard's own audio to this leg; resolves when a prompt has played (at once for ringback/none). */
  playLocal(audio: CallerAudio): Promise<void>;
  /**
   * Relay audio between this leg and another answered leg of the same engine (transcoding when codecs differ);
   * both legs' applications (the agent link) are closed. Throws when the legs cannot be bridged.
   */
  bridge(other: CallLeg): void;
  /** Blind transfer of the far end (REFER, then NOTIFYs); never rejects. */
  refer(req: ReferRequest): Promise<ReferOutcome>;
}

/** An outbound call (operator bridge, REST-started calls). */
export interface OriginateRequest {
  /** SIP URI to call, e.g. sip:200@pbx.example;transport=tls */
  target: string;
  /** From as a name-addr or URI; a tag is added. */
  from: string;
  /** SRTP policy for our offer: off (RTP/AVP), optional (RTP/AVP with crypto lines), required (RTP/SAVP). */
  srtp: 'off' | 'optional' | 'required';
  /** SRTP suites to offer, in preference order (default: all supported). */
  cryptoSuites?: string[];
  media: MediaRequest;
  headers?: [string, string][];
  /** Digest credentials for a 401/407 from the far end. */
  credentials?: { username: string; password: string };
  /** CANCEL when not answered within this long (the promise rejects with 408 / label no_answer). */
  ringTimeoutMs?: number;
  /** CANCEL when this signal aborts (the caller hung up meanwhile); rejects with 487. */
  signal?: AbortSignal;
  /** A leg this call will be bridged to: the engine places both where their media can meet. */
  near?: string;
}

/** An outbound call made ready (media allocated, INVITE built) but not sent: `start()` sends it at once. */
export interface PreparedOriginate {
  /** Send the INVITE; as Engine.originate from there on. Once only. */
  start(): Promise<CallLeg>;
  /** Not needed after all: free what was allocated. No-op once started. */
  release(): void;
}

export interface EngineStats {
  activeCalls: number;
  pendingCalls: number;
  /** False while the engine cannot take calls (its servers are unreachable); why, in `unavailable`. */
  ready: boolean;
  unavailable?: string;
}

export interface Engine {
  readonly name: 'embedded' | 'drachtio';
  start(): Promise<void>;
  /** Stop accepting new calls (new INVITEs get 503); live calls continue. */
  drain(): void;
  /** End live calls and close listeners. */
  stop(): Promise<void>;
  onInboundCall(handler: (call: InboundCall) => void): void;
  /** Place a call; resolves with the answered leg, rejects with a RejectionError carrying the final status. */
  originate(req: OriginateRequest): Promise<CallLeg>;
  /**
   * Do the slow part of originate ahead of time (when a transfer may be needed soon); engines that cannot
   * leave it out and callers use originate.
   */
  prepareOriginate?(req: OriginateRequest): Promise<PreparedOriginate>;
  stats(): EngineStats;
}

export class RejectionError extends Error {
  constructor(readonly rejection: Rejection) {
    super(`${rejection.status} ${rejection.reason}`);
    this.name = 'RejectionError';
  }
}
