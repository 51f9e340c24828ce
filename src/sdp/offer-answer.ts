/**
 * RFC 3264 offer/answer, answerer role (§6), for one audio stream.
 *
 * We accept the first audio m= line that we can carry and reject every other m= line with port 0
 * (§6). Outcomes the SIP layer must turn into a response are thrown as SdpNegotiationError: 400
 * when the body is not SDP, 488 with a RFC 3261 §20.43 warning code when nothing can be accepted.
 * The offerer role (createOffer, updateOffer, acceptAnswer) lives in offerer.ts and is re-exported.
 */
import {
  createCryptoAttribute,
  readCryptoAttribute,
  type CryptoAttribute,
  type SrtpSuite,
} from './crypto-attribute.js';
import { resolveLocalMedia, type AudioCodec, type LocalMedia, type LocalMediaOptions } from './local-media.js';
import { findAttributes, getDirection, hasRtcpMux } from './media-attributes.js';
import {
  TELEPHONE_EVENT,
  buildAudioSection,
  buildSession,
  initialOrigin,
  knownFormats,
  negotiatePtime,
  rejectedSection,
  toSessionDescription,
  versionedDescription,
  type KnownFormat,
} from './media-negotiation.js';
import { describeAgreedStream, type NegotiatedMedia, type NegotiatedSrtp } from './negotiated-media.js';
import { SdpNegotiationError } from './negotiation-error.js';
import type { MediaDescription, MediaDirection, SessionDescription } from './session-description.js';

export { acceptAnswer, createOffer, updateOffer, type OfferOptions } from './offerer.js';

export interface OfferAnswerResult {
  /** Our answer; serialize it with serializeSdp. */
  sdp: SessionDescription;
  negotiated: NegotiatedMedia;
}

export interface AnswerOptions {
  /**
   * Our previous description in this dialog (the last offer or answer we sent). A re-offer is then
   * answered within the same session (RFC 3264 §8): same o= session id, version + 1 when anything
   * changed, and our SRTP master key reused when the suite stays the same.
   */
  previous?: SessionDescription;
  /** The most we want (e.g. sendonly while we hold the peer); default sendrecv. */
  direction?: MediaDirection;
}

export const RTP_AVP = 'RTP/AVP';
export const RTP_SAVP = 'RTP/SAVP';
const DTLS_PROFILE_PREFIX = 'UDP/TLS/';
/** Longest peer-supplied token echoed into a reason phrase. */
const MAX_ECHOED_TOKEN = 32;

/** RFC 4568 §6.3 session parameters that leave the SRTP transform as we implement it. */
function isHarmlessSessionParam(param: string): boolean {
  return param.startsWith('WSH=') || param === 'KDR=0';
}

/**
 * RFC 4568 §7.1.2: pick the first offered crypto line whose suite we support (in the offerer's order).
 * Lines that are malformed, use NULL or unknown suites, carry several keys, or ask for session
 * parameters we do not implement (unencrypted/unauthenticated SRTP, KDR, FEC) are skipped.
 */
function chooseCrypto(media: MediaDescription, suites: readonly SrtpSuite[]): CryptoAttribute | undefined {
  for (const a of findAttributes(media.attributes, 'crypto')) {
    if (a.value === undefined) continue;
    const read = readCryptoAttribute(a.value);
    if (!read.ok) continue;
    const c = read.crypto;
    if (!suites.includes(c.suite) || c.keys.length !== 1) continue;
    if (!c.sessionParams.every(isHarmlessSessionParam)) continue;
    return c;
  }
  return undefined;
}

/** Our key for a suite: the one we already used in this session (no rekey on re-INVITE), else fresh. */
function localKeyFor(previous: MediaDescription | undefined, suite: SrtpSuite): Buffer | undefined {
  if (previous === undefined) return undefined;
  for (const a of findAttributes(previous.attributes, 'crypto')) {
    const read = a.value === undefined ? undefined : readCryptoAttribute(a.value);
    if (read?.ok === true && read.crypto.suite === suite) return read.crypto.keys[0]?.keySalt;
  }
  return undefined;
}

interface CodecChoice {
  codec: AudioCodec;
  payloadType: number;
}

/** The codec to answer with: the first shared one in our order, or in the offerer's order if so configured. */
function pickCodec(formats: readonly KnownFormat[], local: LocalMedia): CodecChoice | undefined {
  const offered: CodecChoice[] = [];
  for (const f of formats) {
    if (f.kind !== TELEPHONE_EVENT && local.codecs.includes(f.kind)) {
      offered.push({ codec: f.kind, payloadType: f.payloadType });
    }
  }
  if (local.codecPreference === 'remote') return offered[0];
  for (const codec of local.codecs) {
    const match = offered.find((c) => c.codec === codec);
    if (match !== undefined) return match;
  }
  return undefined;
}

function echo(token: string): string {
  return token.length > MAX_ECHOED_TOKEN ? `${token.slice(0, MAX_ECHOED_TOKEN)}...` : token;
}

interface Acceptance {
  section: MediaDescription;
  negotiated: NegotiatedMedia;
}

