/**
 * An inbound INVITE on the drachtio engine, behind the engine ports: drachtio-srf's request/response for the
 * signalling, a FreeSWITCH endpoint (drachtio-fsmrf) for the media, the call's fork session on the data plane
 * for the agent. FreeSWITCH does offer/answer (and SDES-SRTP) against the caller's SDP.
 */
import { randomUUID } from 'node:crypto';
import type Srf from 'drachtio-srf';
import type Mrf from 'drachtio-fsmrf';
import type { Logger } from '../../observability/logger.js';
import type { DataPlane } from '../../media/plane/data-plane.js';
import type { MediaOptions, MediaSpec, PlaneEvent } from '../../media/plane/protocol.js';
import type { AgentEvent } from '../agent-plane/agent-messages.js';
import { connectAgentOnPlane } from '../agent-plane/agent-connect.js';
import { RejectionError, type AgentRequest, type CallLeg, type InboundCall, type MediaRequest, type Party, type Rejection, type SignallingTransport } from '../engine.js';
import { DrachtioCallLeg, FORK_BUG } from './call-leg.js';
import type { MediaServerPool } from './media-servers.js';
import { agentConnectResult } from '../agent-plane/leg-agent-events.js';

export interface DrachtioInboundDeps {
  srf: Srf;
  plane: DataPlane;
  servers: MediaServerPool;
  trunk: string;
  /** ws://host:port of the fork server of the thread the call is on. */
  forkUrl(port: number, callId: string): string;
  media: Omit<MediaOptions, 'pcmRate' | 'app'>;
  codecs: string[];
  /** Record the call on FreeSWITCH (a directory on the FreeSWITCH host). */
  recordDir?: string;
  logger: Logger;
  onLeg(leg: DrachtioCallLeg): void;
  /** Once, when the INVITE got its final answer (or was cancelled): it no longer counts as pending. */
  onSettled(): void;
}

function party(aor: { name?: string; uri: string } | undefined, parse: (uri: string) => { user?: string; host?: string; scheme: string }): Party {
  const uri = aor?.uri ?? '';
  let user = '';
  try {
    user = decodeURIComponent(parse(uri).user ?? '');
  } catch {
    user = '';
  }
  const p: Party = { user, uri };
  if (aor?.name) p.displayName = aor.name.replace(/^"|"$/g, '');
  return p;
}

/** A placeholder stream description: the fork session ignores RTP parameters (FreeSWITCH does the RTP). */
const FORK_SPEC: MediaSpec = { remoteAddress: '0.0.0.0', remotePort: 0, rtcpPort: 0, rtcpMux: false, payloadType: 0, codec: 'PCMU', ptime: 20, direction: 'sendrecv' };

export class DrachtioInboundCall implements InboundCall {
  readonly id = randomUUID();
  readonly sipCallId: string;
  readonly trunk: string;
  readonly from: Party;
  readonly to: Party;
  readonly requestUri: string;
  readonly source: { address: string; port: number; transport: SignallingTransport };
  secureMedia = false;
  private allocated = false;
  private forkPort?: number;
  private endpoint?: Mrf.Endpoint;
  private options?: MediaOptions;
  private leg?: DrachtioCallLeg;
  private readonly early: PlaneEvent[] = [];
  private agentWaiter?: (ev: AgentEvent) => void;
  private cancelled = false;
  /** The INVITE got its final answer or was cancelled (then it no longer counts as pending). */
  private finished = false;

  constructor(private readonly req: Srf.SrfRequest, private readonly res: Srf.SrfResponse, private readonly deps: DrachtioInboundDeps, parseUri: (uri: string) => { user?: string; host?: string; scheme: string }) {
    this.sipCallId = req.get('Call-ID');
    this.trunk = deps.trunk;
    this.from = party(req.getParsedHeader('From'), parseUri);
    const ruri = party({ uri: req.uri }, parseUri);
    this.to = ruri.user ? ruri : party(req.getParsedHeader('To'), parseUri);
    this.requestUri = req.uri;
    const proto = (req.protocol ?? 'udp').toLowerCase();
    this.source = { address: req.source_address, port: Number(req.source_port), transport: proto === 'tls' || proto === 'tcp' ? proto : 'udp' };
    this.secureMedia = /RTP\/SAVP/.test(req.body ?? '');
    req.on('cancel', () => {
      this.cancelled = true;
      this.finish();
      this.release();
      this.cancelCb?.();
    });
  }

  private cancelCb?: () => void;

  header(name: string): string | undefined {
    return this.req.has(name) ? this.req.get(name) : undefined;
  }

  progress(): void {
    if (!this.finished) this.res.send(180);
  }

  private async allocate(): Promise<void> {
    if (this.allocated) return;
    try {
      this.forkPort = await this.deps.plane.allocate(this.id, (ev) => this.onPlaneEvent(ev));
    } catch {
      throw new RejectionError({ status: 503, reason: 'Media Unavailable', label: 'media_ports_exhausted' });
    }
    this.allocated = true;
  }

