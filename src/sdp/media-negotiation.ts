/**
 * Rules shared by both roles of RFC 3264 offer/answer for one audio stream: direction algebra
 * (§6.1), hold detection (§8.4), the peer's RTP/RTCP transport address (RFC 3605, RFC 5761),
 * ptime, format classification, building our m= section and session, and o= versioning (§8).
 */
import { isSwitchboardError } from '../shared/errors.js';
import { serializeCryptoAttribute, type CryptoAttribute } from './crypto-attribute.js';
import { AUDIO_CODECS, isSupportedPtime, type AudioCodec, type LocalMedia } from './local-media.js';
import {
  formatRtpMap,
  getMaxPtime,
  getPtime,
  getRtcp,
  getRtpMaps,
  STATIC_AUDIO_PAYLOAD_TYPES,
  type RtpMap,
} from './media-attributes.js';
import { SdpNegotiationError } from './negotiation-error.js';
import { isDigits, parseSdp } from './parse.js';
import { serializeSdp } from './serialize.js';
import type {
  Attribute,
  MediaDescription,
  MediaDirection,
  Origin,
  SessionDescription,
  Timing,
} from './session-description.js';

/** The peer's description, parsed if it is text; a body that is not SDP becomes a 400 SdpNegotiationError. */
export function toSessionDescription(sdp: string | SessionDescription): SessionDescription {
  if (typeof sdp !== 'string') return sdp;
  try {
    return parseSdp(sdp);
  } catch (e) {
    if (isSwitchboardError(e, 'SDP_PARSE')) throw SdpNegotiationError.malformed(e.message, e);
    throw e;
  }
}

export const TELEPHONE_EVENT = 'telephone-event';
/** RFC 4733: events use the RTP clock of the audio they accompany; all our codecs clock at 8000. */
export const TELEPHONE_EVENT_CLOCK_RATE = 8000;

/** RFC 3264 §6.1: the answer's direction for an offered one, seen from the other side. */
export function reverseDirection(d: MediaDirection): MediaDirection {
  if (d === 'sendonly') return 'recvonly';
  if (d === 'recvonly') return 'sendonly';
  return d;
}

const canSend = (d: MediaDirection): boolean => d === 'sendrecv' || d === 'sendonly';
const canReceive = (d: MediaDirection): boolean => d === 'sendrecv' || d === 'recvonly';

function direction(send: boolean, receive: boolean): MediaDirection {
  if (send && receive) return 'sendrecv';
  if (send) return 'sendonly';
  return receive ? 'recvonly' : 'inactive';
}

/** The direction allowed by both `a` and `b`. */
export function intersectDirections(a: MediaDirection, b: MediaDirection): MediaDirection {
  return direction(canSend(a) && canSend(b), canReceive(a) && canReceive(b));
}

/** RFC 3264 §8.4: c=0.0.0.0 (RFC 2543 hold) means send neither RTP nor RTCP to the peer; `::` likewise. */
export function isUnspecifiedAddress(address: string): boolean {
  return address === '0.0.0.0' || address === '::';
}

function stripTtl(address: string): string {
  const slash = address.indexOf('/');
  return slash < 0 ? address : address.slice(0, slash);
}

export interface RemoteEndpoint {
  address: string;
  port: number;
  /** a=rtcp port, else port + 1 (RFC 3550 §11); the RTP port itself when RTCP is multiplexed. */
  rtcpPort: number;
}

/** Where the peer receives this stream; a media section with no c= at either level is malformed (RFC 4566 §5.7). */
export function remoteEndpoint(
  session: SessionDescription,
  media: MediaDescription,
  rtcpMux: boolean,
): RemoteEndpoint {
  const c = media.connection ?? session.connection;
  if (c === undefined) throw SdpNegotiationError.malformed('audio stream has no c= line');
  const rtcpPort = rtcpMux ? media.port : (getRtcp(media)?.port ?? media.port + 1);
  return { address: stripTtl(c.address), port: media.port, rtcpPort };
}

/**
 * The peer's a=ptime when it is one we can frame (a multiple of 10 from 10 to 60); else ours, capped
 * by a=maxptime when that is given.
 */
export function negotiatePtime(media: MediaDescription, localPtime: number): number {
  const offered = getPtime(media);
  if (offered !== undefined && isSupportedPtime(offered)) return offered;
  const max = getMaxPtime(media);
  if (max !== undefined && max < localPtime) {
    const capped = Math.floor(max / 10) * 10;
    if (isSupportedPtime(capped)) return capped;
  }
  return localPtime;
}

export type FormatKind = AudioCodec | typeof TELEPHONE_EVENT;

/** What an rtpmap denotes among the formats we implement (mono only; codec names are case-insensitive). */
export function classifyRtpMap(map: RtpMap): FormatKind | undefined {
  if (map.channels !== undefined && map.channels !== 1) return undefined;
  const name = map.encodingName.toUpperCase();
  if (name === 'TELEPHONE-EVENT') {
    return map.clockRate === TELEPHONE_EVENT_CLOCK_RATE ? TELEPHONE_EVENT : undefined;
  }
  for (const info of Object.values(AUDIO_CODECS)) {
    if (info.codec === name && info.clockRate === map.clockRate) return info.codec;
  }
  return undefined;
}

