/**
 * A scripted phone in the test process: our own SIP stack as UAC (ua-pair's startUa: TransportLayer +
 * TransactionLayer + UserAgent on real sockets) places calls to Switchboard, offering PCMU (src/sdp
 * createOffer/acceptAnswer) from an RTP/RTCP socket pair it owns. Once answered it sends a PCM signal as
 * RTP paced at 20 ms (silence when the signal has run out), can send RFC 4733 key presses in place of audio
 * (RFC 4733 §2.5) or SIP INFO application/dtmf-relay, and records every RTP packet it receives with its
 * arrival time (performance.now()) and the decoded samples. It hangs up with BYE.
 * (The load generator in bench/media-load.ts does the same for many calls at once, without recording.)
 */
import { createSocket, type Socket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { acceptAnswer, createOffer, serializeSdp, type LocalMediaOptions, type NegotiatedMedia, type SessionDescription } from '../../src/sdp/index.js';
import { decodeUlaw, encodeUlaw } from '../../src/media/codec/g711.js';
import { dtmfPackets, type DtmfPacket } from '../../src/media/dtmf/rfc4733.js';
import { isRtcpPacket, readRtpHeader, RTP_FIXED_HEADER_LENGTH, writeRtpHeader } from '../../src/media/rtp/rtp-packet.js';
import { setBody } from '../../src/sip/message/build.js';
import type { SipResponse, TransportName } from '../../src/sip/message/sip-message.js';
import type { Session, SessionEndReason } from '../../src/sip/dialog/session.js';
import type { OutgoingInvite } from '../../src/sip/dialog/outgoing-invite.js';
import { startUa, within, type UaSide } from './ua-pair.js';

const PTIME_MS = 20;
const RATE = 8000;
const FRAME = (RATE * PTIME_MS) / 1000;
const PCMU = 0;
/** Silence between two key presses, in frames (RFC 4733 senders leave a gap; 100 ms is usual). */
const INTER_DIGIT_FRAMES = 5;
/** Phone RTP ports: outside the test Switchboards' media ranges (10000-17999) and the ephemeral range. */
const PHONE_PORT_MIN = 18400;
const PHONE_PORT_MAX = 19998;
let nextPort = PHONE_PORT_MIN;

export interface RxPacket {
  /** performance.now() at arrival. */
  at: number;
  pt: number;
  seq: number;
  ts: number;
  marker: boolean;
  payload: Buffer;
  /** Decoded audio (PCMU packets). */
  pcm?: Int16Array;
}

async function bindPair(): Promise<{ rtp: Socket; rtcp: Socket; port: number }> {
  for (let tries = 0; tries < 200; tries++) {
    const port = nextPort;
    nextPort = nextPort + 2 > PHONE_PORT_MAX ? PHONE_PORT_MIN : nextPort + 2;
    const rtp = createSocket('udp4');
    const rtcp = createSocket('udp4');
    const bind = (s: Socket, p: number): Promise<boolean> => new Promise((resolve) => {
      s.once('error', () => resolve(false));
      s.bind(p, '127.0.0.1', () => resolve(true));
    });
    if (await bind(rtp, port) && await bind(rtcp, port + 1)) return { rtp, rtcp, port };
    rtp.close();
    rtcp.close();
  }
  throw new Error('no free RTP port pair for the test phone');
}

/** Mean square of the samples, as an RMS level (0 for silence). */
export function rms(pcm: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < pcm.length; i++) sum += (pcm[i] as number) ** 2;
  return pcm.length ? Math.sqrt(sum / pcm.length) : 0;
}

export interface DialOptions {
  /** Switchboard's SIP port on 127.0.0.1. */
  sipPort: number;
  /** Request-URI user (the dialled number). */
  to: string;
  from?: string;
  transport?: TransportName;
  /** 8 kHz PCM to send once the call is answered (then silence). */
  signal?: Int16Array;
  /** Repeat the signal for as long as the call lasts. */
  loop?: boolean;
}

export type CallOutcome =
  | { kind: 'answered'; at: number; res: SipResponse }
  | { kind: 'failed'; status: number; reason: string; at: number };

export class PhoneCall {
  readonly invitedAt = performance.now();
  readonly progress: { status: number; at: number }[] = [];
  readonly rx: RxPacket[] = [];
  readonly outcome: Promise<CallOutcome>;
  /** Resolves when the call ends, with who ended it ('remote-bye' = Switchboard sent BYE). */
  readonly ended: Promise<{ reason: SessionEndReason; at: number }>;
  session?: Session;
  media?: NegotiatedMedia;
  packetsSent = 0;
  private endedResolve!: (v: { reason: SessionEndReason; at: number }) => void;
  private signal: Int16Array;
  private loop: boolean;
  private pos = 0;
  private readonly ssrc = randomInt(1, 0xffffffff);
  private seq = randomInt(0, 0x10000);
  private ts = randomInt(0, 0x7fffffff);
  private dueAt = 0;
  private clock?: NodeJS.Timeout;
  private talking = false;
  /** Event packets (or null: one frame of audio between key presses) waiting to replace audio. */
  private dtmf: (DtmfPacket | null)[] = [];
  private dtmfDone?: () => void;
  private closed = false;
  private readonly invite: OutgoingInvite;

