/**
 * RFC 3264 offer/answer, offerer role: our offer (§5) for outbound calls and for the late-offer case
 * (an INVITE without SDP: we offer in the 200 OK and read the answer from the ACK), our re-offer
 * within a session (§8, e.g. to hold the peer), and reading the answer to our offer (§7).
 */
import {
  createCryptoAttribute,
  readCryptoAttribute,
  type CryptoAttribute,
  type SrtpSuite,
} from './crypto-attribute.js';
import {
  AUDIO_CODECS,
  resolveLocalMedia,
  type AudioCodec,
  type LocalMedia,
  type LocalMediaOptions,
} from './local-media.js';
import { findAttributes, getDirection, getRtpMaps, hasRtcpMux } from './media-attributes.js';
import {
  TELEPHONE_EVENT,
  buildAudioSection,
  buildSession,
  classifyRtpMap,
  initialOrigin,
  knownFormats,
  negotiatePtime,
  rejectedSection,
  toSessionDescription,
  versionedDescription,
  type FormatKind,
} from './media-negotiation.js';
import { describeAgreedStream, type NegotiatedMedia, type NegotiatedSrtp } from './negotiated-media.js';
import { SdpNegotiationError } from './negotiation-error.js';
import type { MediaDescription, MediaDirection, SessionDescription } from './session-description.js';

const RTP_AVP = 'RTP/AVP';
const RTP_SAVP = 'RTP/SAVP';

export interface OfferOptions {
  /** Our direction: sendrecv (default), sendonly to hold the peer, inactive, recvonly. */
  direction?: MediaDirection;
  /**
   * Our previous description in this dialog: the offer is then a re-offer (RFC 3264 §8) keeping the
   * o= session id (version + 1 when anything changed), the m= line count and order (other streams
   * stay rejected with port 0), and our SRTP keys.
   */
  previous?: SessionDescription;
}

function cryptosOf(media: MediaDescription | undefined): CryptoAttribute[] {
  const out: CryptoAttribute[] = [];
  if (media === undefined) return out;
  for (const a of findAttributes(media.attributes, 'crypto')) {
    const read = a.value === undefined ? undefined : readCryptoAttribute(a.value);
    if (read?.ok === true) out.push(read.crypto);
  }
  return out;
}

function previousKey(previous: readonly CryptoAttribute[], suite: SrtpSuite): Buffer | undefined {
  return previous.find((c) => c.suite === suite)?.keys[0]?.keySalt;
}

/** Index of the audio stream in a previous description: the enabled one, else any audio line. */
function audioIndex(previous: SessionDescription): number {
  const enabled = previous.media.findIndex((m) => m.type === 'audio' && m.port !== 0);
  return enabled >= 0 ? enabled : previous.media.findIndex((m) => m.type === 'audio');
}

/**
 * Our offer: every configured codec in preference order plus telephone-event, our ptime, and with
 * SRTP one a=crypto per suite (tags 1..n). srtp 'required' offers RTP/SAVP; 'optional' offers
 * RTP/AVP with a=crypto (best-effort SRTP, which an answerer that ignores a=crypto still accepts).
 */
export function createOffer(localOptions: LocalMediaOptions, options: OfferOptions = {}): SessionDescription {
  const local = resolveLocalMedia(localOptions);
  const previous = options.previous;
  const index = previous === undefined ? 0 : audioIndex(previous);
  const previousCryptos = cryptosOf(previous?.media[index]);
  const cryptos =
    local.srtp === 'off'
      ? []
      : local.cryptoSuites.map((suite, i) =>
          createCryptoAttribute(i + 1, suite, previousKey(previousCryptos, suite)),
        );
  const audio = buildAudioSection({
    port: local.port,
    protocol: local.srtp === 'required' ? RTP_SAVP : RTP_AVP,
    codecs: local.codecs.map((codec) => ({ codec, payloadType: AUDIO_CODECS[codec].payloadType })),
    telephoneEvent: local.telephoneEvent,
    ptime: local.ptime,
    cryptos,
    rtcpMux: local.rtcpMux,
    direction: options.direction ?? 'sendrecv',
  });
  if (previous === undefined) return buildSession(initialOrigin(local), local, [], [audio]);
  // RFC 3264 §8: a re-offer keeps every m= line of the session in its place.
  const sections = previous.media.map((m, i) => (i === index ? audio : rejectedSection(m)));
  if (index < 0) sections.push(audio);
  return versionedDescription(previous, (origin) => buildSession(origin, local, previous.timings, sections));
}

/** A re-offer within the session of `previous` (RFC 3264 §8), e.g. `{ direction: 'sendonly' }` to hold. */
export function updateOffer(
  previous: SessionDescription,
  localOptions: LocalMediaOptions,
  options: Omit<OfferOptions, 'previous'> = {},
): SessionDescription {
  return createOffer(localOptions, { ...options, previous });
}

