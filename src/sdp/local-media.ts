/**
 * What we can do, as the options of offer/answer: the audio codecs we implement in preference
 * order, DTMF (RFC 4733 telephone-event), packetisation time, our RTP address and port, the SRTP
 * policy and suites, and the o= line fields.
 */
import { randomInt } from 'node:crypto';
import { SwitchboardError } from '../shared/errors.js';
import { SRTP_SUITE_NAMES, isSrtpSuite, type SrtpSuite } from './crypto-attribute.js';

export type AudioCodec = 'PCMU' | 'PCMA' | 'G722';

export interface AudioCodecInfo {
  codec: AudioCodec;
  /** RFC 3551 static payload type. */
  payloadType: number;
  /** RTP timestamp clock rate. */
  clockRate: number;
  /** Audio sample rate of the decoded signal. */
  sampleRate: number;
}

/** RFC 3551 §4.5.14 (PCMU, PCMA) and §4.5.2 (G722: 16 kHz audio, but an 8000 Hz RTP clock). */
export const AUDIO_CODECS: Readonly<Record<AudioCodec, AudioCodecInfo>> = {
  PCMU: { codec: 'PCMU', payloadType: 0, clockRate: 8000, sampleRate: 8000 },
  PCMA: { codec: 'PCMA', payloadType: 8, clockRate: 8000, sampleRate: 8000 },
  G722: { codec: 'G722', payloadType: 9, clockRate: 8000, sampleRate: 16000 },
};

/**
 * off: plain RTP only (an RTP/SAVP offer gets 488).
 * optional: RTP or SRTP, whichever the peer offers; our own offers are RTP/AVP with a=crypto.
 * required: SRTP only (a plain RTP/AVP offer gets 488); our offers are RTP/SAVP.
 */
export type SrtpPolicy = 'off' | 'optional' | 'required';

/** The offerer's codec order or ours decides when both sides share several codecs. */
export type CodecPreference = 'local' | 'remote';

export interface TelephoneEventOptions {
  /** Dynamic payload type used in our offers (answers reuse the offerer's). */
  payloadType?: number;
  /** RFC 4733 events we accept, as the fmtp value (e.g. "0-16"). */
  events?: string;
}

export interface LocalMediaOptions {
  /** Our RTP address (IPv4 or IPv6), written in c= and o=. */
  address: string;
  /** Our RTP port. */
  port: number;
  /** Codecs in preference order. */
  codecs?: readonly AudioCodec[];
  /** RFC 4733 DTMF events; false to neither offer nor accept them. */
  telephoneEvent?: TelephoneEventOptions | false;
  /** Packetisation time in ms we use unless the peer asks for another (a multiple of 10, 10..60). */
  ptime?: number;
  srtp?: SrtpPolicy;
  /** SRTP suites we accept, in preference order for our offers. */
  cryptoSuites?: readonly SrtpSuite[];
  /** RFC 5761: accept (and offer) RTP/RTCP multiplexing on one port. */
  rtcpMux?: boolean;
  codecPreference?: CodecPreference;
  /** o= username; RFC 4566 §5.2 suggests "-" when there is no user id. */
  username?: string;
  /** o= sess-id (numeric string); random when not given. */
  sessionId?: string;
  /** o= sess-version of the first description; defaults to the session id. */
  sessionVersion?: string | number | bigint;
  /** s= text. */
  sessionName?: string;
}

export interface LocalMedia {
  address: string;
  addrType: 'IP4' | 'IP6';
  port: number;
  codecs: readonly AudioCodec[];
  telephoneEvent: { payloadType: number; events: string } | undefined;
  ptime: number;
  srtp: SrtpPolicy;
  cryptoSuites: readonly SrtpSuite[];
  rtcpMux: boolean;
  codecPreference: CodecPreference;
  username: string;
  sessionId: string;
  sessionVersion: string;
  sessionName: string;
}

export interface LocalMediaDefaults {
  codecs: readonly AudioCodec[];
  telephoneEventPayloadType: number;
  telephoneEvents: string;
  ptime: number;
  srtp: SrtpPolicy;
  cryptoSuites: readonly SrtpSuite[];
  rtcpMux: boolean;
  codecPreference: CodecPreference;
  username: string;
  sessionName: string;
  /** Upper bound (exclusive) of random session ids. */
  sessionIdLimit: number;
}

