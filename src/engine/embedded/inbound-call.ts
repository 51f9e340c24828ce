/**
 * An inbound call on the embedded engine: wraps the SIP layer's IncomingInvite and the media endpoint
 * behind the engine ports (src/engine/engine.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  answerOffer, createOffer, serializeSdp, SdpNegotiationError, type LocalMediaOptions, type SessionDescription,
  type SrtpPolicy, acceptAnswer,
} from '../../sdp/index.js';
import type { IncomingInvite } from '../../sip/dialog/incoming-invite.js';
import { uriUser } from '../../sip/message/uri.js';
import type { NameAddr } from '../../sip/message/name-addr.js';
import type { Logger } from '../../observability/logger.js';
import { EchoEndpoint } from '../../media/echo-endpoint.js';
import type { PortPool } from '../../media/port-pool.js';
import {
  RejectionError, type CallLeg, type InboundCall, type MediaRequest, type Party, type Rejection, type SignallingTransport,
} from '../engine.js';
import { EmbeddedCallLeg } from './call-leg.js';

export interface InboundCallDeps {
  mediaHost: string;
  /** Address written into SDP (sip.publicAddress). */
  mediaPublicAddress: string;
  ports: PortPool;
  srtp: SrtpPolicy;
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
  private endpoint?: EchoEndpoint;
  private answerSdp?: string;
  private ourOffer?: SessionDescription;
  private localOptions?: LocalMediaOptions;

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
    if (kind === 'early-media' && this.answerSdp) this.invite.progress(183, this.answerSdp);
    else this.invite.progress(180);
  }

  async prepareMedia(_req: MediaRequest): Promise<void> {
    const endpoint = new EchoEndpoint(this.deps.ports, this.deps.mediaHost);
    let port: number;
    try {
      port = await endpoint.open();
    } catch {
      throw new RejectionError({ status: 503, reason: 'Media Ports Exhausted', label: 'media_ports_exhausted' });
    }
    this.endpoint = endpoint;
    this.localOptions = { address: this.deps.mediaPublicAddress, port, srtp: this.deps.srtp };
    try {
      if (this.invite.offer === undefined) {
        // Late offer (RFC 3261 §13.2.1): we offer in the 2xx; the answer arrives in the ACK.
        this.ourOffer = createOffer({ ...this.localOptions, srtp: this.deps.srtp === 'off' ? 'off' : this.deps.srtp });
        this.answerSdp = serializeSdp(this.ourOffer);
      } else {
        const result = answerOffer(this.invite.offer, this.localOptions);
        this.secureMedia = result.negotiated.srtp !== undefined;
        this.answerSdp = serializeSdp(result.sdp);
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
    if (!this.answerSdp || !this.endpoint) return Promise.reject(new Error('prepareMedia() must succeed before answer()'));
    const session = this.invite.answer(this.answerSdp);
    const leg = new EmbeddedCallLeg(this.id, session, this.endpoint, this.deps.logger);
    if (this.ourOffer && this.localOptions) {
      const offer = this.ourOffer;
      session.handlers.onLateAnswer = (sdp) => {
        try {
          if (!sdp) throw SdpNegotiationError.notAcceptable('No Answer In ACK', 304);
          acceptAnswer(offer, sdp, this.localOptions ?? { address: '', port: 0 });
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
    this.endpoint?.close();
    this.endpoint = undefined;
  }
}
