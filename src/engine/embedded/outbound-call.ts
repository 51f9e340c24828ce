/**
 * Outbound calls on the embedded engine (RFC 3261 §13.2): allocate media, offer SDP under the requested SRTP
 * policy, INVITE (answering a digest challenge once), then start the media session with what the answer agreed.
 */
import { randomUUID } from 'node:crypto';
import { acceptAnswer, createOffer, serializeSdp, SdpNegotiationError, type AudioCodec, type LocalMediaOptions, type SrtpSuite } from '../../sdp/index.js';
import type { UserAgent } from '../../sip/user-agent.js';
import { parseUri } from '../../sip/message/uri.js';
import { uriDestination } from '../../sip/dialog/dialog.js';
import { DigestClient } from '../../sip/auth/digest-client.js';
import type { Logger } from '../../observability/logger.js';
import type { DataPlane } from '../../media/plane/data-plane.js';
import type { MediaOptions, PlaneEvent } from '../../media/plane/protocol.js';
import { RejectionError, type CallLeg, type OriginateRequest } from '../engine.js';
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
  const uri = parseUri(req.target);
  if (!uri || (uri.scheme !== 'sip' && uri.scheme !== 'sips')) {
    throw new RejectionError({ status: 416, reason: 'Unsupported URI Scheme', label: 'bad_target' });
  }
  const id = randomUUID();
  let leg: EmbeddedCallLeg | undefined;
  const early: PlaneEvent[] = [];
  let port: number;
  try {
    port = await deps.plane.allocate(id, (ev) => (leg ? leg.planeEvent(ev) : early.push(ev)), req.near);
  } catch {
    throw new RejectionError({ status: 503, reason: 'Media Ports Exhausted', label: 'media_ports_exhausted' });
  }
  const local: LocalMediaOptions = {
    address: deps.publicAddress, port, srtp: req.srtp, codecs: deps.codecs, ptime: deps.ptimeMs,
    ...(req.cryptoSuites ? { cryptoSuites: req.cryptoSuites as SrtpSuite[] } : {}),
  };
  const offer = createOffer(local);
  const options: MediaOptions = { ...deps.media, pcmRate: req.media.sampleRate, app: toMediaApp(req.media.app) };
  const digest = new DigestClient();
  const creds = req.credentials;
  return new Promise<CallLeg>((resolve, reject) => {
    // Why a CANCEL was sent: the ring timeout (→ 408 no_answer) or the signal (→ 487, the caller gave up).
    let cancelledBy: 'timeout' | 'signal' | undefined;
    let ringTimer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      cancelledBy ??= 'signal';
      inv.cancel();
    };
    const settle = (): void => {
      if (ringTimer) clearTimeout(ringTimer);
      req.signal?.removeEventListener('abort', onAbort);
    };
    const inv = deps.ua.invite({
      target: req.target,
      dest: uriDestination(uri, uri.scheme === 'sips' ? 'tls' : 'udp'),
      from: req.from.includes('<') ? req.from : `<${req.from}>`,
      to: `<${req.target}>`,
      sdp: serializeSdp(offer),
      ...(req.headers ? { headers: req.headers } : {}),
      ...(creds ? { credentials: (challenges: string[], method: string, u: string) => digest.answer({ challenges, method, uri: u, username: creds.username, password: creds.password }) } : {}),
    });
    inv.events = {
      onAnswer: (session, sdp) => {
        settle();
        try {
          if (!sdp) throw SdpNegotiationError.notAcceptable('No SDP In Answer', 304);
          const negotiated = acceptAnswer(offer, sdp, local);
          leg = new EmbeddedCallLeg(id, session, deps.plane, local, offer, deps.logger);
          for (const ev of early.splice(0)) leg.planeEvent(ev);
          deps.plane.start(id, mediaSpecOf(negotiated), options);
          deps.onLeg(leg);
          resolve(leg);
        } catch (e) {
          void session.end('local-bye', 'Media Negotiation Failed');
          void deps.plane.close(id);
          reject(new RejectionError({ status: 488, reason: e instanceof SdpNegotiationError ? e.reason : 'Not Acceptable Here', label: 'sdp_not_acceptable' }));
        }
      },
      onFailure: (status, reason) => {
        settle();
        void deps.plane.close(id);
        if (cancelledBy === 'timeout') reject(new RejectionError({ status: 408, reason: 'No Answer', label: 'no_answer' }));
        else reject(new RejectionError({ status, reason, label: cancelledBy === 'signal' ? 'cancelled' : `outbound_${status}` }));
      },
    };
    inv.start();
    if (req.ringTimeoutMs !== undefined) {
      ringTimer = setTimeout(() => {
        cancelledBy ??= 'timeout';
        inv.cancel();
      }, req.ringTimeoutMs);
    }
    if (req.signal) {
      if (req.signal.aborted) onAbort();
      else req.signal.addEventListener('abort', onAbort, { once: true });
    }
  });
}
