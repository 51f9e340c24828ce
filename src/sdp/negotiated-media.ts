/**
 * The outcome of offer/answer for the one audio stream we carry: everything the media layer needs
 * to open the RTP (or SRTP) session with the peer.
 */
import type { CryptoMki, SrtpSuite } from './crypto-attribute.js';
import { AUDIO_CODECS, type AudioCodec } from './local-media.js';
import {
  intersectDirections,
  isUnspecifiedAddress,
  remoteEndpoint,
  reverseDirection,
} from './media-negotiation.js';
import type { MediaDescription, MediaDirection, SessionDescription } from './session-description.js';

export interface NegotiatedSrtp {
  suite: SrtpSuite;
  /** The tag of the crypto line that was agreed (RFC 4568 §5.1). */
  tag: number;
  /** Our master key||salt: we encrypt what we send with it. */
  localKey: Buffer;
  /** The peer's master key||salt: we decrypt what we receive with it. */
  remoteKey: Buffer;
  /** Present when the peer's packets carry a master key identifier (RFC 3711 §3.1). */
  remoteMki?: CryptoMki;
}

export interface NegotiatedMedia {
  /** Index of the agreed m= line in the offer (and answer). */
  mediaIndex: number;
  /** Where to send RTP; 0.0.0.0 or :: when the peer holds with an RFC 2543 address. */
  remoteAddress: string;
  remotePort: number;
  /** a=rtcp port, else RTP port + 1; the RTP port when RTCP is multiplexed. */
  rtcpPort: number;
  /** RFC 5761 multiplexing agreed by both sides. */
  rtcpMux: boolean;
  payloadType: number;
  codec: AudioCodec;
  /** RTP timestamp rate: 8000 for all our codecs, G.722 included (RFC 3551 §4.5.2). */
  clockRate: number;
  /** Audio sample rate: 16000 for G.722, 8000 for G.711. */
  sampleRate: number;
  /** Milliseconds of audio per packet we send. */
  ptime: number;
  /** RFC 4733 payload type for DTMF, when both sides have it. */
  telephoneEventPt?: number;
  /** Our direction: sendrecv, or less when the peer holds or asked for less. */
  direction: MediaDirection;
  /** The peer put the stream on hold (a=sendonly, a=inactive, or c=0.0.0.0). */
  hold: boolean;
  srtp?: NegotiatedSrtp;
}

export interface AgreedStream {
  /** The peer's description and its m= section for the stream. */
  session: SessionDescription;
  media: MediaDescription;
  mediaIndex: number;
  codec: AudioCodec;
  payloadType: number;
  telephoneEventPt: number | undefined;
  ptime: number;
  rtcpMux: boolean;
  /** The direction attribute of the peer's section (or session). */
  peerDirection: MediaDirection;
  /** The most we want: sendrecv, or sendonly/recvonly/inactive when we hold. */
  ourDirection: MediaDirection;
  srtp: NegotiatedSrtp | undefined;
}

/**
 * Applies RFC 3264 §6.1 (our direction is the reverse of the peer's, limited to what we want) and
 * §8.4 (never send to 0.0.0.0) and fills in the codec rates.
 */
export function describeAgreedStream(s: AgreedStream): NegotiatedMedia {
  const remote = remoteEndpoint(s.session, s.media, s.rtcpMux);
  const unspecified = isUnspecifiedAddress(remote.address);
  let direction = intersectDirections(s.ourDirection, reverseDirection(s.peerDirection));
  if (unspecified) direction = intersectDirections(direction, 'recvonly');
  const info = AUDIO_CODECS[s.codec];
  const negotiated: NegotiatedMedia = {
    mediaIndex: s.mediaIndex,
    remoteAddress: remote.address,
    remotePort: remote.port,
    rtcpPort: remote.rtcpPort,
    rtcpMux: s.rtcpMux,
    payloadType: s.payloadType,
    codec: s.codec,
    clockRate: info.clockRate,
    sampleRate: info.sampleRate,
    ptime: s.ptime,
    direction,
    hold: unspecified || s.peerDirection === 'sendonly' || s.peerDirection === 'inactive',
  };
  if (s.telephoneEventPt !== undefined) negotiated.telephoneEventPt = s.telephoneEventPt;
  if (s.srtp !== undefined) negotiated.srtp = s.srtp;
  return negotiated;
}