export const LOCAL_MEDIA_DEFAULTS: Readonly<LocalMediaDefaults> = {
  // G.711 first: every trunk speaks it; G.722 when configured first or when it is all the peer offers.
  codecs: ['PCMU', 'PCMA', 'G722'],
  telephoneEventPayloadType: 101,
  // RFC 4733 DTMF events: 0-9 * # A-D are 0-15, flash is 16.
  telephoneEvents: '0-16',
  ptime: 20,
  srtp: 'off',
  cryptoSuites: SRTP_SUITE_NAMES,
  // Off until the media layer demultiplexes RTCP from RTP on one port (RFC 5761 §4).
  rtcpMux: false,
  codecPreference: 'local',
  username: '-',
  sessionName: 'switchboard',
  // 2^47: an integer JS holds exactly, far below the 2^63 that 64-bit parsers of o= allow.
  sessionIdLimit: 2 ** 47,
};

const MIN_DYNAMIC_PT = 96;
const MAX_DYNAMIC_PT = 127;

/** RFC 3551 framing we implement: whole multiples of 10 ms from 10 to 60 ms. */
export const PTIME_STEP_MS = 10;
export const MIN_PTIME_MS = 10;
export const MAX_PTIME_MS = 60;

export function isSupportedPtime(ms: number): boolean {
  return Number.isInteger(ms) && ms >= MIN_PTIME_MS && ms <= MAX_PTIME_MS && ms % PTIME_STEP_MS === 0;
}

function invalid(reason: string): SwitchboardError {
  return new SwitchboardError('CONFIG_INVALID', `local media: ${reason}`);
}

function isNumericString(s: string): boolean {
  return s.length > 0 && [...s].every((c) => c >= '0' && c <= '9');
}

/** Fills in defaults and checks the options; throws SwitchboardError('CONFIG_INVALID') on a bad value. */
export function resolveLocalMedia(options: LocalMediaOptions): LocalMedia {
  const d = LOCAL_MEDIA_DEFAULTS;
  if (options.address.length === 0) throw invalid('address is empty');
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw invalid('port must be 1..65535');
  }
  const codecs = options.codecs ?? d.codecs;
  if (codecs.length === 0) throw invalid('at least one codec is needed');
  for (const c of codecs) if (!Object.hasOwn(AUDIO_CODECS, c)) throw invalid(`unknown codec ${String(c)}`);
  const ptime = options.ptime ?? d.ptime;
  if (!isSupportedPtime(ptime)) throw invalid('ptime must be a multiple of 10 from 10 to 60');
  let telephoneEvent: LocalMedia['telephoneEvent'];
  if (options.telephoneEvent !== false) {
    const payloadType = options.telephoneEvent?.payloadType ?? d.telephoneEventPayloadType;
    if (!Number.isInteger(payloadType) || payloadType < MIN_DYNAMIC_PT || payloadType > MAX_DYNAMIC_PT) {
      throw invalid('telephone-event payload type must be dynamic (96..127)');
    }
    telephoneEvent = { payloadType, events: options.telephoneEvent?.events ?? d.telephoneEvents };
  }
  const srtp = options.srtp ?? d.srtp;
  const cryptoSuites = options.cryptoSuites ?? d.cryptoSuites;
  for (const s of cryptoSuites) if (!isSrtpSuite(s)) throw invalid(`unknown crypto suite ${String(s)}`);
  if (srtp !== 'off' && cryptoSuites.length === 0) throw invalid('srtp needs at least one crypto suite');
  const sessionId = options.sessionId ?? String(randomInt(1, d.sessionIdLimit));
  const sessionVersion = String(options.sessionVersion ?? sessionId);
  if (!isNumericString(sessionId) || !isNumericString(sessionVersion)) {
    throw invalid('session id and version must be decimal');
  }
  const username = options.username ?? d.username;
  if (username.length === 0 || username.includes(' ')) throw invalid('username must be one non-empty token');
  return {
    address: options.address,
    addrType: options.address.includes(':') ? 'IP6' : 'IP4',
    port: options.port,
    codecs,
    telephoneEvent,
    ptime,
    srtp,
    cryptoSuites,
    rtcpMux: options.rtcpMux ?? d.rtcpMux,
    codecPreference: options.codecPreference ?? d.codecPreference,
    username,
    sessionId,
    sessionVersion,
    sessionName: options.sessionName ?? d.sessionName,
  };
}
