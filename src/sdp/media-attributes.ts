/**
 * Read access to the attributes of an m= section: rtpmap, fmtp, ptime, maxptime, direction, rtcp,
 * rtcp-mux (RFC 4566 §6, RFC 3605, RFC 5761), with the RFC 3551 static payload types as fallback.
 */
import { parseBoundedInt, splitFields } from './parse.js';
import type { Attribute, MediaDescription, MediaDirection, SessionDescription } from './session-description.js';

/** `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]` (RFC 4566 §6). */
export interface RtpMap {
  payloadType: number;
  encodingName: string;
  clockRate: number;
  /** Audio channels; absent means one. */
  channels?: number;
}

const MAX_PAYLOAD_TYPE = 127;

function staticType(payloadType: number, encodingName: string, clockRate: number, channels?: number): [number, RtpMap] {
  const map: RtpMap = { payloadType, encodingName, clockRate };
  if (channels !== undefined) map.channels = channels;
  return [payloadType, map];
}

/** RFC 3551 §6 table 4: audio payload types with a static meaning (an rtpmap may still restate them). */
export const STATIC_AUDIO_PAYLOAD_TYPES: ReadonlyMap<number, RtpMap> = new Map([
  staticType(0, 'PCMU', 8000),
  staticType(3, 'GSM', 8000),
  staticType(4, 'G723', 8000),
  staticType(5, 'DVI4', 8000),
  staticType(6, 'DVI4', 16000),
  staticType(7, 'LPC', 8000),
  staticType(8, 'PCMA', 8000),
  // RFC 3551 §4.5.2: G.722 samples at 16 kHz but its RTP clock rate is 8000 (an error in RFC 1890 kept
  // for backward compatibility).
  staticType(9, 'G722', 8000),
  staticType(10, 'L16', 44100, 2),
  staticType(11, 'L16', 44100),
  staticType(12, 'QCELP', 8000),
  staticType(13, 'CN', 8000),
  staticType(14, 'MPA', 90000),
  staticType(15, 'G728', 8000),
  staticType(16, 'DVI4', 11025),
  staticType(17, 'DVI4', 22050),
  staticType(18, 'G729', 8000),
]);

export function parseRtpMap(value: string): RtpMap | undefined {
  const f = splitFields(value);
  if (f.length !== 2) return undefined;
  const payloadType = parseBoundedInt(f[0] ?? '', MAX_PAYLOAD_TYPE);
  const parts = (f[1] ?? '').split('/');
  if (payloadType === undefined || parts.length < 2 || parts.length > 3 || (parts[0] ?? '') === '') {
    return undefined;
  }
  const clockRate = parseBoundedInt(parts[1] ?? '', 0xffffffff);
  if (clockRate === undefined || clockRate === 0) return undefined;
  const map: RtpMap = { payloadType, encodingName: parts[0] ?? '', clockRate };
  if (parts.length === 3) {
    const channels = parseBoundedInt(parts[2] ?? '', 255);
    if (channels === undefined || channels === 0) return undefined;
    map.channels = channels;
  }
  return map;
}

export function formatRtpMap(map: RtpMap): string {
  const base = `${map.payloadType} ${map.encodingName}/${map.clockRate}`;
  return map.channels === undefined ? base : `${base}/${map.channels}`;
}

export function findAttribute(attributes: readonly Attribute[], name: string): Attribute | undefined {
  for (const a of attributes) if (a.name === name) return a;
  return undefined;
}

export function findAttributes(attributes: readonly Attribute[], name: string): Attribute[] {
  return attributes.filter((a) => a.name === name);
}

export function hasAttribute(attributes: readonly Attribute[], name: string): boolean {
  return findAttribute(attributes, name) !== undefined;
}

/** Every well-formed a=rtpmap of the section, keyed by payload type (the first wins on duplicates). */
export function getRtpMaps(media: MediaDescription): Map<number, RtpMap> {
  const maps = new Map<number, RtpMap>();
  for (const a of media.attributes) {
    if (a.name !== 'rtpmap' || a.value === undefined) continue;
    const map = parseRtpMap(a.value);
    if (map !== undefined && !maps.has(map.payloadType)) maps.set(map.payloadType, map);
  }
  return maps;
}

/** The rtpmap for a payload type: the section's own a=rtpmap, else the RFC 3551 static assignment. */
export function getRtpMap(media: MediaDescription, payloadType: number): RtpMap | undefined {
  return getRtpMaps(media).get(payloadType) ?? STATIC_AUDIO_PAYLOAD_TYPES.get(payloadType);
}

/** The format parameters of `a=fmtp:<payload type> <parameters>`, if any. */
export function getFmtp(media: MediaDescription, payloadType: number): string | undefined {
  const prefix = `${payloadType} `;
  for (const a of media.attributes) {
    if (a.name === 'fmtp' && a.value !== undefined && a.value.startsWith(prefix)) {
      return a.value.slice(prefix.length).trim();
    }
  }
  return undefined;
}

function numericAttribute(media: MediaDescription, name: string): number | undefined {
  const a = findAttribute(media.attributes, name);
  if (a?.value === undefined || a.value.trim() === '') return undefined;
  const n = Number(a.value.trim());
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** a=ptime in milliseconds (RFC 4566 §6), if present and positive. */
export function getPtime(media: MediaDescription): number | undefined {
  return numericAttribute(media, 'ptime');
}

/** a=maxptime in milliseconds (RFC 4566 §6), if present and positive. */
export function getMaxPtime(media: MediaDescription): number | undefined {
  return numericAttribute(media, 'maxptime');
}

function isDirection(name: string): name is MediaDirection {
  return name === 'sendrecv' || name === 'sendonly' || name === 'recvonly' || name === 'inactive';
}

function directionOf(attributes: readonly Attribute[]): MediaDirection | undefined {
  for (const a of attributes) {
    if (a.value === undefined && isDirection(a.name)) return a.name;
  }
  return undefined;
}

/**
 * The direction of a media section: its own attribute, else the session-level one, else sendrecv
 * (RFC 4566 §6: sendrecv is the default).
 */
export function getDirection(media: MediaDescription, session?: SessionDescription): MediaDirection {
  return directionOf(media.attributes) ?? (session ? directionOf(session.attributes) : undefined) ?? 'sendrecv';
}

/** Replaces the direction attribute of a media section (appending one if it had none). */
export function setDirection(media: MediaDescription, direction: MediaDirection): void {
  const i = media.attributes.findIndex((a) => a.value === undefined && isDirection(a.name));
  if (i >= 0) media.attributes[i] = { name: direction };
  else media.attributes.push({ name: direction });
}

/** RFC 3605 `a=rtcp:<port> [<nettype> <addrtype> <address>]`. */
export interface RtcpAttribute {
  port: number;
  address?: string;
}

export function getRtcp(media: MediaDescription): RtcpAttribute | undefined {
  const a = findAttribute(media.attributes, 'rtcp');
  if (a?.value === undefined) return undefined;
  const f = splitFields(a.value);
  const port = parseBoundedInt(f[0] ?? '', 65535);
  if (port === undefined || port === 0) return undefined;
  return f.length === 4 ? { port, address: f[3] ?? '' } : { port };
}

/** RFC 5761 §5.1.1 `a=rtcp-mux`. */
export function hasRtcpMux(media: MediaDescription): boolean {
  return hasAttribute(media.attributes, 'rtcp-mux');
}