  constructor(private readonly side: UaSide, private readonly rtp: Socket, private readonly rtcp: Socket,
    private readonly local: LocalMediaOptions, private readonly offer: SessionDescription, o: DialOptions) {
    this.signal = o.signal ?? new Int16Array(0);
    this.loop = o.loop ?? false;
    rtp.on('message', (data) => this.onRtp(data));
    rtcp.on('message', () => undefined);
    this.ended = new Promise((resolve) => { this.endedResolve = resolve; });
    const transport = o.transport ?? 'udp';
    const target = `sip:${o.to}@127.0.0.1:${o.sipPort}${transport === 'udp' ? '' : `;transport=${transport}`}`;
    const invite = this.invite = side.ua.invite({
      target, dest: { transport, address: '127.0.0.1', port: o.sipPort },
      from: `<sip:${o.from ?? 'alice'}@127.0.0.1>`, to: `<${target}>`, sdp: serializeSdp(offer),
    });
    this.outcome = new Promise((resolve) => {
      invite.events = {
        onProgress: (res) => this.progress.push({ status: res.status, at: performance.now() }),
        onAnswer: (session, sdp, res) => {
          const at = performance.now();
          this.session = session;
          session.handlers.onEnded = (reason) => {
            this.close();
            this.endedResolve({ reason, at: performance.now() });
          };
          try {
            if (!sdp) throw new Error('no SDP in the 200');
            this.media = acceptAnswer(this.offer, sdp, this.local);
          } catch (e) {
            void session.end('local-bye');
            resolve({ kind: 'failed', status: 200, reason: `bad answer: ${String(e)}`, at });
            return;
          }
          this.startClock();
          resolve({ kind: 'answered', at, res });
        },
        onFailure: (status, reason) => {
          this.close();
          resolve({ kind: 'failed', status, reason, at: performance.now() });
        },
      };
    });
    invite.start();
  }

  /** Waits for the 200; throws with the status when the call failed. */
  async answered(ms = 5000): Promise<number> {
    const o = await within(this.outcome, 'the call to be answered', ms);
    if (o.kind !== 'answered') throw new Error(`call failed: ${o.status} ${o.reason}`);
    return o.at;
  }

  /** CANCEL the INVITE while it rings (the outcome becomes 487). */
  cancel(): void {
    this.invite.cancel();
  }

  /** Replace what the phone says from the next frame on. */
  say(signal: Int16Array, loop = false): void {
    this.signal = signal;
    this.loop = loop;
    this.pos = 0;
  }

  private onRtp(data: Buffer): void {
    const at = performance.now();
    if (isRtcpPacket(data)) return;
    const h = readRtpHeader(data);
    if (!h) return;
    const payload = Buffer.from(data.subarray(h.payloadOffset, h.payloadOffset + h.payloadLength));
    const p: RxPacket = { at, pt: h.pt, seq: h.seq, ts: h.ts, marker: h.marker, payload };
    if (h.pt === PCMU) {
      p.pcm = new Int16Array(payload.length);
      decodeUlaw(payload, p.pcm);
    }
    this.rx.push(p);
  }

  // ---- sending -----------------------------------------------------------------------------------------

  private startClock(): void {
    this.dueAt = performance.now();
    this.tick();
  }

  private stopClock(): void {
    if (this.clock) clearTimeout(this.clock);
    this.clock = undefined;
  }

  /** One frame per 20 ms on the wall clock; catches up (never skips) when the event loop was late. */
  private readonly tick = (): void => {
    const now = performance.now();
    while (this.dueAt <= now && !this.closed) {
      this.sendFrame();
      this.dueAt += PTIME_MS;
    }
    if (!this.closed) this.clock = setTimeout(this.tick, Math.max(0, this.dueAt - performance.now()));
  };

