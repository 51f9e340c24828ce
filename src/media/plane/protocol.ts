import type { ProbeSummary } from '../media-probe.js';

/**
 * The one narrow, typed message port between the control plane (main thread: SIP, calls) and the data plane
 * (worker threads: RTP/SRTP, codecs, agent audio). Commands go down, events come up; everything here must be
 * structured-clone safe. A packet never crosses this port.
 */

export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
export type CodecName = 'PCMU' | 'PCMA' | 'G722';

/** What offer/answer agreed for the call's audio stream (src/sdp NegotiatedMedia, serialisable). */
export interface MediaSpec {
  remoteAddress: string;
  remotePort: number;
  rtcpPort: number;
  rtcpMux: boolean;
  payloadType: number;
  codec: CodecName;
  /** Milliseconds per packet we send. */
  ptime: number;
  telephoneEventPt?: number;
  /** Our direction. */
  direction: Direction;
  srtp?: { suite: string; localKey: Uint8Array; remoteKey: Uint8Array };
}

/** What plays the far side of the call until the agent link exists: the audio "application" of the session. */
export type MediaApp =
  | { kind: 'echo'; delayMs: number }
  | { kind: 'silence' }
  | { kind: 'tone'; frequency: number; amplitude: number }
  /** Supplied by the thread's AppProvider (the agent link), set up earlier with `app` commands. */
  | { kind: 'provided' };

/**
 * Switchboard's own audio toward the caller, played whenever the application (the agent) has nothing queued:
 * ringback while an operator rings, a prompt (a WAV file) before a transfer or a hang-up.
 */
export type LocalAudio =
  | { kind: 'ringback'; frequencies: number[]; onMs: number; offMs: number; amplitude: number }
  | { kind: 'prompt'; file: string }
  | { kind: 'none' };

export interface MediaOptions {
  /** PCM rate of the application side (the agent's rate). */
  pcmRate: 8000 | 16000 | 24000;
  app: MediaApp;
  /** Write the caller's audio (…-in.wav) and what was sent (…-out.wav) here, at the PCM rate. */
  recordDir?: string;
  /** Latch to the address media actually arrives from (symmetric RTP). */
  symmetricRtp: boolean;
  /** End the call when no RTP arrives this long while we expect to receive (0 = never). */
  inactivityTimeoutMs: number;
  /** When nothing is queued to send: keep sending encoded silence (PBX media timeouts) or send nothing. */
  keepalive: 'silence' | 'none';
  /** Receive-side jitter buffer bounds. */
  jitterMinMs: number;
  jitterMaxMs: number;
  /** RTCP report interval (randomised ±50 %, RFC 3550 §6.3.1). */
  rtcpIntervalMs: number;
}

export interface MediaStats {
  packetsReceived: number;
  packetsSent: number;
  packetsLost: number;
  /** Interarrival jitter, ms (RFC 3550 A.8). */
  jitterMs: number;
  /** From RTCP LSR/DLSR, ms; undefined until a report came back. */
  rttMs?: number;
  srtpFailures: number;
  concealedFrames: number;
  lateFrames: number;
  framesDelivered: number;
  /** Start of media to the first application audio (not keepalive silence) leaving as RTP, ms. */
  firstAudioOutMs?: number;
  /** The application's own counters (agent link: frames to/from the agent, drops toward a slow agent, marks…). */
  app?: Record<string, number>;
}

export type PlaneCommand =
  /** `near`: place the session on the thread of that call (a bridge needs both legs on one thread). */
  | { op: 'allocate'; id: string; near?: string }
  | { op: 'start'; id: string; media: MediaSpec; options: MediaOptions }
  | { op: 'update'; id: string; media: MediaSpec }
  | { op: 'sendDtmf'; id: string; digit: string; durationMs: number }
  | { op: 'local'; id: string; audio: LocalAudio }
  /** Relay the PCM of two sessions of this thread to each other; their applications are closed. */
  | { op: 'bridge'; id: string; peer: string }
  | { op: 'close'; id: string }
  | { op: 'probe'; reset: boolean }
  /** A command for the thread's AppProvider (e.g. connect the agent); its payload is the provider's business. */
  | { op: 'app'; id: string; payload: unknown }
  | { op: 'shutdown' };

export type EndReason = 'media-timeout';

export type PlaneEvent =
  | { ev: 'allocated'; id: string; port: number }
  | { ev: 'failed'; id: string; code: 'MEDIA_PORTS_EXHAUSTED' | 'MEDIA_START' | 'MEDIA_BRIDGE'; message: string }
  | { ev: 'dtmf'; id: string; digit: string; durationMs: number }
  | { ev: 'ended'; id: string; reason: EndReason }
  /** A prompt finished (or could not be played: `error`). */
  | { ev: 'localDone'; id: string; error?: string }
  | { ev: 'closed'; id: string; stats: MediaStats }
  | { ev: 'probe'; id: ''; summary: ProbeSummary }
  | { ev: 'app'; id: string; payload: unknown };
