/** An answered call on the embedded engine: the SIP Session plus its media endpoint. */
import type { Logger } from '../../observability/logger.js';
import type { Session, SessionEndReason } from '../../sip/dialog/session.js';
import type { EchoEndpoint } from '../../media/echo-endpoint.js';
import type { CallLeg, EndCause } from '../engine.js';
import { parseDtmfInfo } from './dtmf-info.js';

const CAUSES: Record<SessionEndReason, EndCause> = {
  'remote-bye': 'caller-hangup',
  'local-bye': 'local-hangup',
  'ack-timeout': 'ack-timeout',
  'session-expired': 'session-expired',
  'refresh-failed': 'signalling-failure',
  'transport-failure': 'signalling-failure',
  shutdown: 'shutdown',
};

export class EmbeddedCallLeg implements CallLeg {
  private endedCbs: ((c: EndCause) => void)[] = [];
  private dtmfCbs: ((d: string, ms: number) => void)[] = [];
  private ended = false;

  constructor(readonly id: string, readonly session: Session, private readonly media: EchoEndpoint, private readonly logger: Logger) {
    session.handlers.onEnded = (reason) => this.finish(CAUSES[reason]);
    session.handlers.onInfo = (req) => {
      const d = parseDtmfInfo(req.contentType, req.body.toString('utf8'));
      if (d) for (const cb of this.dtmfCbs) cb(d.digit, d.durationMs);
    };
    // Hold/unhold and refreshes: keep the media where it is and answer with our current SDP (RFC 3264 §8:
    // unchanged description, unchanged version). The media issue renegotiates codecs here.
    session.handlers.onOffer = (offer) => ({ sdp: holdAnswer(session.localSdp ?? '', offer) });
  }

  hangup(reason = 'Normal Clearing'): Promise<void> {
    return this.session.end('local-bye', reason);
  }

  onEnded(cb: (cause: EndCause) => void): void {
    this.endedCbs.push(cb);
  }

  onDtmf(cb: (digit: string, durationMs: number) => void): void {
    this.dtmfCbs.push(cb);
  }

  private finish(cause: EndCause): void {
    if (this.ended) return;
    this.ended = true;
    this.media.close();
    this.logger.debug({ callId: this.id, cause }, 'leg ended');
    for (const cb of this.endedCbs) cb(cause);
  }
}

/**
 * Answer a re-offer that only changes direction (RFC 3264 §8.4 hold): mirror sendonly/inactive, bump our
 * o= version when our description changes (§8).
 */
export function holdAnswer(current: string, offer: string | undefined): string {
  if (!offer || !current) return current;
  const dir = /a=(sendonly|recvonly|inactive|sendrecv)/.exec(offer)?.[1] ?? 'sendrecv';
  const held = /c=IN IP[46] 0\.0\.0\.0/.test(offer) ? 'inactive' : dir;
  const ours = held === 'sendonly' ? 'recvonly' : held === 'recvonly' ? 'sendonly' : held;
  const replaced = current.replace(/a=(sendonly|recvonly|inactive|sendrecv)\r\n/g, '');
  const withDir = replaced.replace(/(m=audio[^\r\n]*\r\n)/, `$1`).replace(/\r\n$/, `\r\na=${ours}\r\n`);
  if (withDir === current) return current;
  return withDir.replace(/^(o=\S+ \S+ )(\d+)/m, (_m, pre: string, v: string) => `${pre}${BigInt(v) + 1n}`);
}
