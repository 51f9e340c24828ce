/**
 * The receive side of a media session: SRTP → RTP header → telephone-event (RFC 4733) or audio → sequence
 * bookkeeping (RFC 3550 A.1/A.8) → reorder buffer → decode → concealment → resample to the application's
 * rate → frame. Runs on packet arrival, so in-order audio reaches the agent within the same event-loop turn.
 */
import type { AudioCodec } from './codec/codec.js';
import { Resampler } from './codec/resampler.js';
import { DtmfReceiver, type DtmfEvent } from './dtmf/rfc4733.js';
import { ReorderBuffer, type ReorderOutput } from './reorder-buffer.js';
import { createRtpHeaderView, readRtpHeader } from './rtp/rtp-packet.js';
import { RtpReceiveStats, RtpSeqResult } from './rtp/rtp-receive-stats.js';
import { isSrtpFailure, type SrtpContexts } from './srtp/index.js';
import type { LatencyHistogram } from './media-probe.js';

const EMPTY = new Uint8Array(0);

export interface ReceivePathOptions {
  codec: AudioCodec;
  payloadType: number;
  telephoneEventPt?: number;
  clockRate: number;
  ptimeMs: number;
  pcmRate: number;
  srtp?: SrtpContexts;
  minWaitMs: number;
  maxWaitMs: number;
  onFrame(pcm: Int16Array): void;
  onDtmf(ev: DtmfEvent): void;
}

export class ReceivePath {
  readonly stats: RtpReceiveStats;
  readonly buffer: ReorderBuffer;
  private readonly view = createRtpHeaderView();
  private readonly dtmf: DtmfReceiver;
  private readonly resampler?: Resampler;
  private readonly out: ReorderOutput[] = [];
  private last?: Int16Array;
  private concealRun = 0;
  /** Set by the session: where arrival→frame times go. */
  probe?: LatencyHistogram;
  srtpFailures = 0;
  invalid = 0;
  framesDelivered = 0;
  /** Arrival time of the last valid RTP packet (audio or event), for the inactivity check. */
  lastPacketAt = -1;

  constructor(private readonly o: ReceivePathOptions) {
    this.stats = new RtpReceiveStats({ clockRate: o.clockRate });
    this.buffer = new ReorderBuffer({ ptimeMs: o.ptimeMs, minWaitMs: o.minWaitMs, maxWaitMs: o.maxWaitMs });
    this.dtmf = new DtmfReceiver({ clockRate: o.clockRate });
    if (o.codec.sampleRate !== o.pcmRate) this.resampler = new Resampler(o.codec.sampleRate, o.pcmRate);
  }

  /** One datagram on the RTP port. Returns false when it was not a valid packet of this stream. */
  packet(data: Buffer, nowMs: number): boolean {
    let rtp: Buffer = data;
    if (this.o.srtp) {
      const r = this.o.srtp.unprotectRtp(data);
      if (isSrtpFailure(r)) {
        this.srtpFailures++;
        return false;
      }
      rtp = r;
    }
    const h = readRtpHeader(rtp, this.view);
    if (!h) {
      this.invalid++;
      return false;
    }
    this.lastPacketAt = nowMs;
    if (h.pt === this.o.telephoneEventPt) {
      // Events share the stream's sequence numbers: count them for loss (not jitter), and tell the reorder
      // buffer their numbers are taken so it does not wait for audio that will never come.
      this.stats.update(h.ssrc, h.seq, h.ts, nowMs, false);
      this.buffer.push(h.seq, EMPTY, nowMs);
      const payload = rtp.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength);
      for (const ev of this.dtmf.push(payload, h.ts, h.marker, nowMs)) this.o.onDtmf(ev);
      return true;
    }
    if (h.pt !== this.o.payloadType) {
      this.invalid++;
      return false;
    }
    const seqResult = this.stats.update(h.ssrc, h.seq, h.ts, nowMs);
    if (seqResult === RtpSeqResult.BAD_SEQUENCE) return true;
    if (seqResult === RtpSeqResult.SSRC_CHANGED || seqResult === RtpSeqResult.RESTARTED) {
      this.buffer.reset();
      this.dtmf.reset();
    }
    this.buffer.setJitter(this.stats.jitterMs);
    this.buffer.push(h.seq, rtp.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength), nowMs);
    const delivered = this.framesDelivered;
    this.drain(nowMs);
    if (this.probe && this.framesDelivered > delivered) this.probe.recordMs(performance.now() - nowMs);
    return true;
  }

  /** Frame clock: release anything a waited-out gap was holding back; end an event whose end was lost. */
  tick(nowMs: number): void {
    if (this.buffer.held > 0) this.drain(nowMs);
    const ended = this.dtmf.poll(nowMs);
    if (ended) this.o.onDtmf(ended);
  }

  private drain(nowMs: number): void {
    const out = this.out;
    out.length = 0;
    this.buffer.drain(nowMs, out);
    for (const o of out) {
      let pcm: Int16Array;
      if (o.kind === 'frame' && o.payload.length === 0) continue; // a telephone-event's sequence slot
      if (o.kind === 'frame') {
        pcm = this.o.codec.decode(o.payload);
        this.concealRun = 0;
        this.last = pcm;
      } else {
        // Packet loss concealment: repeat the last frame, 6 dB quieter each time (fades out over a burst).
        pcm = this.conceal();
      }
      const frame = this.resampler ? this.resampler.process(pcm) : pcm;
      this.framesDelivered++;
      this.o.onFrame(frame);
    }
  }

  private conceal(): Int16Array {
    this.concealRun++;
    const src = this.last;
    const n = src?.length ?? Math.round((this.o.codec.sampleRate * this.o.ptimeMs) / 1000);
    const pcm = new Int16Array(n);
    if (src) {
      const shift = Math.min(15, this.concealRun);
      for (let i = 0; i < n; i++) pcm[i] = (src[i] as number) >> shift;
    }
    return pcm;
  }
}
