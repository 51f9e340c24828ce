/**
 * An inbound call on the embedded engine: the SIP layer's IncomingInvite plus a media session on the data
 * plane, behind the engine ports (src/engine/engine.ts). Offer/answer runs here (src/sdp) under the trunk's
 * SRTP policy; the data plane gets the agreed stream.
 */
import { randomUUID } from 'node:crypto';
import {
  acceptAnswer, answerOffer, createOffer, serializeSdp, SdpNegotiationError, type LocalMediaOptions,
  type NegotiatedMedia, type SessionDescription, type SrtpPolicy, type AudioCodec,
} from '../../sdp/index.js';
import type { IncomingInvite } from '../../sip/dialog/incoming-invite.js';
import { uriUser } from '../../sip/message/uri.js';
import type { NameAddr } from '../../sip/message/name-addr.js';
import type { Logger } from '../../observability/logger.js';
import type { DataPlane } from '../../media/plane/data-plane.js';
import type { MediaOptions, PlaneEvent } from '../../media/plane/protocol.js';
import { isAgentEvent, type AgentEvent } from '../agent-plane/agent-messages.js';
import { connectAgentOnPlane } from '../agent-plane/agent-connect.js';
import { agentConnectResult } from '../agent-plane/leg-agent-events.js';
import {
  RejectionError, type AgentRequest, type CallLeg, type InboundCall, type MediaRequest, type Party,
  type Rejection, type SignallingTransport,
} from '../engine.js';
import { EmbeddedCallLeg } from './call-leg.js';
import { mediaSpecOf, toMediaApp } from './media-spec.js';

export interface InboundCallDeps {
  /** Address written into SDP (sip.publicAddress). */
  mediaPublicAddress: string;
  plane: DataPlane;
  srtp: SrtpPolicy;
  codecs: AudioCodec[];
  ptimeMs: number;
  /** Data-plane options; pcmRate and app come from the call's MediaRequest. */
  media: Omit<MediaOptions, 'pcmRate' | 'app'>;
  logger: Logger;
  onLeg(leg: EmbeddedCallLeg): void;
}

function party(na: NameAddr | undefined): Party {
  if (!na) return { user: '', uri: '' };
  const p: Party = { user: uriUser(na.uri), uri: `${na.uri.scheme}:${na.uri.user ? `${na.uri.user}@` : ''}${na.uri.host}` };
  if (na.displayName !== undefined) p.displayName = na.displayName;
  return p;
}

export class EmbeddedInboundCall implements InboundCall {
  readonly id = randomUUID();
  readonly sipCallId: string;
  readonly trunk: string;
  readonly from: Party;
  readonly to: Party;
  readonly requestUri: string;
  readonly source: { address: string; port: number; transport: SignallingTransport };
  secureMedia = false;
  private allocated = false;
  private answerSdp?: SessionDescription;
  private negotiated?: NegotiatedMedia;
  private ourOffer?: SessionDescription;
  private local?: LocalMediaOptions;
  private options?: MediaOptions;
  private leg?: EmbeddedCallLeg;
  private readonly early: PlaneEvent[] = [];
  private agentWaiter?: (ev: AgentEvent) => void;

  constructor(private readonly invite: IncomingInvite, private readonly deps: InboundCallDeps) {
    const req = invite.request;
    this.sipCallId = req.callId;
    this.trunk = invite.trunk ?? '';
    this.from = party(req.from);
    const ruri = req.requestUri;
    this.to = ruri ? { user: uriUser(ruri), uri: req.uri } : party(req.to);
    this.requestUri = req.uri;
    const src = req.source;
    this.source = { address: src?.address ?? '', port: src?.port ?? 0, transport: src?.transport ?? 'udp' };
  }

  header(name: string): string | undefined {
    return this.invite.request.headers.get(name);
  }

  progress(kind: 'ringing' | 'early-media'): void {
    if (kind === 'early-media' && this.answerSdp) this.invite.progress(183, serializeSdp(this.answerSdp));
    else this.invite.progress(180);
  }

  private port?: number;

  /** Bind the call's media port on a data-plane thread (once); the agent link lives on the same thread. */
  private async allocate(): Promise<number> {
    if (this.port !== undefined) return this.port;
    try {
      this.port = await this.deps.plane.allocate(this.id, (ev) => this.onPlaneEvent(ev));
    } catch {
      throw new RejectionError({ status: 503, reason: 'Media Ports Exhausted', label: 'media_ports_exhausted' });
    }
    this.allocated = true;
    return this.port;
  }