export interface KnownFormat {
  payloadType: number;
  kind: FormatKind;
}

/** The m= line formats we implement, in the order written, typed by their rtpmap or RFC 3551 static type. */
export function knownFormats(media: MediaDescription): KnownFormat[] {
  const maps = getRtpMaps(media);
  const out: KnownFormat[] = [];
  for (const fmt of media.formats) {
    if (!isDigits(fmt) || fmt.length > 3) continue;
    const payloadType = Number(fmt);
    const map = maps.get(payloadType) ?? STATIC_AUDIO_PAYLOAD_TYPES.get(payloadType);
    const kind = map === undefined ? undefined : classifyRtpMap(map);
    if (kind !== undefined) out.push({ payloadType, kind });
  }
  return out;
}

export interface AudioSectionPlan {
  port: number;
  protocol: string;
  /** Codecs in the order to list them. */
  codecs: ReadonlyArray<{ codec: AudioCodec; payloadType: number }>;
  telephoneEvent?: { payloadType: number; events: string } | undefined;
  ptime: number;
  cryptos: readonly CryptoAttribute[];
  rtcpMux: boolean;
  direction: MediaDirection;
}

/** Our audio m= section: formats, rtpmaps (static ones restated), fmtp, ptime, crypto, rtcp-mux, direction. */
export function buildAudioSection(plan: AudioSectionPlan): MediaDescription {
  const formats: string[] = [];
  const attributes: Attribute[] = [];
  for (const { codec, payloadType } of plan.codecs) {
    formats.push(String(payloadType));
    const clockRate = AUDIO_CODECS[codec].clockRate;
    attributes.push({ name: 'rtpmap', value: formatRtpMap({ payloadType, encodingName: codec, clockRate }) });
  }
  const te = plan.telephoneEvent;
  if (te !== undefined) {
    formats.push(String(te.payloadType));
    const map = { payloadType: te.payloadType, encodingName: TELEPHONE_EVENT, clockRate: TELEPHONE_EVENT_CLOCK_RATE };
    attributes.push({ name: 'rtpmap', value: formatRtpMap(map) });
    attributes.push({ name: 'fmtp', value: `${te.payloadType} ${te.events}` });
  }
  attributes.push({ name: 'ptime', value: String(plan.ptime) });
  for (const c of plan.cryptos) attributes.push({ name: 'crypto', value: serializeCryptoAttribute(c) });
  if (plan.rtcpMux) attributes.push({ name: 'rtcp-mux' });
  attributes.push({ name: plan.direction });
  const { port, protocol } = plan;
  return { type: 'audio', port, protocol, formats, bandwidths: [], attributes, otherLines: [] };
}

/** RFC 3264 §6: a stream is rejected by answering it with port 0 (the formats are echoed to keep the line valid). */
export function rejectedSection(offered: MediaDescription): MediaDescription {
  return {
    type: offered.type,
    port: 0,
    protocol: offered.protocol,
    formats: offered.formats.length > 0 ? [...offered.formats] : ['0'],
    bandwidths: [],
    attributes: [],
    otherLines: [],
  };
}

/** `t=0 0`: an unbounded session (RFC 4566 §5.9), what every SIP endpoint writes. */
function defaultTiming(): Timing {
  return { start: '0', stop: '0', repeats: [] };
}

export function initialOrigin(local: LocalMedia): Origin {
  return {
    username: local.username,
    sessionId: local.sessionId,
    sessionVersion: local.sessionVersion,
    netType: 'IN',
    addrType: local.addrType,
    address: local.address,
  };
}

/** Our session: v, o, s, a session-level c= with our address, the given t= lines (default `t=0 0`), media. */
export function buildSession(
  origin: Origin,
  local: LocalMedia,
  timings: readonly Timing[],
  media: MediaDescription[],
): SessionDescription {
  return {
    version: 0,
    origin,
    sessionName: local.sessionName,
    connection: { netType: 'IN', addrType: local.addrType, address: local.address },
    bandwidths: [],
    timings: timings.length > 0 ? timings.map((t) => ({ ...t, repeats: [...t.repeats] })) : [defaultTiming()],
    attributes: [],
    media,
    otherLines: [],
  };
}

function incrementVersion(version: string): string {
  return isDigits(version) ? (BigInt(version) + 1n).toString() : '1';
}

/**
 * RFC 3264 §8: a new description in an existing session keeps the o= line of the previous one, and
 * its version goes up by one — unless the description is unchanged, in which case the version must
 * stay (so a session-refresh re-INVITE does not look like a change). `build` gets the origin to use.
 */
export function versionedDescription(
  previous: SessionDescription,
  build: (origin: Origin) => SessionDescription,
): SessionDescription {
  const same = build({ ...previous.origin });
  if (serializeSdp(same) === serializeSdp(previous)) return same;
  same.origin.sessionVersion = incrementVersion(previous.origin.sessionVersion);
  return same;
}