  private onPlaneEvent(ev: PlaneEvent): void {
    if (this.leg) return this.leg.planeEvent(ev);
    const agent = agentConnectResult(ev);
    if (agent && this.agentWaiter) {
      const w = this.agentWaiter;
      this.agentWaiter = undefined;
      return w(agent);
    }
    this.early.push(ev);
  }

  async connectAgent(req: AgentRequest): Promise<{ connectMs: number }> {
    await this.allocate();
    this.checkPending();
    return connectAgentOnPlane(this.deps.plane, this, req, (resolve) => { this.agentWaiter = resolve; });
  }

  private checkPending(): void {
    if (this.cancelled) {
      this.release();
      throw new RejectionError({ status: 487, reason: 'Request Terminated', label: 'caller_cancelled' });
    }
  }

  async prepareMedia(req: MediaRequest): Promise<void> {
    await this.allocate();
    this.checkPending();
    this.options = { ...this.deps.media, pcmRate: req.sampleRate, app: req.app.kind === 'agent' ? { kind: 'provided' } : req.app };
    const ms = this.deps.servers.take(this.id);
    if (!ms) throw new RejectionError({ status: 503, reason: 'No Media Server', label: 'media_server_unavailable' });
    try {
      this.endpoint = await ms.createEndpoint({ remoteSdp: this.req.body, codecs: this.deps.codecs });
    } catch (e) {
      this.release();
      const msg = e instanceof Error ? e.message : String(e);
      // FreeSWITCH refusing the offer (no common codec, SRTP it cannot do) is the caller's 488.
      throw new RejectionError({ status: 488, reason: 'Not Acceptable Here', label: 'sdp_not_acceptable', warning: `399 switchboard "${msg.replace(/"/g, "'").slice(0, 100)}"` });
    }
    if (this.cancelled) {
      this.release();
      throw new RejectionError({ status: 487, reason: 'Request Terminated', label: 'caller_cancelled' });
    }
  }

  async answer(): Promise<CallLeg> {
    const endpoint = this.endpoint;
    const options = this.options;
    if (!endpoint || !options || this.forkPort === undefined) throw new Error('prepareMedia() must succeed before answer()');
    const agentGone = this.early.some((ev) => ev.ev === 'app' && typeof ev.payload === 'object' && ev.payload !== null && (ev.payload as { type?: string }).type === 'closed');
    if (agentGone) throw new RejectionError({ status: 480, reason: 'Agent Unavailable', label: 'agent_unavailable' });
    this.finish();
    const dialog = await this.deps.srf.createUAS(this.req, this.res, { localSdp: endpoint.local.sdp });
    const leg = new DrachtioCallLeg(this.id, dialog, endpoint, {
      plane: this.deps.plane, forked: true, logger: this.deps.logger,
      onFinished: (id) => this.deps.servers.release(id),
    });
    this.leg = leg;
    for (const ev of this.early.splice(0)) leg.planeEvent(ev);
    this.deps.plane.start(this.id, FORK_SPEC, options);
    const rate = String(options.pcmRate);
    await endpoint.forkAudioStart({
      wsUrl: this.deps.forkUrl(this.forkPort, this.id), mixType: 'mono', sampling: rate, bugname: FORK_BUG,
      metadata: { callId: this.id }, bidirectionalAudio: { enabled: 'true', streaming: 'true', sampleRate: rate },
    }).then(() => {
      if (this.deps.recordDir) void endpoint.execute('record_session', `${this.deps.recordDir}/${this.id}.wav`).catch(() => undefined);
      return keepWriting(endpoint);
    }, (e: unknown) => {
      this.deps.logger.error({ callId: this.id, err: e instanceof Error ? e.message : String(e) }, 'mod_audio_fork did not start');
      void leg.hangup('Media Failure', 'signalling-failure');
    });
    this.deps.onLeg(leg);
    return leg;
  }

  /** Marks the INVITE finished (once); false when it already was. */
  private finish(): boolean {
    if (this.finished) return false;
    this.finished = true;
    this.deps.onSettled();
    return true;
  }

  reject(r: Rejection): void {
    this.release();
    if (!this.finish()) return;
    this.res.send(r.status, r.reason, { headers: r.warning ? { Warning: r.warning } : {} });
  }

  onCancel(cb: () => void): void {
    this.cancelCb = cb;
  }

  private release(): void {
    const waiter = this.agentWaiter;
    this.agentWaiter = undefined;
    waiter?.({ type: 'failed', reason: 'call released' });
    if (this.endpoint && !this.leg) {
      void this.endpoint.destroy().catch(() => undefined);
      this.endpoint = undefined;
    }
    if (!this.leg) this.deps.servers.release(this.id);
    if (this.allocated && !this.leg) {
      this.allocated = false;
      void this.deps.plane.close(this.id);
    }
  }
}

/**
 * mod_audio_fork plays our audio by replacing the frames the channel writes (SMBF_WRITE_REPLACE); a channel
 * parked in the event socket writes none. Endless silence gives it frames to replace (keys do not stop it).
 */
async function keepWriting(endpoint: Mrf.Endpoint): Promise<void> {
  await endpoint.execute('set', 'playback_terminators=none').catch(() => undefined);
  void endpoint.execute('playback', 'silence_stream://-1').catch(() => undefined);
}
