/**
 * Two real SIP stacks in one process: each side is TransportLayer + TransactionLayer + UserAgent listening on
 * 127.0.0.1 with an ephemeral port (real sockets). The transport records every message it hands up or sends,
 * so a test can assert the wire order ("in:INVITE", "out:180", "in:CANCEL", …) without sniffing.
 *
 * Timers are real by default; a side may be given FakeTimers to fast-forward its session timer (messages
 * still travel over real sockets, so after advance() the test waits for the wire with waitFor()).
 */
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { realTimers, type Timers } from '../../src/shared/timers.js';
import { setBody } from '../../src/sip/message/build.js';
import type { SipMessage, SipRequest, SipResponse, TransportName } from '../../src/sip/message/sip-message.js';
import type { IncomingInvite } from '../../src/sip/dialog/incoming-invite.js';
import type { OutgoingInvite, OutgoingInviteOptions } from '../../src/sip/dialog/outgoing-invite.js';
import type { Session, SessionEndReason } from '../../src/sip/dialog/session.js';
import type { SessionTimerConfig } from '../../src/sip/dialog/session-timer.js';
import { DEFAULT_TIMERS, type TimerConfig } from '../../src/sip/transaction/timer-config.js';
import { TransactionLayer } from '../../src/sip/transaction/transaction-layer.js';
import { TransportLayer, type MessageHandler } from '../../src/sip/transport/transport-layer.js';
import type { Destination } from '../../src/sip/transport/transport.js';
import type { TrunkGate } from '../../src/sip/trunk/trunk-gate.js';
import { UserAgent, type Admission } from '../../src/sip/user-agent.js';
import { labelOf } from './fake-transaction-context.js';

export interface WireRecord {
  dir: 'in' | 'out';
  /** Method of a request, status code of a response, taken when the message passed. */
  label: string;
  message: SipMessage;
}

/** The real transport layer, recording what passes through it in both directions. */
export class RecordingTransportLayer extends TransportLayer {
  readonly wire: WireRecord[] = [];

  override onMessage(handler: MessageHandler): void {
    super.onMessage((m) => {
      this.wire.push({ dir: 'in', label: labelOf(m), message: m });
      handler(m);
    });
  }

  override send(message: SipMessage, dest: Destination): void {
    this.wire.push({ dir: 'out', label: labelOf(message), message });
    super.send(message, dest);
  }

  /** "in:INVITE", "out:200", … in order, leaving out what `skip` names (default: 100 Trying). */
  trace(skip: readonly string[] = ['100']): string[] {
    return this.wire.filter((w) => !skip.includes(w.label)).map((w) => `${w.dir}:${w.label}`);
  }

  /** Requests of this method that arrived. */
  received(method: string): SipRequest[] {
    return this.wire.flatMap((w) => (w.dir === 'in' && w.message.kind === 'request' && w.message.method === method ? [w.message] : []));
  }

  /** Responses that arrived, optionally only those to one method. */
  responses(method?: string): SipResponse[] {
    return this.wire.flatMap((w) => (w.dir === 'in' && w.message.kind === 'response' && (!method || w.message.cseq?.method === method) ? [w.message] : []));
  }
}

export const DEFAULT_SESSION_TIMERS: SessionTimerConfig = { enabled: true, sessionExpires: 1800, minSE: 90 };

export interface UaSideOptions {
  transports?: TransportName[];
  timers?: Timers;
  sessionTimers?: Partial<SessionTimerConfig>;
  timerConfig?: TimerConfig;
  admit?: (req: SipRequest, inDialog: boolean) => Admission;
  /** Fixed port (default 0: the OS picks). */
  port?: number;
}

export interface UaSide {
  ua: UserAgent;
  transport: RecordingTransportLayer;
  transactions: TransactionLayer;
  metrics: Metrics;
  timers: Timers;
  port(transport?: TransportName): number;
  dest(transport?: TransportName): Destination;
  /** sip:<user>@127.0.0.1:<port>[;transport=tcp] */
  uri(user?: string, transport?: TransportName): string;
  stop(): Promise<void>;
}

export async function startUa(o: UaSideOptions = {}): Promise<UaSide> {
  const metrics = createMetrics({ defaultMetrics: false });
  const timers = o.timers ?? realTimers;
  const transports = o.transports ?? ['udp'];
  const transport = new RecordingTransportLayer({
    listen: transports.map((t) => ({ transport: t, host: '127.0.0.1', port: o.port ?? 0 })),
    publicAddress: '127.0.0.1', maxMessageBytes: 65535, idleTimeoutMs: 30_000, connectTimeoutMs: 2_000,
    logger: silentLogger(), metrics,
  });
  await transport.start();
  const transactions = new TransactionLayer(transport, { timers, config: o.timerConfig ?? DEFAULT_TIMERS, metrics });
  const ua = new UserAgent({
    transport, transactions, timers, logger: silentLogger(), metrics, userAgent: 'ua-pair-test',
    sessionTimers: { ...DEFAULT_SESSION_TIMERS, ...o.sessionTimers },
    ...(o.admit ? { admit: o.admit } : {}),
  });
  const port = (t: TransportName = 'udp'): number => {
    const p = transport.localPort(t);
    if (p === undefined) throw new Error(`no ${t} listener`);
    return p;
  };
  return {
    ua, transport, transactions, metrics, timers, port,
    dest: (t = 'udp') => ({ transport: t, address: '127.0.0.1', port: port(t) }),
    uri: (user = 'service', t = 'udp') => `sip:${user}@127.0.0.1:${port(t)}${t === 'udp' ? '' : `;transport=${t}`}`,
    async stop() {
      transactions.shutdown();
      await transport.stop();
    },
  };
}

