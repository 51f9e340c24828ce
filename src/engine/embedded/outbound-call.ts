/**
 * Outbound calls on the embedded engine (RFC 3261 §13.2): allocate media, offer SDP under the requested SRTP
 * policy, INVITE (answering a digest challenge once), then start the media session with what the answer agreed.
 *
 * Two steps, so a caller that can see a call coming (an integration that transfers on timeout) can do the
 * expensive part early: `prepareOutbound` allocates the media port and builds the INVITE; `start()` sends it
 * (a transaction and one datagram). `originate` is both at once.
 */
import { randomUUID } from 'node:crypto';
import { acceptAnswer, createOffer, serializeSdp, SdpNegotiationError, type AudioCodec, type LocalMediaOptions, type SessionDescription, type SrtpSuite } from '../../sdp/index.js';
import type { UserAgent } from '../../sip/user-agent.js';
import { parseUri } from '../../sip/message/uri.js';
import { uriDestination } from '../../sip/dialog/dialog.js';
import { DigestClient } from '../../sip/auth/digest-client.js';
import type { OutgoingInvite } from '../../sip/dialog/outgoing-invite.js';
import type { Session } from '../../sip/dialog/session.js';
import type { Logger } from '../../observability/logger.js';
import type { DataPlane } from '../../media/plane/data-plane.js';
import type { MediaOptions, PlaneEvent } from '../../media/plane/protocol.js';
import { RejectionError, type CallLeg, type OriginateRequest, type PreparedOriginate } from '../engine.js';
import { EmbeddedCallLeg } from './call-leg.js';
import { mediaSpecOf, toMediaApp } from './media-spec.js';

export interface OutboundDeps {
  ua: UserAgent;
  plane: DataPlane;
  publicAddress: string;
  codecs: AudioCodec[];
  ptimeMs: number;
  media: Omit<MediaOptions, 'pcmRate' | 'app'>;
  logger: Logger;
  onLeg(leg: EmbeddedCallLeg): void;
}

export async function originate(req: OriginateRequest, deps: OutboundDeps): Promise<CallLeg> {
  return (await prepareOutbound(req, deps)).start();
}

export async function prepareOutbound(req: OriginateRequest, deps: OutboundDeps): Promise<PreparedOriginate> {
  const uri = parseUri(req.target);
  if (!uri || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) {
    throw new RejectionError({ status: 416, reason: 'Unsupported URI Scheme', label: 'bad_target' });
  }
  const id = randomUUID();
  const call = new OutboundCall(id, req, deps);
  let port: number;
  try {
    port = await deps.plane.allocate(id, (ev) => call.planeEvent(ev), req.near);
  } catch {
    throw new RejectionError({ status: 503, reason: 'Media Ports Exhausted', label: 'media_ports_exhausted' });
  }
  call.build(port, uri.scheme === 'sips' ? 'tls' : 'udp');
  return call;
}

class OutboundCall implements PreparedOriginate {
  private leg?: EmbeddedCallLeg;
  private readonly early: PlaneEvent[] = [];
  private local!: LocalMediaOptions;
  private offer!: SessionDescription;
  private inv!: OutgoingInvite;
  private state: 'prepared' | 'started' | 'released' = 'prepared';
  /** Why a CANCEL was sent: the ring timeout (→ 408 no_answer) or the signal (→ 487, the caller gave up). */
  private cancelledBy?: 'timeout' | 'signal';
  private ringTimer?: NodeJS.Timeout;
  private settled = false;
  private resolve!: (leg: CallLeg) => void;
  private reject!: (e: RejectionError) => void;

  constructor(readonly id: string, private readonly req: OriginateRequest, private readonly deps: OutboundDeps) {}

  planeEvent(ev: PlaneEvent): void {
    if (this.leg) this.leg.planeEvent(ev);
    else this.early.push(ev);
  }

