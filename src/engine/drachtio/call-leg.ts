/**
 * An answered call on the drachtio engine: the drachtio-srf Dialog (signalling), its FreeSWITCH endpoint
 * (media), and the call's fork session on the data plane (agent audio). One teardown path, as on the embedded
 * engine: whoever ends the call, the endpoint is destroyed and the fork session closed exactly once.
 */
import type Srf from 'drachtio-srf';
import type Mrf from 'drachtio-fsmrf';
import type { Logger } from '../../observability/logger.js';
import type { DataPlane } from '../../media/plane/data-plane.js';
import type { PlaneEvent } from '../../media/plane/protocol.js';
import { LegAgentEvents } from '../agent-plane/leg-agent-events.js';
import type { AgentLinkEvent, CallerAudio, CallLeg, EndCause, MediaSummary, ReferOutcome, ReferRequest } from '../engine.js';
import { referFinalOutcome, referProgress } from '../../sip/message/sipfrag.js';

/** The mod_audio_fork media bug name of our fork (fsmrf 4.1.2 needs it to stop the right one). */
export const FORK_BUG = 'switchboard';
const CLOSE_STATS_WAIT_MS = 1000;

export interface DrachtioLegDeps {
  plane: DataPlane;
  /** Whether this leg has a fork session on the data plane (agent calls do; an operator leg does not). */
  forked: boolean;
  logger: Logger;
  onFinished(id: string): void;
}

export class DrachtioCallLeg implements CallLeg {
  private endedCbs: ((c: EndCause, m?: MediaSummary) => void)[] = [];
  private dtmfCbs: ((d: string, ms: number) => void)[] = [];
  private ended = false;
  private endCause?: EndCause;
  private readonly agent: LegAgentEvents;

  constructor(readonly id: string, readonly dialog: Srf.Dialog, readonly endpoint: Mrf.Endpoint, private readonly d: DrachtioLegDeps) {
    this.agent = new LegAgentEvents(id, d.logger);
    dialog.on('destroy', () => this.finish(this.endCause ?? 'caller-hangup'));
    endpoint.on('dtmf', (ev: Mrf.DtmfEvent) => {
      const ms = Number(ev.duration ?? 0) / 8; // FreeSWITCH reports DTMF-Duration in samples at 8 kHz
      if (d.forked) d.plane.app(id, { type: 'dtmf', digit: ev.dtmf, durationMs: ms });
      for (const cb of this.dtmfCbs) cb(ev.dtmf, ms);
    });
    // An in-dialog REFER from the PBX is refused as on the embedded engine (we do not advertise REFER): drachtio-srf
    // would otherwise answer it 200 on its own.
    dialog.on('refer', (_req: Srf.SrfRequest, res: Srf.SrfResponse) => res.send(405, { headers: { Allow: 'INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE, NOTIFY' } }));
  }

  planeEvent(ev: PlaneEvent): void {
    this.agent.handle(ev);
  }

  onAgent(cb: (ev: AgentLinkEvent) => void): void {
    this.agent.onAgent(cb);
  }

  onDtmf(cb: (digit: string, durationMs: number) => void): void {
    this.dtmfCbs.push(cb);
  }

  onEnded(cb: (cause: EndCause, media?: MediaSummary) => void): void {
    this.endedCbs.push(cb);
  }

  sendToAgent(message: Record<string, unknown>): void {
    if (this.d.forked) this.d.plane.app(this.id, { type: 'send', message });
  }

  disconnectAgent(): void {
    if (this.d.forked) this.d.plane.app(this.id, { type: 'disconnect' });
  }

  playLocal(audio: CallerAudio): Promise<void> {
    if (this.ended || !this.d.forked) {
      this.agent.prompt.settle();
      return Promise.resolve();
    }
    const wait = this.agent.prompt.begin(audio.kind === 'prompt');
    this.d.plane.local(this.id, audio);
    return wait;
  }

  /** FreeSWITCH bridges the two endpoints (same media server: the operator leg was placed `near` this one). */
  bridge(other: CallLeg): void {
    if (!(other instanceof DrachtioCallLeg)) throw new Error(`call ${this.id} cannot be bridged to ${other.id}: another engine's leg`);
    for (const leg of [this, other]) {
      leg.disconnectAgent();
      if (leg.d.forked) void leg.endpoint.forkAudioStop(FORK_BUG).catch(() => undefined);
    }
    void this.endpoint.bridge(other.endpoint).catch((e: unknown) => {
      this.d.logger.error({ callId: this.id, err: e instanceof Error ? e.message : String(e) }, 'FreeSWITCH bridge failed');
      void this.hangup('Bridge Failed', 'transfer-failed');
    });
  }

  /** RFC 3515 REFER; the NOTIFYs (RFC 3420 sipfrag) say how the referred call went. */
  refer(req: ReferRequest): Promise<ReferOutcome> {
    if (this.ended) return Promise.resolve({ outcome: 'rejected', referStatus: 481 });
    return new Promise((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      let referStatus = 0;
      const finish = (r: ReferOutcome): void => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        this.dialog.removeListener('notify', onNotify);
        resolve(r);
      };
      const onNotify = (nreq: Srf.SrfRequest, res: Srf.SrfResponse): void => {
        res.send(200);
        const p = referProgress(nreq.get('Event'), nreq.get('Subscription-State'), nreq.body ?? '');
        if (p.kind === 'final') finish({ referStatus, ...referFinalOutcome(p.status) });
      };
      this.dialog.on('notify', onNotify);
      const headers: Record<string, string> = { 'Refer-To': req.target.includes('<') ? req.target : `<${req.target}>` };
      if (req.referredBy) headers['Referred-By'] = req.referredBy;
      for (const [k, v] of req.headers) headers[k] = v;
      this.dialog.request({ method: 'REFER', headers } as unknown as Srf.SrfRequest).then((res) => {
        referStatus = res.status;
        if (res.status >= 300) return finish({ referStatus, outcome: 'rejected' });
        timer = setTimeout(() => finish({ referStatus, outcome: 'timeout' }), req.notifyTimeoutMs);
      }, () => finish({ referStatus: 408, outcome: 'rejected' }));
    });
  }

  hangup(reason = 'Normal Clearing', cause?: EndCause): Promise<void> {
    if (cause) this.endCause ??= cause;
    if (this.ended) return Promise.resolve();
    const c = this.endCause ?? 'local-hangup';
    return new Promise((resolve) => {
      this.dialog.destroy({ headers: { Reason: `SIP;cause=200;text="${reason.replace(/["\\\r\n]/g, '')}"` } }, () => resolve());
      this.finish(c);
    });
  }

  private finish(cause: EndCause): void {
    if (this.ended) return;
    this.ended = true;
    this.agent.prompt.settle();
    void this.endpoint.destroy().catch(() => undefined);
    this.d.onFinished(this.id);
    let t: NodeJS.Timeout | undefined;
    const giveUp = new Promise<undefined>((resolve) => { t = setTimeout(() => resolve(undefined), CLOSE_STATS_WAIT_MS); });
    const stats = this.d.forked ? Promise.race([this.d.plane.close(this.id), giveUp]) : Promise.resolve(undefined);
    void stats.then((s) => {
      clearTimeout(t);
      const summary: MediaSummary | undefined = s
        ? { ...s, ...(s.app?.framesDroppedSlowAgent !== undefined ? { agentFramesDropped: s.app.framesDroppedSlowAgent } : {}) }
        : undefined;
      for (const cb of this.endedCbs) cb(cause, summary);
    });
  }
}
