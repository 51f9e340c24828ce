/**
 * The load generator of `npm run bench:media`: N PBX calls into a Switchboard over loopback, as cheap as it
 * can be because it shares the cores with the engine it measures. Signalling is our own SIP stack as UAC
 * (INVITE with an SDP offer, ACK, BYE); each answered call gets an RtpStream sending one frame per 20 ms.
 * The sends are spread over the period: one 2 ms clock, and each call sends in the slot of its phase
 * (index mod 10), so the engine sees many independent streams rather than one burst every 20 ms.
 */
import { silentLogger } from '../src/observability/logger.js';
import { createMetrics } from '../src/observability/metrics.js';
import { realTimers } from '../src/shared/timers.js';
import { acceptAnswer, createOffer, serializeSdp, type LocalMediaOptions } from '../src/sdp/index.js';
import { createSrtpContexts } from '../src/media/srtp/index.js';
import { TransportLayer } from '../src/sip/transport/transport-layer.js';
import { TransactionLayer } from '../src/sip/transaction/transaction-layer.js';
import { DEFAULT_TIMERS } from '../src/sip/transaction/timer-config.js';
import { UserAgent } from '../src/sip/user-agent.js';
import type { Session } from '../src/sip/dialog/session.js';
import { Histogram } from './histogram.js';
import { SrtpTagReader } from './srtp-tag-reader.js';
import { PTIME_MS, RtpStream, type StreamTotals } from './media-stream.js';

export interface LoadOptions {
  /** The engine's SIP UDP port on 127.0.0.1. */
  sipPort: number;
  srtp: boolean;
  /** Our RTP/RTCP ports. */
  portMin: number;
  portMax: number;
  /** Mean rate at which calls are placed. */
  callsPerSecond: number;
  arrivals: 'poisson' | 'uniform';
  /** Longest a call streams (sizes the per-call tag tables). */
  maxSeconds: number;
  setupTimeoutMs: number;
}

export interface Call {
  index: number;
  stream: RtpStream;
  session?: Session;
  endedByEngine: boolean;
  /** When the 200 OK arrived (performance.now()). */
  answeredAt: number;
}

const SLOT_MS = 2;
const SLOTS = PTIME_MS / SLOT_MS;

export interface WindowResult {
  /** Packets sent to the engine in the window. */
  sent: number;
  /** Of those, echoes that never came back. */
  missing: number;
  /** RTP datagrams that arrived from the engine during the window (echoes and keepalive silence). */
  received: number;
  rtt: { p50Ms: number; p99Ms: number; maxMs: number };
  /** With startWindow(expectedMs): the round trip per tenth of the window (by send time), to show a trend. */
  rttByTenth?: { p50Ms: number; p99Ms: number; maxMs: number }[];
  /** Calls with at least one missing echo, the most any call missed, and where in the window misses sit (tenths). */
  loss: { calls: number; maxPerCall: number; byTenth: number[]; deadCalls: number; deadCallPackets: number };
  /** How late the generator's 2 ms clock woke up (a generator starved of CPU shows here). */
  sendLate: { p50Ms: number; p99Ms: number; maxMs: number };
}

export class LoadGenerator {
  readonly calls: Call[] = [];
  readonly totals: StreamTotals = { sent: 0, received: 0, rtcpReceived: 0, duplicates: 0, sendErrors: 0 };
  readonly rtt = new Histogram();
  private readonly sendLate = new Histogram();
  private readonly slots: RtpStream[][] = Array.from({ length: SLOTS }, () => []);
  private nextSlotAt = 0;
  private slot = 0;
  private clock?: NodeJS.Timeout;
  private measuring = false;
  private nextPort: number;
  failed = new Map<string, number>();
  endedByEngine = 0;
  /** Frames the generator did not send during the window because it was starved of CPU for a period or more. */
  skippedFrames = 0;
  private receivedAtStart = 0;
  private receivedAtEnd = 0;

  private constructor(private readonly o: LoadOptions, private readonly transport: TransportLayer,
    private readonly transactions: TransactionLayer, private readonly ua: UserAgent) {
    this.nextPort = o.portMin;
  }

  static async create(o: LoadOptions): Promise<LoadGenerator> {
    const metrics = createMetrics({ defaultMetrics: false });
    const logger = silentLogger();
    const transport = new TransportLayer({
      listen: [{ transport: 'udp', host: '127.0.0.1', port: 0 }], publicAddress: '127.0.0.1', maxMessageBytes: 65535,
      idleTimeoutMs: 30_000, connectTimeoutMs: 2_000, logger, metrics,
    });
    await transport.start();
    const transactions = new TransactionLayer(transport, { timers: realTimers, config: DEFAULT_TIMERS, metrics });
    const ua = new UserAgent({
      transport, transactions, timers: realTimers, logger, metrics, userAgent: 'switchboard-bench-media',
      sessionTimers: { enabled: false, sessionExpires: 1800, minSE: 90 },
    });
    return new LoadGenerator(o, transport, transactions, ua);
  }