/** RFC 4568 §5.3, §7.1.3: the answer's crypto must repeat one offered tag with its suite. */
function agreedSrtp(
  offered: MediaDescription,
  answered: MediaDescription,
): NegotiatedSrtp | SdpNegotiationError | undefined {
  const ours = cryptosOf(offered);
  const lines = findAttributes(answered.attributes, 'crypto');
  if (lines.length === 0) {
    return offered.protocol === RTP_SAVP
      ? SdpNegotiationError.notAcceptable('the answer has no a=crypto for the RTP/SAVP stream', 306)
      : undefined;
  }
  if (ours.length === 0) {
    return SdpNegotiationError.notAcceptable('the answer has a=crypto but none was offered', 306);
  }
  const read = readCryptoAttribute(lines[0]?.value ?? '');
  if (!read.ok) return SdpNegotiationError.notAcceptable(`the answer's a=crypto is unusable: ${read.reason}`, 306);
  const theirs = read.crypto;
  const mine = ours.find((c) => c.tag === theirs.tag);
  const remote = theirs.keys[0];
  const localKey = mine?.keys[0];
  if (mine === undefined || mine.suite !== theirs.suite || remote === undefined || localKey === undefined) {
    return SdpNegotiationError.notAcceptable("the answer's a=crypto does not match an offered tag and suite", 306);
  }
  const srtp: NegotiatedSrtp = {
    suite: mine.suite,
    tag: mine.tag,
    localKey: localKey.keySalt,
    remoteKey: remote.keySalt,
  };
  if (remote.mki !== undefined) srtp.remoteMki = remote.mki;
  return srtp;
}

function acceptAnsweredLine(
  offer: SessionDescription,
  answer: SessionDescription,
  mediaIndex: number,
  local: LocalMedia,
): NegotiatedMedia | SdpNegotiationError {
  const offered = offer.media[mediaIndex];
  const answered = answer.media[mediaIndex];
  if (offered === undefined || answered === undefined) {
    return SdpNegotiationError.notAcceptable('answer and offer differ in m= lines', 399);
  }
  if (answered.port === 0) return SdpNegotiationError.notAcceptable('the answer rejected the audio stream', 304);
  if (answered.type !== offered.type || answered.protocol !== offered.protocol) {
    return SdpNegotiationError.notAcceptable('the answer changed the media type or transport of the stream', 302);
  }
  // Payload types are ours (RFC 3264 §6.1): read them through our offer, in the answerer's order.
  const ourFormats = new Map<number, FormatKind>(knownFormats(offered).map((f) => [f.payloadType, f.kind]));
  const theirMaps = getRtpMaps(answered);
  let codec: { kind: AudioCodec; payloadType: number } | undefined;
  let telephoneEventPt: number | undefined;
  for (const fmt of answered.formats) {
    const pt = Number(fmt);
    const kind = ourFormats.get(pt);
    const theirMap = theirMaps.get(pt);
    // An answer that restates one of our payload types as another format is not an answer to our offer.
    if (kind === undefined || (theirMap !== undefined && classifyRtpMap(theirMap) !== kind)) continue;
    if (kind === TELEPHONE_EVENT) telephoneEventPt ??= pt;
    else codec ??= { kind, payloadType: pt };
  }
  if (codec === undefined) return SdpNegotiationError.notAcceptable('the answer selected no codec we offered', 305);
  const srtp = agreedSrtp(offered, answered);
  if (srtp instanceof SdpNegotiationError) return srtp;
  return describeAgreedStream({
    session: answer,
    media: answered,
    mediaIndex,
    codec: codec.kind,
    payloadType: codec.payloadType,
    telephoneEventPt,
    ptime: negotiatePtime(answered, local.ptime),
    // RFC 5761 §5.1.1: multiplexed only when both our offer and the answer say a=rtcp-mux.
    rtcpMux: hasRtcpMux(offered) && hasRtcpMux(answered),
    peerDirection: getDirection(answered, answer),
    ourDirection: getDirection(offered, offer),
    srtp,
  });
}

/**
 * Reads the answer to our offer (RFC 3264 §7), e.g. from the ACK of a late-offer call, and checks
 * that it picked something we offered. Throws SdpNegotiationError otherwise.
 */
export function acceptAnswer(
  ourOffer: SessionDescription,
  answer: string | SessionDescription,
  localOptions: LocalMediaOptions,
): NegotiatedMedia {
  const local = resolveLocalMedia(localOptions);
  const session = toSessionDescription(answer);
  if (session.media.length !== ourOffer.media.length) {
    throw SdpNegotiationError.notAcceptable(
      `the answer has ${session.media.length} m= lines, the offer had ${ourOffer.media.length} (RFC 3264 §6)`,
      399,
    );
  }
  let firstFailure: SdpNegotiationError | undefined;
  for (let i = 0; i < ourOffer.media.length; i++) {
    const offered = ourOffer.media[i];
    if (offered === undefined || offered.type !== 'audio' || offered.port === 0) continue;
    const outcome = acceptAnsweredLine(ourOffer, session, i, local);
    if (!(outcome instanceof SdpNegotiationError)) return outcome;
    firstFailure ??= outcome;
  }
  throw firstFailure ?? SdpNegotiationError.notAcceptable('our offer had no audio stream', 304);
}