/** The admission an EmbeddedEngine builds from its TrunkGate (src/engine/embedded/embedded-engine.ts). */
export function gateAdmission(gate: TrunkGate): (req: SipRequest, inDialog: boolean) => Admission {
  return (req, inDialog) => {
    const src = req.source;
    if (!src) return { action: 'drop' };
    const d = gate.decide({
      sourceAddress: src.address, transport: src.transport, method: req.method, inDialog,
      authorization: req.headers.getAll('authorization').concat(req.headers.getAll('proxy-authorization')),
    });
    if (d.action === 'accept') return { action: 'accept', trunk: d.trunk.name };
    if (d.action === 'drop' || req.method === 'ACK') return { action: 'drop' };
    return { action: 'reject', status: d.status, reason: d.reason, headers: d.headers };
  };
}

// ---- waiting ---------------------------------------------------------------------------------------------

/** Rejects after `ms` so a missing message fails the test quickly instead of hanging it. */
export function within<T>(p: Promise<T>, what: string, ms = 2000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    p.then((v) => { clearTimeout(t); resolve(v); }, (e: unknown) => { clearTimeout(t); reject(e instanceof Error ? e : new Error(String(e))); });
  });
}

/** Polls every 2 ms until `cond` holds. */
export function waitFor(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  return within(new Promise<void>((resolve) => {
    const tick = (): void => {
      if (cond()) resolve();
      else setTimeout(tick, 2);
    };
    tick();
  }), what, ms);
}

/** Real time passes (for "nothing happens meanwhile" checks). */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function nextInvite(side: UaSide): Promise<IncomingInvite> {
  return new Promise((resolve) => {
    side.ua.onInvite = (inv) => resolve(inv);
  });
}

/** Resolves with the reason the session ends (keeps any onEnded handler already set). */
export function endedReason(session: Session): Promise<SessionEndReason> {
  return new Promise((resolve) => {
    const previous = session.handlers.onEnded;
    session.handlers.onEnded = (reason) => {
      previous?.(reason);
      resolve(reason);
    };
  });
}

export type InviteOutcome =
  | { kind: 'answer'; session: Session; sdp: string | undefined; res: SipResponse }
  | { kind: 'failure'; status: number; reason: string; res: SipResponse | undefined };

export interface Dialling {
  invite: OutgoingInvite;
  progress: SipResponse[];
  outcome: Promise<InviteOutcome>;
}

/** `from` calls `to`: starts an OutgoingInvite and collects what it reports. */
export function dial(from: UaSide, to: UaSide, o: Partial<OutgoingInviteOptions> & { transport?: TransportName } = {}): Dialling {
  const t = o.transport ?? 'udp';
  const { transport: _t, ...rest } = o;
  const invite = from.ua.invite({
    target: to.uri('service', t), dest: to.dest(t), from: '"Alice" <sip:alice@127.0.0.1>', to: `<${to.uri('service', t)}>`,
    ...rest,
  });
  const progress: SipResponse[] = [];
  const outcome = new Promise<InviteOutcome>((resolve) => {
    invite.events = {
      onProgress: (res) => progress.push(res),
      onAnswer: (session, sdp, res) => resolve({ kind: 'answer', session, sdp, res }),
      onFailure: (status, reason, res) => resolve({ kind: 'failure', status, reason, res }),
    };
  });
  invite.start();
  return { invite, progress, outcome };
}

export interface Call {
  uac: Session;
  uas: Session;
  incoming: IncomingInvite;
  /** The 200 the UAC received. */
  answer: SipResponse;
}

/** A complete call from `a` (UAC) to `b` (UAS): INVITE, 180, 200, and the ACK seen at `b`. */
export async function establish(a: UaSide, b: UaSide, o: Partial<OutgoingInviteOptions> & { transport?: TransportName; answerSdp?: string } = {}): Promise<Call> {
  const { answerSdp, ...dialOpts } = o;
  const invited = nextInvite(b);
  const acksBefore = b.transport.received('ACK').length;
  const d = dial(a, b, { sdp: OFFER_SDP, ...dialOpts });
  const incoming = await within(invited, 'the INVITE at the UAS');
  incoming.progress(180);
  const uas = incoming.answer(answerSdp ?? ANSWER_SDP);
  const out = await within(d.outcome, 'the UAC outcome');
  if (out.kind !== 'answer') throw new Error(`call failed with ${out.status}`);
  await waitFor(() => b.transport.received('ACK').length > acksBefore, 'the ACK at the UAS');
  return { uac: out.session, uas, incoming, answer: out.res };
}

/** Send a request inside the session's dialog and resolve with its final response (rejects on timeout). */
export function request(side: UaSide, session: Session, method: string, body?: { type: string; text: string }, seq?: number): Promise<SipResponse> {
  const req = session.dialog.createRequest(method, seq);
  if (body) setBody(req, body.type, body.text);
  return within(new Promise((resolve, reject) => {
    side.ua.sendInDialog(session.dialog, req, {
      onResponse: (res) => { if (res.status >= 200) resolve(res); },
      onTimeout: () => reject(new Error(`${method} timed out`)),
    });
  }), `the final response to ${method}`);
}

export const OFFER_SDP = [
  'v=0', 'o=alice 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 40000 RTP/AVP 0 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', '',
].join('\r\n');

export const ANSWER_SDP = [
  'v=0', 'o=bob 7 7 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 41000 RTP/AVP 0 101', 'a=rtpmap:0 PCMU/8000', 'a=rtpmap:101 telephone-event/8000', 'a=sendrecv', '',
].join('\r\n');

/** A description with a changed direction and o= version: what a hold re-offer looks like (RFC 3264 §8.4). */
export const HOLD_SDP = OFFER_SDP.replace('o=alice 1 1', 'o=alice 1 2').replace('a=sendrecv', 'a=sendonly');