  get answered(): number {
    return this.calls.length;
  }

  /** Place `n` calls at callsPerSecond; resolves when every one is answered or has failed. */
  async placeCalls(n: number, onProgress?: (answered: number) => void): Promise<void> {
    this.startClock();
    const gapMs = 1000 / this.o.callsPerSecond;
    const started: Promise<void>[] = [];
    let at = performance.now();
    for (let i = 0; i < n; i++) {
      // Poisson arrivals (exponential gaps) like real traffic; 'uniform' is one call every gap exactly, which
      // puts every call at the same phase of the 20 ms frame period (a worst case for frame scheduling).
      at += this.o.arrivals === 'uniform' ? gapMs : -Math.log(1 - Math.random()) * gapMs;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      started.push(this.placeCall(i).then((ok) => {
        if (ok && this.calls.length % 100 === 0) onProgress?.(this.calls.length);
      }));
    }
    await Promise.all(started);
  }

  private fail(why: string): false {
    this.failed.set(why, (this.failed.get(why) ?? 0) + 1);
    return false;
  }

  private async placeCall(index: number): Promise<boolean> {
    const stream = await RtpStream.open(this.nextPort, this.o.portMax, this.o.maxSeconds * (1000 / PTIME_MS), this.totals, this.rtt);
    if (!stream) return this.fail('no local RTP port');
    this.nextPort = stream.port + 2;
    const local: LocalMediaOptions = {
      address: '127.0.0.1', port: stream.port, codecs: ['PCMU'], ptime: PTIME_MS,
      ...(this.o.srtp ? { srtp: 'required' as const, cryptoSuites: ['AES_CM_128_HMAC_SHA1_80' as const] } : { srtp: 'off' as const }),
    };
    const offer = createOffer(local);
    const dest = { transport: 'udp' as const, address: '127.0.0.1', port: this.o.sipPort };
    const inv = this.ua.invite({
      target: `sip:echo@127.0.0.1:${this.o.sipPort}`, dest,
      from: `<sip:pbx${index}@127.0.0.1>`, to: `<sip:echo@127.0.0.1:${this.o.sipPort}>`, sdp: serializeSdp(offer),
    });
    const outcome = await new Promise<{ session: Session; sdp: string | undefined; at: number } | string>((resolve) => {
      const t = setTimeout(() => resolve('setup timeout'), this.o.setupTimeoutMs);
      inv.events = {
        onAnswer: (session, sdp) => { clearTimeout(t); resolve({ session, sdp, at: performance.now() }); },
        onFailure: (status, reason) => { clearTimeout(t); resolve(`${status} ${reason}`); },
      };
      inv.start();
    });
    if (typeof outcome === 'string') {
      stream.close();
      return this.fail(outcome);
    }
    const call: Call = { index, stream, session: outcome.session, endedByEngine: false, answeredAt: outcome.at };
    outcome.session.handlers.onEnded = (reason) => {
      if (reason === 'remote-bye') {
        call.endedByEngine = true;
        this.endedByEngine++;
      }
    };
    try {
      if (!outcome.sdp) throw new Error('no SDP in the 200');
      const agreed = acceptAnswer(offer, outcome.sdp, local);
      if (agreed.codec !== 'PCMU') throw new Error(`engine chose ${agreed.codec}`);
      if (agreed.srtp) {
        stream.srtp = createSrtpContexts({ suite: agreed.srtp.suite, localKey: agreed.srtp.localKey, remoteKey: agreed.srtp.remoteKey });
        stream.srtpTags = new SrtpTagReader(agreed.srtp.suite, agreed.srtp.remoteKey);
      }
      else if (this.o.srtp) throw new Error('engine answered without SRTP');
      await stream.connect(agreed.remoteAddress, agreed.remotePort);
    } catch (e) {
      void outcome.session.end('local-bye');
      stream.close();
      return this.fail(e instanceof Error ? e.message : String(e));
    }
    this.calls.push(call);
    (this.slots[index % SLOTS] as RtpStream[]).push(stream);
    return true;
  }

  // ---- the send clock ----------------------------------------------------------------------------------

  private startClock(): void {
    if (this.clock) return;
    const now = performance.now();
    this.nextSlotAt = Math.ceil(now / SLOT_MS) * SLOT_MS;
    this.slot = 0;
    this.schedule();
  }

  private schedule(): void {
    this.clock = setTimeout(this.run, Math.max(0, this.nextSlotAt - performance.now()));
  }

