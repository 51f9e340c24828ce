/**
 * The media half of the SIPp demo call (SIPp only does the signalling): a PCMU RTP endpoint that records what
 * arrives and, once Switchboard's first packet shows where its media port is (symmetric RTP), sends the
 * caller tone there, one 20 ms packet at a time.
 */
import { createSocket, type Socket } from 'node:dgram';
import { decodeUlaw, encodeUlaw } from '../../src/media/codec/g711.js';

const FRAME = 160;
const PCMU = 0;

interface Received { at: number; ts: number; payload: Buffer }

export class RtpPhone {
  private readonly socket: Socket;
  private readonly received: Received[] = [];
  private peer?: { address: string; port: number };
  private timer?: NodeJS.Timeout;
  private sentFrames = 0;
  /** Date.now() of the first packet sent. */
  firstSentAt?: number;

  constructor(private readonly tone: Int16Array) {
    this.socket = createSocket('udp4');
    this.socket.on('message', (msg, from) => this.onPacket(msg, from));
  }

  bind(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(port, '127.0.0.1', () => resolve());
    });
  }

  private onPacket(msg: Buffer, from: { address: string; port: number }): void {
    if (msg.length < 12 || ((msg[0] as number) >> 6) !== 2) return;
    if (((msg[1] as number) & 0x7f) !== PCMU) return; // RTCP and telephone-event are not audio
    const cc = (msg[0] as number) & 0x0f;
    let off = 12 + 4 * cc;
    if ((msg[0] as number) & 0x10 && msg.length >= off + 4) off += 4 + 4 * msg.readUInt16BE(off + 2);
    this.received.push({ at: Date.now(), ts: msg.readUInt32BE(4), payload: msg.subarray(off) });
    if (!this.peer) {
      this.peer = { address: from.address, port: from.port };
      this.startSending();
    }
  }

  private startSending(): void {
    const t0 = Date.now();
    this.firstSentAt = t0;
    const ssrc = (Math.random() * 0xffffffff) >>> 0;
    const tick = (): void => {
      const n = this.sentFrames;
      if (!this.peer || (n + 1) * FRAME > this.tone.length) return;
      const pkt = Buffer.alloc(12 + FRAME);
      pkt[0] = 0x80;
      pkt[1] = n === 0 ? 0x80 | PCMU : PCMU;
      pkt.writeUInt16BE(n & 0xffff, 2);
      pkt.writeUInt32BE((n * FRAME) >>> 0, 4);
      pkt.writeUInt32BE(ssrc, 8);
      encodeUlaw(this.tone.subarray(n * FRAME, (n + 1) * FRAME), pkt.subarray(12));
      this.socket.send(pkt, this.peer.port, this.peer.address);
      this.sentFrames++;
      this.timer = setTimeout(tick, Math.max(0, t0 + this.sentFrames * 20 - Date.now()));
    };
    tick();
  }

  /** What arrived, laid out by RTP timestamp from the first packet (gaps are silence). */
  heard(): { samples: Int16Array; firstAt: number } | undefined {
    const first = this.received[0];
    if (!first) return undefined;
    const offsets = this.received.map((r) => (r.ts - first.ts) >>> 0).filter((o) => o < 8000 * 120);
    const samples = new Int16Array(Math.max(...offsets) + FRAME);
    this.received.forEach((r) => {
      const o = (r.ts - first.ts) >>> 0;
      if (o + r.payload.length <= samples.length) decodeUlaw(r.payload, samples.subarray(o, o + r.payload.length));
    });
    return { samples, firstAt: first.at };
  }

  sent(): Int16Array {
    return this.tone.subarray(0, this.sentFrames * FRAME);
  }

  close(): void {
    clearTimeout(this.timer);
    this.peer = undefined;
    this.socket.close();
  }
}
