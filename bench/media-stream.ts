/**
 * One benchmark call's media, as a PBX would send it: an RTP/RTCP socket pair (even port + next odd one,
 * RFC 3550 §11), 20 ms PCMU frames of a 1 kHz tone, SRTP-protected when the call agreed SRTP.
 *
 * Every frame carries a tag, its number in this stream, in its first three payload octets (7 bits each, high
 * bit set, so μ-law 0x7F never appears and silence 0xFF 0xFF 0xFF is never a valid tag). G.711 decode→encode
 * maps every other code to itself, so the engine's echo returns the same octets: each echo is matched with the
 * packet it echoes, which measures loss exactly and gives the round trip per packet.
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { encodeUlaw } from '../src/media/codec/g711.js';
import { createRtpHeaderView, readRtpHeader, RTP_FIXED_HEADER_LENGTH, writeRtpHeader } from '../src/media/rtp/rtp-packet.js';
import type { SrtpContexts } from '../src/media/srtp/index.js';
import type { SrtpTagReader } from './srtp-tag-reader.js';
import type { Histogram } from './histogram.js';

export const PTIME_MS = 20;
const SAMPLES = 160; // 20 ms at 8 kHz
const TS_STEP = 160;
const PCMU_PT = 0;
const TAG_OCTETS = 3;
const TAG_LIMIT = 1 << 21; // 3 × 7 bits
/** Plain packets are rebuilt in place: a ring of buffers so a send still queued in libuv is never overwritten. */
const SEND_RING = 4;

