/**
 * An answered call on the embedded engine: the SIP Session plus its media session on the data plane. One
 * teardown path: whoever ends the call (remote BYE, our hangup, media timeout, session timer), the media
 * session is closed exactly once and the end callbacks run once.
 */
import type { Logger } from '../../observability/logger.js';
import type { Session, SessionEndReason, OfferAnswer } from '../../sip/dialog/session.js';
import { answerOffer, serializeSdp, SdpNegotiationError, type LocalMediaOptions, type SessionDescription } from '../../sdp/index.js';
import type { DataPlane } from '../../media/plane/data-plane.js';
import type { MediaStats, PlaneEvent } from '../../media/plane/protocol.js';
import { refer as sendRefer } from '../../sip/dialog/refer.js';
import { LegAgentEvents } from '../agent-plane/leg-agent-events.js';
import type { AgentLinkEvent, CallerAudio, CallLeg, EndCause, MediaSummary, ReferOutcome, ReferRequest } from '../engine.js';
import { parseDtmfInfo } from './dtmf-info.js';
import { mediaSpecOf } from './media-spec.js';

/** How long the end of a call waits for the data plane's final statistics. */
const CLOSE_STATS_WAIT_MS = 1000;

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
  private endedCbs: ((c: EndCause, media?: MediaSummary) => void)[] = [];
  private dtmfCbs: ((d: string, ms: number) => void)[] = [];
  private ended = false;
  private endCause?: EndCause;
  private readonly agent: LegAgentEvents;
  /** Final media statistics, once the leg ended. */
  mediaStats?: MediaStats;

  constructor(
    readonly id: string,
    readonly session: Session,
    private readonly plane: DataPlane,
    private readonly local: LocalMediaOptions,
    private localSdp: SessionDescription,
    private readonly logger: Logger,
  ) {
    this.agent = new LegAgentEvents(id, logger);
    session.handlers.onEnded = (reason) => this.finish(this.endCause ?? CAUSES[reason]);
    session.handlers.onInfo = (req) => {
      const d = parseDtmfInfo(req.contentType, req.body.toString('utf8'));
      if (d) this.dtmf(d.digit, d.durationMs, true);
    };
    session.handlers.onOffer = (offer) => this.reoffer(offer);
  }

  /** A re-INVITE/UPDATE offer (hold, unhold, new address): answer within the same session (RFC 3264 §8). */
  private reoffer(offer: string | undefined): OfferAnswer {
    if (offer === undefined) return { sdp: serializeSdp(this.localSdp) };
    try {
      const r = answerOffer(offer, this.local, { previous: this.localSdp });
      this.localSdp = r.sdp;
      this.plane.update(this.id, mediaSpecOf(r.negotiated));
      return { sdp: serializeSdp(r.sdp) };
    } catch (e) {
      if (e instanceof SdpNegotiationError) return { status: e.status, reason: e.reason, warning: e.warningHeader() };
      throw e;
    }
  }

  /** Events from this call's media session. */
  planeEvent(ev: PlaneEvent): void {
    if (this.agent.handle(ev)) return;
    if (ev.ev === 'dtmf') this.dtmf(ev.digit, ev.durationMs);
    else if (ev.ev === 'failed') this.logger.error({ callId: this.id, code: ev.code, err: ev.message }, 'media command failed');
    else if (ev.ev === 'ended' && ev.reason === 'media-timeout') {
      this.endCause = 'media-timeout';
      void this.session.end('local-bye', 'RTP Timeout');
    }
  }

  /** DTMF from the media (RFC 4733) already reached the agent in the worker; SIP INFO DTMF is forwarded. */
  private dtmf(digit: string, ms: number, fromInfo = false): void {
    if (fromInfo) this.plane.app(this.id, { type: 'dtmf', digit, durationMs: ms });
    for (const cb of this.dtmfCbs) cb(digit, ms);
  }

  onAgent(cb: (ev: AgentLinkEvent) => void): void {
    this.agent.onAgent(cb);
  }

  sendToAgent(message: Record<string, unknown>): void {
    this.plane.app(this.id, { type: 'send', message });
  }


  disconnectAgent(): void {
    this.plane.app(this.id, { type: 'disconnect' });
  }

  playLocal(audio: CallerAudio): Promise<void> {
    if (this.ended) {
      this.agent.prompt.settle();
      return Promise.resolve();
    }
    const wait = this.agent.prompt.begin(audio.kind === 'prompt');
    this.plane.local(this.id, audio);
    return wait;
  }

  bridge(other: CallLeg): void {
    if (!(other instanceof EmbeddedCallLeg) || !this.plane.bridge(this.id, other.id)) {
      throw new Error(`call ${this.id} cannot be bridged to ${other.id}: not on the same media thread`);
    }
  }

  refer(req: ReferRequest): Promise<ReferOutcome> {
    if (this.ended || this.session.isEnded) return Promise.resolve({ outcome: 'rejected', referStatus: 481 });
    return sendRefer(this.session, this.session.core, {
      referTo: req.target, headers: req.headers, notifyTimeoutMs: req.notifyTimeoutMs,
      ...(req.referredBy ? { referredBy: req.referredBy } : {}),
    });
  }

  sendDtmf(digit: string, durationMs = 100): void {
    this.plane.sendDtmf(this.id, digit, durationMs);
  }

  hangup(reason = 'Normal Clearing', cause?: EndCause): Promise<void> {
    if (cause) this.endCause ??= cause;
    return this.session.end('local-bye', reason);
  }

  onEnded(cb: (cause: EndCause, media?: MediaSummary) => void): void {
    this.endedCbs.push(cb);
  }

  onDtmf(cb: (digit: string, durationMs: number) => void): void {
    this.dtmfCbs.push(cb);
  }

  private finish(cause: EndCause): void {
    if (this.ended) return;
    this.ended = true;
    this.agent.prompt.settle();
    // The end is reported with the media statistics, but never waits on a data plane that does not answer.
    let timer: NodeJS.Timeout | undefined;
    const giveUp = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), CLOSE_STATS_WAIT_MS); });
    void Promise.race([this.plane.close(this.id), giveUp]).then((stats) => {
      clearTimeout(timer);
      this.mediaStats = stats;
      const summary: MediaSummary | undefined = stats
        ? { ...stats, ...(stats.app?.framesDroppedSlowAgent !== undefined ? { agentFramesDropped: stats.app.framesDroppedSlowAgent } : {}) }
        : undefined;
      for (const cb of this.endedCbs) cb(cause, summary);
    });
  }
}