/** Evaluates one offered audio m= line; returns the failure instead of throwing so later lines get a chance. */
function acceptAudioLine(
  session: SessionDescription,
  media: MediaDescription,
  mediaIndex: number,
  local: LocalMedia,
  options: AnswerOptions,
): Acceptance | SdpNegotiationError {
  const notAcceptable = SdpNegotiationError.notAcceptable;
  if (media.protocol.startsWith(DTLS_PROFILE_PREFIX)) {
    return notAcceptable(`DTLS-SRTP (${echo(media.protocol)}) is not supported; offer RTP/SAVP with a=crypto`, 302);
  }
  if (media.protocol !== RTP_AVP && media.protocol !== RTP_SAVP) {
    return notAcceptable(`transport ${echo(media.protocol)} is not supported`, 302);
  }
  const secure = media.protocol === RTP_SAVP;
  if (secure && local.srtp === 'off') return notAcceptable('SRTP (RTP/SAVP) is offered but SRTP is off', 302);
  if (!secure && local.srtp === 'required') {
    return notAcceptable('SRTP is required but the offer is plain RTP/AVP', 302);
  }

  const formats = knownFormats(media);
  const codec = pickCodec(formats, local);
  if (codec === undefined) return notAcceptable(`no common codec (we accept ${local.codecs.join(', ')})`, 305);
  // RFC 4733: answer with the offerer's payload type and the events we accept.
  const offeredEvents = formats.find((f) => f.kind === TELEPHONE_EVENT);
  const telephoneEvent =
    local.telephoneEvent === undefined || offeredEvents === undefined
      ? undefined
      : { payloadType: offeredEvents.payloadType, events: local.telephoneEvent.events };

  // SRTP (RFC 4568). Besides RTP/SAVP offers, with srtp 'optional' we also answer a=crypto found in a
  // plain RTP/AVP offer: "best-effort SRTP", as Asterisk and others offer it when SRTP is optional
  // for them. Such a call runs SRTP on the RTP/AVP profile; with no usable crypto line it stays RTP.
  let crypto: CryptoAttribute | undefined;
  if (secure || local.srtp === 'optional') {
    crypto = chooseCrypto(media, local.cryptoSuites);
    if (crypto === undefined && secure) {
      return notAcceptable(`no supported crypto suite offered (we accept ${local.cryptoSuites.join(', ')})`, 306);
    }
  }
  const previousSection = options.previous?.media[mediaIndex];
  let srtp: NegotiatedSrtp | undefined;
  let ourCrypto: CryptoAttribute | undefined;
  if (crypto !== undefined) {
    // RFC 4568 §7.1.2: the answer repeats the chosen tag and suite with our own key.
    ourCrypto = createCryptoAttribute(crypto.tag, crypto.suite, localKeyFor(previousSection, crypto.suite));
    const remote = crypto.keys[0];
    const localKey = ourCrypto.keys[0];
    if (remote === undefined || localKey === undefined) return notAcceptable('crypto line has no key', 306);
    srtp = { suite: crypto.suite, tag: crypto.tag, localKey: localKey.keySalt, remoteKey: remote.keySalt };
    if (remote.mki !== undefined) srtp.remoteMki = remote.mki;
  }

  const rtcpMux = local.rtcpMux && hasRtcpMux(media);
  const ptime = negotiatePtime(media, local.ptime);
  const negotiated = describeAgreedStream({
    session,
    media,
    mediaIndex,
    codec: codec.codec,
    payloadType: codec.payloadType,
    telephoneEventPt: telephoneEvent?.payloadType,
    ptime,
    rtcpMux,
    peerDirection: getDirection(media, session),
    ourDirection: options.direction ?? 'sendrecv',
    srtp,
  });
  const section = buildAudioSection({
    port: local.port,
    protocol: media.protocol,
    codecs: [codec],
    telephoneEvent,
    ptime,
    cryptos: ourCrypto === undefined ? [] : [ourCrypto],
    rtcpMux,
    direction: negotiated.direction,
  });
  return { section, negotiated };
}

/**
 * Answers an offer (RFC 3264 §6): accepts the first audio stream we can carry, rejects the others
 * with port 0, and returns our answer with what was agreed. Throws SdpNegotiationError (400 for a
 * body that is not SDP, 488 for one we cannot accept).
 */
export function answerOffer(
  offer: string | SessionDescription,
  localOptions: LocalMediaOptions,
  options: AnswerOptions = {},
): OfferAnswerResult {
  const local = resolveLocalMedia(localOptions);
  const session = toSessionDescription(offer);
  let accepted: Acceptance | undefined;
  let firstFailure: SdpNegotiationError | undefined;
  for (let i = 0; i < session.media.length && accepted === undefined; i++) {
    const media = session.media[i];
    if (media === undefined || media.type !== 'audio' || media.port === 0) continue;
    const outcome = acceptAudioLine(session, media, i, local, options);
    if (outcome instanceof SdpNegotiationError) firstFailure ??= outcome;
    else accepted = outcome;
  }
  if (accepted === undefined) {
    if (firstFailure !== undefined) throw firstFailure;
    // Every enabled audio line yields a failure, so only disabled or absent audio gets here.
    const reason = session.media.some((m) => m.type === 'audio')
      ? 'the audio stream is disabled (port 0)'
      : 'no audio m= line in the offer';
    throw SdpNegotiationError.notAcceptable(reason, 304);
  }
  const { section, negotiated } = accepted;
  const sections = session.media.map((m, i) => (i === negotiated.mediaIndex ? section : rejectedSection(m)));
  const build = (origin: SessionDescription['origin']): SessionDescription =>
    buildSession(origin, local, session.timings, sections);
  const sdp =
    options.previous === undefined ? build(initialOrigin(local)) : versionedDescription(options.previous, build);
  return { sdp, negotiated };
}
