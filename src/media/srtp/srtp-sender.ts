/**
 * The sending half of an SRTP session: our master key, and per local SSRC the ROC (RFC 3711
 * §3.3.1: starts at 0, +1 each time SEQ wraps) and the SRTCP index (§3.4: starts at 0, +1 per
 * packet). Packets come from our own pacer, so malformed input is a programming error and throws.
 *
 * The sender's index uses the same §3.3.1 estimate as the receiver, so a packet re-sent from just
 * before a wrap still gets the ROC it was first sent with.
 */
import { SwitchboardError } from '../../shared/errors.js';
import { MAX_PACKET_INDEX, estimatePacketIndex, rolloverCounter } from './packet-index.js';
import { rtcpSenderSsrc, rtpHeaderLength, rtpSequenceNumber, rtpSsrc } from './rtp-header.js';
import { SRTP_ERROR_CODE } from './suites.js';
import { RTCP_CLEAR_PREFIX, type SrtpTransform } from './srtp-transform.js';

/** §3.4 / §9.2: at most 2^31 SRTCP packets per master key. */
const MAX_SRTCP_INDEX = 0x7fffffff;

interface SendStream {
  /** 2^16 * ROC + highest SEQ sent. */
  highest: number;
}

export class SrtpSender {
  private readonly transform: SrtpTransform;
  private readonly rtpStreams = new Map<number, SendStream>();
  private readonly nextSrtcpIndex = new Map<number, number>();
  private lastSsrc = -1;
  private lastStream: SendStream | undefined;

  constructor(transform: SrtpTransform) {
    this.transform = transform;
  }

  /** RFC 3711 §3.3: the SRTP packet for an RTP packet (a new buffer; rtp is not modified). */
  protectRtp(rtp: Buffer): Buffer {
    const headerLength = rtpHeaderLength(rtp, rtp.length);
    if (headerLength < 0) {
      throw new SwitchboardError(SRTP_ERROR_CODE, `cannot protect a ${rtp.length}-octet buffer: not an RTP packet`);
    }
    const seq = rtpSequenceNumber(rtp);
    const ssrc = rtpSsrc(rtp);
    let stream = ssrc === this.lastSsrc ? this.lastStream : this.rtpStreams.get(ssrc);
    let index = seq;
    if (stream === undefined) {
      stream = { highest: seq };
      this.rtpStreams.set(ssrc, stream);
    } else {
      index = estimatePacketIndex(stream.highest, seq);
      // Our ROC never goes below zero: a SEQ far behind the first one sent is simply ROC 0.
      if (index < 0) index = seq;
      if (index > MAX_PACKET_INDEX) {
        throw new SwitchboardError(SRTP_ERROR_CODE, 'SRTP master key exhausted (2^48 packets): re-key required');
      }
      if (index > stream.highest) stream.highest = index;
    }
    this.lastSsrc = ssrc;
    this.lastStream = stream;
    return this.transform.protectRtp(rtp, headerLength, ssrc, rolloverCounter(index), seq);
  }

  /** RFC 3711 §3.4: the SRTCP packet (E = 1) for an RTCP compound packet (a new buffer). */
  protectRtcp(rtcp: Buffer): Buffer {
    if (rtcp.length < RTCP_CLEAR_PREFIX) {
      throw new SwitchboardError(SRTP_ERROR_CODE, `cannot protect a ${rtcp.length}-octet buffer: not an RTCP packet`);
    }
    const ssrc = rtcpSenderSsrc(rtcp);
    const index = this.nextSrtcpIndex.get(ssrc) ?? 0;
    if (index > MAX_SRTCP_INDEX) {
      throw new SwitchboardError(SRTP_ERROR_CODE, 'SRTCP master key exhausted (2^31 packets): re-key required');
    }
    this.nextSrtcpIndex.set(ssrc, index + 1);
    return this.transform.protectRtcp(rtcp, ssrc, index, true);
  }

  /** The ROC our packets from ssrc currently carry. */
  rolloverCounter(ssrc: number): number | undefined {
    const stream = this.rtpStreams.get(ssrc);
    return stream === undefined ? undefined : rolloverCounter(stream.highest);
  }
}