/** 160 octets of PCMU: a 1 kHz tone at -12 dBFS-ish. */
function tonePayload(): Uint8Array {
  const pcm = new Int16Array(SAMPLES);
  for (let i = 0; i < SAMPLES; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
  const out = new Uint8Array(SAMPLES);
  encodeUlaw(pcm, out);
  return out;
}
const TONE = tonePayload();

/** Counters shared by every stream of a generator (no per-packet allocation). */
export interface StreamTotals {
  sent: number;
  received: number;
  rtcpReceived: number;
  duplicates: number;
  sendErrors: number;
}

export class RtpStream {
  readonly ssrc = randomInt(1, 0xffffffff);
  private seq = randomInt(0, 0x10000);
  private ts = randomInt(0, 0xffffffff);
  private readonly ring: Buffer[];
  private readonly view = createRtpHeaderView();
  /** Send time of each tag (performance.now()). */
  private readonly sentAt: Float64Array;
  /** 1 once the tag's echo came back. */
  private readonly echoed: Uint8Array;
  /** Packets sent = the next tag. */
  sent = 0;
  received = 0;
  remotePort = 0;
  /** Protects what we send (the engine verifies it). */
  srtp?: SrtpContexts;
  /** Reads the tags of what comes back. */
  srtpTags?: SrtpTagReader;
  /** Tags in [winFrom, winTo) are the measurement window. */
  winFrom = Number.MAX_SAFE_INTEGER;
  winTo = Number.MAX_SAFE_INTEGER;
  /** Optional: round trips also split by where in the window their packet was sent (part = frames since winFrom / framesPerPart). */
  rttByPart?: { parts: Histogram[]; framesPerPart: number };
  /** The shortest and the latest round trip of this stream in the window (ms); Infinity / 0 until one came back. */
  winMinRttMs = Infinity;
  winLastRttMs = 0;
  /** When the first packet left and when the first echo of any of ours came back (performance.now(); -1 = not yet). */
  firstSentAt = -1;
  firstEchoAt = -1;

  private constructor(readonly rtp: Socket, readonly rtcp: Socket, readonly port: number, capacity: number,
    private readonly totals: StreamTotals, private readonly rtt: Histogram) {
    const cap = Math.min(capacity, TAG_LIMIT - 1);
    this.sentAt = new Float64Array(cap);
    this.echoed = new Uint8Array(cap);
    this.ring = Array.from({ length: SEND_RING }, () => {
      const b = Buffer.alloc(RTP_FIXED_HEADER_LENGTH + SAMPLES);
      writeRtpHeader(b, 0, { pt: PCMU_PT, seq: 0, ts: 0, ssrc: this.ssrc, marker: false });
      b.set(TONE, RTP_FIXED_HEADER_LENGTH);
      return b;
    });
    rtp.on('message', (msg) => this.onRtp(msg));
    rtcp.on('message', () => { totals.rtcpReceived++; });
    // Send errors (without a callback, dgram emits them); a connected socket also reports ICMP port-unreachable
    // here once the engine has gone.
    rtp.on('error', () => { totals.sendErrors++; });
    rtcp.on('error', () => undefined);
  }

  /** Bind an even/odd port pair at or after `from` (skipping ports in use); resolves undefined past `to`. */
  static async open(from: number, to: number, capacity: number, totals: StreamTotals, rtt: Histogram): Promise<RtpStream | undefined> {
    for (let port = from + (from % 2); port + 1 <= to; port += 2) {
      const rtp = await bind(port);
      if (!rtp) continue;
      const rtcp = await bind(port + 1);
      if (!rtcp) {
        rtp.close();
        continue;
      }
      return new RtpStream(rtp, rtcp, port, capacity, totals, rtt);
    }
    return undefined;
  }

  /** Send to the engine's RTP port only (and hear only it): a connected socket skips the per-send lookup. */
  connect(address: string, port: number): Promise<void> {
    this.remotePort = port;
    return new Promise((resolve) => this.rtp.connect(port, address, () => resolve()));
  }

  /** The next 20 ms frame; `now` is its send time. */
  send(now: number): void {
    const tag = this.sent;
    if (tag >= this.sentAt.length) return; // out of tags: the run is longer than the tables were sized for
    const b = this.ring[tag % SEND_RING] as Buffer;
    b.writeUInt16BE(this.seq, 2);
    b.writeUInt32BE(this.ts, 4);
    b[RTP_FIXED_HEADER_LENGTH] = 0x80 | ((tag >>> 14) & 0x7f);
    b[RTP_FIXED_HEADER_LENGTH + 1] = 0x80 | ((tag >>> 7) & 0x7f);
    b[RTP_FIXED_HEADER_LENGTH + 2] = 0x80 | (tag & 0x7f);
    this.sentAt[tag] = now;
    if (tag === 0) this.firstSentAt = now;
    this.rtp.send(this.srtp ? this.srtp.protectRtp(b) : b);
    this.sent = tag + 1;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + TS_STEP) >>> 0;
    this.totals.sent++;
  }

  /** Frames not sent (the generator was starved): the media clock runs on, as a sender's would. */
  skip(frames: number): void {
    this.ts = (this.ts + frames * TS_STEP) >>> 0;
  }

  private onRtp(msg: Buffer): void {
    this.received++;
    this.totals.received++;
    const h = readRtpHeader(msg, this.view);
    if (!h || h.pt !== PCMU_PT || h.payloadLength < TAG_OCTETS) return;
    let pkt: Uint8Array = msg;
    let o = h.payloadOffset;
    if (this.srtpTags) {
      pkt = this.srtpTags.read(msg, o, TAG_OCTETS, h.ssrc, h.seq);
      o = 0;
    }
    const b0 = pkt[o] as number;
    const b1 = pkt[o + 1] as number;
    const b2 = pkt[o + 2] as number;
    if ((b0 & b1 & b2 & 0x80) === 0) return;
    const tag = ((b0 & 0x7f) << 14) | ((b1 & 0x7f) << 7) | (b2 & 0x7f);
    if (tag >= this.sent) return; // silence (keepalive) or concealment, not an echo of ours
    if (this.echoed[tag] === 1) {
      this.totals.duplicates++;
      return;
    }
    this.echoed[tag] = 1;
    if (this.firstEchoAt < 0) this.firstEchoAt = performance.now();
    if (tag >= this.winFrom && tag < this.winTo) {
      const rtt = performance.now() - (this.sentAt[tag] as number);
      this.rtt.recordMs(rtt);
      if (rtt < this.winMinRttMs) this.winMinRttMs = rtt;
      this.winLastRttMs = rtt;
      const by = this.rttByPart;
      if (by) (by.parts[Math.min(by.parts.length - 1, Math.floor((tag - this.winFrom) / by.framesPerPart))] as Histogram).recordMs(rtt);
    }
  }

  /** Tags sent in the window whose echo has not come back. */
  missingInWindow(): number {
    let missing = 0;
    const to = Math.min(this.winTo, this.sent);
    for (let t = this.winFrom; t < to; t++) if (this.echoed[t] === 0) missing++;
    return missing;
  }

  /** Where in the window (0 = start, 1 = end) each missing tag sits, for telling edge effects from steady loss. */
  missingWhere(into: number[]): void {
    const to = Math.min(this.winTo, this.sent);
    const span = Math.max(1, to - this.winFrom);
    for (let t = this.winFrom; t < to; t++) if (this.echoed[t] === 0) into.push((t - this.winFrom) / span);
  }

  /** Packets sent in the window. */
  sentInWindow(): number {
    return Math.max(0, Math.min(this.winTo, this.sent) - this.winFrom);
  }

  close(): void {
    this.rtp.close();
    this.rtcp.close();
  }
}

function bind(port: number): Promise<Socket | undefined> {
  const s = createSocket('udp4');
  return new Promise((resolve) => {
    s.once('error', () => {
      s.close();
      resolve(undefined);
    });
    s.bind(port, '127.0.0.1', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
  });
}