  private onPlaneEvent(ev: PlaneEvent): void {
    const connect = agentConnectResult(ev);
    if (connect && this.agentWaiter) {
      const w = this.agentWaiter;
      this.agentWaiter = undefined;
      return w(connect);
    }
    if (this.leg) this.leg.planeEvent(ev);
    else this.early.push(ev);
  }

  async connectAgent(req: AgentRequest): Promise<{ connectMs: number }> {
    await this.allocate();
    this.checkPending();
    return connectAgentOnPlane(this.deps.plane, this, req, (resolve) => { this.agentWaiter = resolve; });
  }

  private checkPending(): void {
    if (this.invite.state !== 'pending') {
      // The caller cancelled while we were waiting: give the port straight back.
      this.release();
      throw new RejectionError({ status: 487, reason: 'Request Terminated', label: 'caller_cancelled' });
    }
  }

  async prepareMedia(req: MediaRequest): Promise<void> {
    const port = await this.allocate();
    this.checkPending();
    this.options = { ...this.deps.media, pcmRate: req.sampleRate, app: toMediaApp(req.app) };
    this.local = { address: this.deps.mediaPublicAddress, port, srtp: this.deps.srtp, codecs: this.deps.codecs, ptime: this.deps.ptimeMs };
    try {
      if (this.invite.offer === undefined) {
        // Late offer (RFC 3261 §13.2.1): we offer in the 2xx; the answer arrives in the ACK.
        this.ourOffer = createOffer(this.local);
        this.answerSdp = this.ourOffer;
      } else {
        const result = answerOffer(this.invite.offer, this.local);
        this.negotiated = result.negotiated;
        this.secureMedia = result.negotiated.srtp !== undefined;
        this.answerSdp = result.sdp;
      }
    } catch (e) {
      this.release();
      if (e instanceof SdpNegotiationError) {
        throw new RejectionError({ status: e.status, reason: e.reason, label: e.status === 400 ? 'sdp_malformed' : 'sdp_not_acceptable', warning: e.warningHeader() });
      }
      throw e;
    }
  }

  answer(): Promise<CallLeg> {
    const local = this.local;
    const options = this.options;
    if (!this.answerSdp || !local || !options) return Promise.reject(new Error('prepareMedia() must succeed before answer()'));
    // The agent went away (or hung up) while the caller was ringing: do not answer into silence.
    const agentGone = this.early.some((ev) => ev.ev === 'app' && isAgentEvent(ev.payload)
      && (ev.payload.type === 'closed' || (ev.payload.type === 'control' && ev.payload.event.event === 'hangup')));
    if (agentGone) return Promise.reject(new RejectionError({ status: 480, reason: 'Agent Unavailable', label: 'agent_unavailable' }));
    const session = this.invite.answer(serializeSdp(this.answerSdp));
    const leg = new EmbeddedCallLeg(this.id, session, this.deps.plane, local, this.answerSdp, this.deps.logger);
    this.leg = leg;
    for (const ev of this.early.splice(0)) leg.planeEvent(ev);
    if (this.negotiated) this.deps.plane.start(this.id, mediaSpecOf(this.negotiated), options);
    else if (this.ourOffer) {
      const offer = this.ourOffer;
      session.handlers.onLateAnswer = (sdp) => {
        try {
          if (!sdp) throw SdpNegotiationError.notAcceptable('No Answer In ACK', 304);
          const negotiated = acceptAnswer(offer, sdp, local);
          this.secureMedia = negotiated.srtp !== undefined;
          this.deps.plane.start(this.id, mediaSpecOf(negotiated), options);
        } catch {
          void leg.hangup('Media Negotiation Failed');
        }
      };
    }
    this.deps.onLeg(leg);
    return Promise.resolve(leg);
  }

  reject(r: Rejection): void {
    this.release();
    const headers: [string, string][] = r.warning ? [['Warning', r.warning]] : [];
    this.invite.reject(r.status, r.reason, headers);
  }

  onCancel(cb: () => void): void {
    this.invite.onCancel = () => {
      this.release();
      cb();
    };
  }

  private release(): void {
    // The agent link goes with the media port (the data plane closes it without a word): settle a pending
    // connectAgent() so the inbound steps do not wait forever.
    const waiter = this.agentWaiter;
    this.agentWaiter = undefined;
    waiter?.({ type: 'failed', reason: 'call released' });
    if (this.allocated) {
      this.allocated = false;
      void this.deps.plane.close(this.id);
    }
  }
}
