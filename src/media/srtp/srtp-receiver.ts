/**
 * The receiving half of an SRTP session: the peer's master key, one cryptographic context per
 * remote SSRC (RFC 3711 §3.2.3) with its ROC/s_l and replay list, and one SRTCP replay list per
 * sender SSRC (§3.4).
 *
 * Processing order (§3.3): estimate the index (§3.3.1), refuse replays (§3.3.2), verify the tag,
 * decrypt, and only then update ROC/s_l and the replay list (step 7) — a forged packet changes
 * nothing. Nothing here throws on network input: failures come back as 'auth' | 'replay' | 'short'.
 *
 * A context is created for an SSRC when its first packet authenticates (s_l = SEQ, ROC = 0,
 * §3.3.1). At most `maxSsrcs` contexts are kept; beyond that the oldest is forgotten.
 */
import { estimatePacketIndex, rolloverCounter } from './packet-index.js';
import { ReplayWindow } from './replay-window.js';
import { rtcpSenderSsrc, rtpHeaderLength, rtpSequenceNumber, rtpSsrc, RTP_FIXED_HEADER_LENGTH } from './rtp-header.js';
import { AUTH_FAILED, RTCP_CLEAR_PREFIX, type SrtpTransform } from './srtp-transform.js';

/** Why an incoming packet was dropped. 'short': too short, or its RTP header overruns it. */
export type SrtpFailure = 'auth' | 'replay' | 'short';

/** Remote SSRCs tracked at once; a call has one, a few after re-INVITEs or transfers. */
export const DEFAULT_MAX_REMOTE_SSRCS = 8;

const SRTCP_INDEX_MASK = 0x7fffffff;

export interface SrtpReceiverOptions {
  replayWindowSize: number;
  maxSsrcs: number;
}

export class SrtpReceiver {
  private readonly transform: SrtpTransform;
  private readonly options: SrtpReceiverOptions;
  /** Per SSRC: the replay list; its highest index is 2^16 * ROC + s_l. */
  private readonly rtpStreams = new Map<number, ReplayWindow>();
  private readonly rtcpStreams = new Map<number, ReplayWindow>();
  /** The stream of the last packet: nearly every packet of a call hits it. */
  private lastSsrc = -1;
  private lastStream: ReplayWindow | undefined;

  constructor(transform: SrtpTransform, options: SrtpReceiverOptions) {
    this.transform = transform;
    this.options = options;
  }

  /** RFC 3711 §3.3: the RTP packet, decrypted in place (a view of srtp), or why it was dropped. */
  unprotectRtp(srtp: Buffer): Buffer | SrtpFailure {
    const limit = srtp.length - this.transform.rtpTrailerLength;
    if (limit < RTP_FIXED_HEADER_LENGTH) return 'short';
    const headerLength = rtpHeaderLength(srtp, limit);
    if (headerLength < 0) return 'short';
    const seq = rtpSequenceNumber(srtp);
    const ssrc = rtpSsrc(srtp);
    let stream = ssrc === this.lastSsrc ? this.lastStream : this.rtpStreams.get(ssrc);
    let index = seq;
    if (stream !== undefined) {
      index = estimatePacketIndex(stream.highest, seq);
      if (stream.check(index) !== 'new') return 'replay';
    }
    const rtpLength = this.transform.unprotectRtp(srtp, headerLength, ssrc, rolloverCounter(index), seq);
    if (rtpLength === AUTH_FAILED) return 'auth';
    if (stream === undefined) {
      stream = new ReplayWindow(this.options.replayWindowSize);
      remember(this.rtpStreams, ssrc, stream, this.options.maxSsrcs);
    }
    stream.accept(index);
    this.lastSsrc = ssrc;
    this.lastStream = stream;
    return srtp.subarray(0, rtpLength);
  }

  /** RFC 3711 §3.4: the RTCP compound packet, decrypted in place when E is set, or why it was dropped. */
  unprotectRtcp(srtcp: Buffer): Buffer | SrtpFailure {
    if (srtcp.length < RTCP_CLEAR_PREFIX + this.transform.rtcpTrailerLength) return 'short';
    const ssrc = rtcpSenderSsrc(srtcp);
    const indexOffset = this.transform.srtcpIndexOffset(srtcp.length);
    const indexWord = srtcp.readUInt32BE(indexOffset);
    const index = indexWord & SRTCP_INDEX_MASK;
    let stream = this.rtcpStreams.get(ssrc);
    if (stream !== undefined && stream.check(index) !== 'new') return 'replay';
    const rtcpLength = this.transform.unprotectRtcp(srtcp, ssrc, indexWord);
    if (rtcpLength === AUTH_FAILED) return 'auth';
    if (stream === undefined) {
      stream = new ReplayWindow(this.options.replayWindowSize);
      remember(this.rtcpStreams, ssrc, stream, this.options.maxSsrcs);
    }
    stream.accept(index);
    return srtcp.subarray(0, rtcpLength);
  }

  /** The ROC of a remote SSRC's context, if it has one (for stats and tests). */
  rolloverCounter(ssrc: number): number | undefined {
    const stream = this.rtpStreams.get(ssrc);
    return stream === undefined ? undefined : rolloverCounter(stream.highest);
  }

  /** The highest SRTCP index authenticated from a sender SSRC. */
  highestSrtcpIndex(ssrc: number): number | undefined {
    return this.rtcpStreams.get(ssrc)?.highest;
  }
}

function remember(map: Map<number, ReplayWindow>, ssrc: number, stream: ReplayWindow, max: number): void {
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (oldest.done !== true) map.delete(oldest.value);
  }
  map.set(ssrc, stream);
}