  private nextAudio(): Int16Array {
    const out = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) {
      if (this.pos >= this.signal.length) {
        if (!this.loop || this.signal.length === 0) break;
        this.pos = 0;
      }
      out[i] = this.signal[this.pos++] as number;
    }
    return out;
  }

  private sendFrame(): void {
    const m = this.media;
    if (!m) return;
    const next = this.dtmf.shift();
    if (next) {
      this.send(m.telephoneEventPt as number, next.ts, next.marker, next.payload);
      this.talking = false;
    } else {
      const ulaw = Buffer.alloc(FRAME);
      encodeUlaw(this.nextAudio(), ulaw);
      this.send(PCMU, this.ts, !this.talking, ulaw);
      this.talking = true;
    }
    if (this.dtmf.length === 0 && this.dtmfDone) {
      const done = this.dtmfDone;
      this.dtmfDone = undefined;
      done();
    }
    this.ts = (this.ts + FRAME) >>> 0;
  }

  private send(pt: number, ts: number, marker: boolean, payload: Uint8Array): void {
    const m = this.media;
    if (!m || this.closed) return;
    const packet = Buffer.alloc(RTP_FIXED_HEADER_LENGTH + payload.length);
    writeRtpHeader(packet, 0, { pt, seq: this.seq, ts, ssrc: this.ssrc, marker });
    packet.set(payload, RTP_FIXED_HEADER_LENGTH);
    this.seq = (this.seq + 1) & 0xffff;
    this.rtp.send(packet, m.remotePort, m.remoteAddress);
    this.packetsSent++;
  }

  /** RFC 4733 key presses in place of audio (§2.5), one after another; resolves once all have been sent. */
  sendDigits(digits: string, durationMs = 100): Promise<void> {
    const m = this.media;
    if (m?.telephoneEventPt === undefined) return Promise.reject(new Error('telephone-event was not agreed'));
    // Each press is stamped with the timestamp the audio would have had when it starts (§2.5.1.2).
    let ts = this.ts;
    for (const d of digits) {
      const packets = [...dtmfPackets({ digit: d, durationMs, startTs: ts, clockRate: RATE, ptimeMs: PTIME_MS })];
      this.dtmf.push(...packets);
      for (let i = 0; i < INTER_DIGIT_FRAMES; i++) this.dtmf.push(null);
      ts = (ts + (packets.length + INTER_DIGIT_FRAMES) * FRAME) >>> 0;
    }
    return new Promise((resolve) => { this.dtmfDone = resolve; });
  }

  /** A key press as SIP INFO with an application/dtmf-relay body; resolves with the final response status. */
  sendInfo(digit: string, durationMs = 160): Promise<number> {
    const s = this.session;
    if (!s) return Promise.reject(new Error('not answered'));
    const req = s.dialog.createRequest('INFO');
    setBody(req, 'application/dtmf-relay', `Signal=${digit}\r\nDuration=${durationMs}\r\n`);
    return within(new Promise<number>((resolve, reject) => {
      this.side.ua.sendInDialog(s.dialog, req, {
        onResponse: (res) => { if (res.status >= 200) resolve(res.status); },
        onTimeout: () => reject(new Error('INFO timed out')),
      });
    }), 'the response to INFO');
  }

  // ---- what arrived ----------------------------------------------------------------------------------------

  /** PCMU packets whose audio is louder than `level` RMS (tone, not keepalive silence), optionally from a time. */
  loudPackets(level = 500, fromAt = 0): RxPacket[] {
    return this.rx.filter((p) => p.pcm !== undefined && p.at >= fromAt && rms(p.pcm) > level);
  }

  /** Decoded audio of the PCMU packets that arrived in [fromAt, toAt), in arrival order. */
  receivedPcm(fromAt = 0, toAt = Infinity): Int16Array {
    const parts = this.rx.filter((p) => p.pcm !== undefined && p.at >= fromAt && p.at < toAt).map((p) => p.pcm as Int16Array);
    const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }

  /** BYE (when the call is up), then stop the media. */
  async hangup(): Promise<void> {
    this.stopClock();
    if (this.session && !this.session.isEnded) await this.session.end('local-bye');
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopClock();
    this.rtp.close();
    this.rtcp.close();
  }
}

export class RtpPhone {
  readonly calls: PhoneCall[] = [];
  private constructor(readonly side: UaSide) {}

  static async start(transports: TransportName[] = ['udp']): Promise<RtpPhone> {
    return new RtpPhone(await startUa({ transports, sessionTimers: { enabled: false } }));
  }

  /** Places a call (INVITE with a PCMU offer at once); see PhoneCall for its progress. */
  async dial(o: DialOptions): Promise<PhoneCall> {
    const { rtp, rtcp, port } = await bindPair();
    const local: LocalMediaOptions = { address: '127.0.0.1', port, codecs: ['PCMU'], ptime: PTIME_MS, srtp: 'off' };
    const call = new PhoneCall(this.side, rtp, rtcp, local, createOffer(local), o);
    this.calls.push(call);
    return call;
  }

  /** Hangs up what is still up and stops the SIP stack. */
  async stop(): Promise<void> {
    await Promise.all(this.calls.map((c) => c.hangup().catch(() => undefined)));
    await this.side.stop();
  }
}

export function startRtpPhone(transports?: TransportName[]): Promise<RtpPhone> {
  return RtpPhone.start(transports);
}