  build(port: number, transport: 'tls' | 'udp'): void {
    const { req, deps } = this;
    const uri = parseUri(req.target);
    if (!uri) throw new RejectionError({ status: 416, reason: 'Unsupported URI Scheme', label: 'bad_target' });
    this.local = {
      address: deps.publicAddress, port, srtp: req.srtp, codecs: deps.codecs, ptime: deps.ptimeMs,
      ...(req.cryptoSuites ? { cryptoSuites: req.cryptoSuites as SrtpSuite[] } : {}),
    };
    this.offer = createOffer(this.local);
    const digest = new DigestClient();
    const creds = req.credentials;
    this.inv = deps.ua.invite({
      target: req.target,
      dest: uriDestination(uri, transport),
      from: req.from.includes('<') ? req.from : `<${req.from}>`,
      to: `<${req.target}>`,
      sdp: serializeSdp(this.offer),
      ...(req.headers ? { headers: req.headers } : {}),
      ...(creds ? { credentials: (challenges: string[], method: string, u: string) => digest.answer({ challenges, method, uri: u, username: creds.username, password: creds.password }) } : {}),
    });
  }

  start(): Promise<CallLeg> {
    if (this.state !== 'prepared') return Promise.reject(new RejectionError({ status: 500, reason: 'Already Used', label: 'prepared_reused' }));
    this.state = 'started';
    const promise = new Promise<CallLeg>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    this.inv.events = {
      onAnswer: (session, sdp) => this.answered(session, sdp),
      onFailure: (status, reason) => this.failed(status, reason),
    };
    this.inv.start();
    const { req } = this;
    // §9.1 sends CANCEL only after a provisional; an operator that never even rings is given up at the same time.
    if (req.ringTimeoutMs !== undefined) {
      this.ringTimer = setTimeout(() => {
        this.cancelledBy ??= 'timeout';
        this.inv.cancel();
        this.failed(408, 'No Answer');
      }, req.ringTimeoutMs);
    }
    if (req.signal) {
      if (req.signal.aborted) this.abort();
      else req.signal.addEventListener('abort', this.abort, { once: true });
    }
    return promise;
  }

  private readonly abort = (): void => {
    this.cancelledBy ??= 'signal';
    this.inv.cancel();
    this.failed(487, 'Request Terminated');
  };

  release(): void {
    if (this.state !== 'prepared') return;
    this.state = 'released';
    void this.deps.plane.close(this.id);
  }

  private settle(): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.ringTimer) clearTimeout(this.ringTimer);
    this.req.signal?.removeEventListener('abort', this.abort);
    return true;
  }

  private answered(session: Session, sdp: string | undefined): void {
    const { deps } = this;
    if (!this.settle()) {
      void session.end('local-bye', 'Cancelled'); // a 2xx after we gave up (ring timeout): end it
      return;
    }
    try {
      if (!sdp) throw SdpNegotiationError.notAcceptable('No SDP In Answer', 304);
      const negotiated = acceptAnswer(this.offer, sdp, this.local);
      const leg = new EmbeddedCallLeg(this.id, session, deps.plane, this.local, this.offer, deps.logger);
      this.leg = leg;
      for (const ev of this.early.splice(0)) leg.planeEvent(ev);
      deps.plane.start(this.id, mediaSpecOf(negotiated), { ...deps.media, pcmRate: this.req.media.sampleRate, app: toMediaApp(this.req.media.app) });
      deps.onLeg(leg);
      this.resolve(leg);
    } catch (e) {
      void session.end('local-bye', 'Media Negotiation Failed');
      void deps.plane.close(this.id);
      this.reject(new RejectionError({ status: 488, reason: e instanceof SdpNegotiationError ? e.reason : 'Not Acceptable Here', label: 'sdp_not_acceptable' }));
    }
  }

  private failed(status: number, reason: string): void {
    if (!this.settle()) return;
    void this.deps.plane.close(this.id);
    const by = this.cancelledBy;
    if (by === 'timeout') this.reject(new RejectionError({ status: 408, reason: 'No Answer', label: 'no_answer' }));
    else this.reject(new RejectionError({ status, reason, label: by === 'signal' ? 'cancelled' : `outbound_${status}` }));
  }
}
