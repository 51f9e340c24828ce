/**
 * The SDP layer: RFC 4566 parse/serialize, RFC 4568 crypto attributes, RFC 3264 offer/answer for
 * one audio stream. A leaf: it imports nothing of ours but src/shared/errors.ts.
 */
export type {
  Attribute,
  Bandwidth,
  Connection,
  MediaDescription,
  MediaDirection,
  Origin,
  SdpLine,
  SessionDescription,
  Timing,
} from './session-description.js';
export { parseSdp } from './parse.js';
export { serializeSdp } from './serialize.js';
export {
  findAttribute,
  findAttributes,
  formatRtpMap,
  getDirection,
  getFmtp,
  getMaxPtime,
  getPtime,
  getRtcp,
  getRtpMap,
  getRtpMaps,
  hasAttribute,
  hasRtcpMux,
  parseRtpMap,
  setDirection,
  STATIC_AUDIO_PAYLOAD_TYPES,
  type RtcpAttribute,
  type RtpMap,
} from './media-attributes.js';
export {
  SRTP_SUITES,
  SRTP_SUITE_NAMES,
  createCryptoAttribute,
  generateCryptoKey,
  isSrtpSuite,
  keySaltLength,
  parseCryptoAttribute,
  readCryptoAttribute,
  serializeCryptoAttribute,
  splitKeySalt,
  type CryptoAttribute,
  type CryptoKeyParams,
  type CryptoMki,
  type CryptoReadResult,
  type SrtpSuite,
} from './crypto-attribute.js';
export {
  AUDIO_CODECS,
  LOCAL_MEDIA_DEFAULTS,
  isSupportedPtime,
  resolveLocalMedia,
  type AudioCodec,
  type AudioCodecInfo,
  type CodecPreference,
  type LocalMedia,
  type LocalMediaOptions,
  type SrtpPolicy,
  type TelephoneEventOptions,
} from './local-media.js';
export {
  SDP_WARNING_TEXTS,
  SdpNegotiationError,
  type SdpErrorStatus,
  type SdpWarningCode,
} from './negotiation-error.js';
export type { NegotiatedMedia, NegotiatedSrtp } from './negotiated-media.js';
export {
  acceptAnswer,
  answerOffer,
  createOffer,
  updateOffer,
  type AnswerOptions,
  type OfferAnswerResult,
  type OfferOptions,
} from './offer-answer.js';