  private readonly run = (): void => {
    const now = performance.now();
    if (this.measuring) this.sendLate.recordMs(now - this.nextSlotAt);
    // Starved for a whole period or more: skip the periods missed rather than send them in a burst. A PBX
    // does not catch up either, and a burst would make the echo trim its backlog, which would show up as
    // loss in the engine. The skipped frames are counted, never tagged, so they are not "sent".
    if (now - this.nextSlotAt >= PTIME_MS) {
      const periods = Math.floor((now - this.nextSlotAt) / PTIME_MS);
      if (this.measuring) this.skippedFrames += periods * this.calls.length;
      for (const c of this.calls) c.stream.skip(periods);
      this.nextSlotAt += periods * PTIME_MS;
    }
    // Every slot whose time has come (one, or several after a stall shorter than a period).
    while (this.nextSlotAt <= now) {
      for (const s of this.slots[this.slot] as RtpStream[]) s.send(now);
      this.nextSlotAt += SLOT_MS;
      this.slot = (this.slot + 1) % SLOTS;
    }
    this.schedule();
  };

  stopClock(): void {
    if (this.clock) clearTimeout(this.clock);
    this.clock = undefined;
  }

  // ---- the measurement window ---------------------------------------------------------------------------

  /** Round trips per tenth of the window, when startWindow() was told how long the window is. */
  private rttByTenth?: Histogram[];

  /** `expectedMs`: the window's planned length, to split round trips by tenth of the window (bench:e2e). */
  startWindow(expectedMs?: number): void {
    let byPart: RtpStream['rttByPart'];
    if (expectedMs !== undefined) {
      this.rttByTenth ??= Array.from({ length: 10 }, () => new Histogram());
      for (const h of this.rttByTenth) h.reset();
      byPart = { parts: this.rttByTenth, framesPerPart: Math.max(1, expectedMs / PTIME_MS / 10) };
    }
    for (const c of this.calls) {
      c.stream.winFrom = c.stream.sent;
      c.stream.winTo = Number.MAX_SAFE_INTEGER;
      c.stream.winMinRttMs = Infinity;
      if (byPart) c.stream.rttByPart = byPart;
    }
    this.rtt.reset();
    this.sendLate.reset();
    this.receivedAtStart = this.totals.received;
    this.skippedFrames = 0;
    this.measuring = true;
  }

  endWindow(): void {
    for (const c of this.calls) c.stream.winTo = c.stream.sent;
    this.receivedAtEnd = this.totals.received;
    this.measuring = false;
  }

  /** Echoes of the window's packets that have not come back (yet). */
  windowMissing(): number {
    let missing = 0;
    for (const c of this.calls) missing += c.stream.missingInWindow();
    return missing;
  }

  /** After endWindow() and a tail long enough for the last echoes to come back. */
  windowResult(): WindowResult {
    let sent = 0;
    let missing = 0;
    const loss = { calls: 0, maxPerCall: 0, byTenth: new Array<number>(10).fill(0), deadCalls: 0, deadCallPackets: 0 };
    const where: number[] = [];
    for (const c of this.calls) {
      const n = c.stream.sentInWindow();
      sent += n;
      const m = c.stream.missingInWindow();
      if (m > 0 && m === n) {
        // Not one echo all window: the engine's session for this call is not passing audio at all.
        loss.deadCalls++;
        loss.deadCallPackets += m;
      }
      missing += m;
      if (m > 0) {
        loss.calls++;
      }
      loss.maxPerCall = Math.max(loss.maxPerCall, m);
      c.stream.missingWhere(where);
    }
    for (const x of where) loss.byTenth[Math.min(9, Math.floor(x * 10))]++;
    return {
      sent, missing, loss, received: this.receivedAtEnd - this.receivedAtStart, rtt: this.rtt.summary(), sendLate: this.sendLate.summary(),
      ...(this.rttByTenth ? { rttByTenth: this.rttByTenth.map((h) => h.summary()) } : {}),
    };
  }

  // ---- teardown -----------------------------------------------------------------------------------------

  /** BYE every call, `perSecond` at a time; waits for the answers (or the transaction timeout). */
  async hangUp(perSecond: number): Promise<void> {
    this.stopClock();
    const ends: Promise<void>[] = [];
    const batch = Math.max(1, Math.round(perSecond / 10));
    for (let i = 0; i < this.calls.length; i += batch) {
      for (const c of this.calls.slice(i, i + batch)) {
        if (c.session && !c.session.isEnded) ends.push(c.session.end('local-bye'));
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await Promise.all(ends);
    for (const c of this.calls) c.stream.close();
  }

  async close(): Promise<void> {
    this.stopClock();
    this.transactions.shutdown();
    await this.transport.stop();
  }
}
