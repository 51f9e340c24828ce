/**
 * The drachtio engine (config `engine: drachtio`): drachtio-server does the SIP (Switchboard connects to its
 * admin port as a drachtio-srf app; several instances may connect to one server, which spreads calls among
 * them), FreeSWITCH does the RTP/SRTP and codecs (drachtio-fsmrf endpoints), and each call's audio is forked by
 * mod_audio_fork to this process's data plane, where the agent link is the same code as on the embedded engine.
 * Trunk admission (addresses, transports, digest, rate limits, maxCalls) is the embedded engine's TrunkGate.
 */
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import Srf from 'drachtio-srf';
import Mrf from 'drachtio-fsmrf';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { Timers } from '../../shared/timers.js';
import { DataPlane } from '../../media/plane/data-plane.js';
import type { MediaOptions } from '../../media/plane/protocol.js';
import { TrunkGate } from '../../sip/trunk/trunk-gate.js';
import type { TrunkGateConfig } from '../../sip/trunk/trunk-config.js';
import { AgentApps } from '../agent-plane/agent-apps.js';
import { RejectionError, type CallLeg, type Engine, type EngineStats, type InboundCall, type OriginateRequest } from '../engine.js';
import { DrachtioCallLeg } from './call-leg.js';
import { DrachtioInboundCall } from './inbound-call.js';
import { MediaServerPool, type MediaServerConfig } from './media-servers.js';
import { ForkHost } from './worker/fork-host.js';

export interface DrachtioEngineOptions {
  drachtio: { host: string; port: number; secret: string; tls: boolean };
  /** Record every call on FreeSWITCH (record_session) into this directory of the FreeSWITCH host. */
  recordDir?: string;
  freeswitch: MediaServerConfig[];
  /** Where FreeSWITCH's outbound event socket connects back to (drachtio-fsmrf listenAddress). */
  eventListenAddress: string;
  fork: { host: string; port: number; address: string };
  /** Data-plane worker threads (agent audio); 0 = this thread. */
  workers: number;
  codecs: string[];
  media: Omit<MediaOptions, 'pcmRate' | 'app'>;
  gate: TrunkGateConfig;
  nonceSecret?: string;
  nonceTtlMs: number;
  timers: Timers;
  logger: Logger;
  metrics: Metrics;
}

type SrfError = Error & { status?: number; reason?: string };

export class DrachtioEngine implements Engine {
  readonly name = 'drachtio' as const;
  readonly srf = new Srf();
  private readonly mrf: Mrf;
  readonly servers: MediaServerPool;
  readonly plane: DataPlane;
  private readonly gate: TrunkGate;
  private handler: (call: InboundCall) => void = (c) => c.reject({ status: 480, reason: 'Temporarily Unavailable', label: 'no_handler' });
  private readonly legs = new Set<DrachtioCallLeg>();
  private draining = false;
  private pending = 0;
  /** The admin connection to drachtio-server is up (drachtio-srf reconnects by itself when it drops). */
  private connected = false;

  constructor(private readonly o: DrachtioEngineOptions) {
    this.mrf = new Mrf(this.srf);
    this.servers = new MediaServerPool(this.mrf, o.freeswitch, o.eventListenAddress, o.fork.address, o.logger);
    this.gate = new TrunkGate(o.gate, {
      timers: o.timers, nonceTtlMs: o.nonceTtlMs, metrics: o.metrics, ...(o.nonceSecret ? { nonceSecret: o.nonceSecret } : {}),
    });
    const apps = new AgentApps();
    this.plane = new DataPlane({
      host: o.fork.host, portMin: o.fork.port, portMax: o.fork.port + 2 * Math.max(1, o.workers) - 1, workers: o.workers,
      workerEntry: new URL('./worker/fork-worker.mjs', import.meta.url), apps,
      createHost: ({ host, portMin, emit }) => new ForkHost({ host, port: portMin, timers: o.timers, emit, apps }),
    });
    this.srf.invite((req, res) => this.onInvite(req, res));
  }

  private onInvite(req: Srf.SrfRequest, res: Srf.SrfResponse): void {
    if (this.draining) return res.send(503, 'Service Unavailable', { headers: { 'Retry-After': '30' } });
    const proto = (req.protocol ?? 'udp').toLowerCase();
    const d = this.gate.decide({
      sourceAddress: req.source_address, transport: proto === 'tls' || proto === 'tcp' ? proto : 'udp', method: 'INVITE', inDialog: false,
      authorization: ['Authorization', 'Proxy-Authorization'].filter((h) => req.has(h)).map((h) => req.get(h)),
    });
    // drachtio-server has no silent drop for a request it handed us: an unknown source gets 403 (block it in
    // drachtio-server's own configuration to stay silent).
    if (d.action === 'drop') return res.send(403);
    if (d.action === 'reject') {
      const headers: Record<string, string> = {};
      for (const [k, v] of d.headers) headers[k] = headers[k] ? `${headers[k]}, ${v}` : v;
      return res.send(d.status, d.reason, { headers });
    }
    this.pending++;
    const call = new DrachtioInboundCall(req, res, {
      srf: this.srf, plane: this.plane, servers: this.servers, trunk: d.trunk.name, codecs: this.o.codecs, media: this.o.media,
      logger: this.o.logger,
      forkUrl: (port, id) => `ws://${this.o.fork.address}:${port}/fork/${id}`,
      ...(this.o.recordDir ? { recordDir: this.o.recordDir } : {}),
      onLeg: (leg) => this.track(leg),
      onSettled: () => { this.pending--; },
    }, (uri) => Srf.parseUri(uri));
    this.handler(call);
  }

  private track(leg: DrachtioCallLeg): void {
    this.legs.add(leg);
    leg.onEnded(() => this.legs.delete(leg));
  }

  async start(): Promise<void> {
    await this.plane.ready();
    const { host, port, secret } = this.o.drachtio;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`drachtio-server at ${host}:${port} did not accept the connection`)), 10_000);
      this.srf.on('connect', (err, hostPort) => {
        clearTimeout(timer);
        if (err) return reject(err);
        this.connected = true;
        this.o.logger.info({ drachtio: `${host}:${port}`, sip: hostPort }, 'connected to drachtio-server');
        resolve();
      });
      this.srf.on('error', (err) => this.o.logger.warn({ err: err.message }, 'drachtio connection error (reconnecting)'));
      // drachtio-srf re-emits its socket's 'close' (its typings only name 'disconnect'); it then reconnects and
      // emits 'connect' again.
      (this.srf as unknown as EventEmitter).on('close', () => {
        if (this.connected) this.o.logger.warn('drachtio-server connection lost; reconnecting');
        this.connected = false;
      });
      // drachtio-srf passes `tls` to tls.connect (a TLS admin connection; system CAs verify the server).
      const tls = this.o.drachtio.tls ? { tls: { servername: host } } : {};
      void this.srf.connect({ host, port, secret, ...tls } as Srf.SrfConfig);
    });
    await this.servers.start();
    if (this.servers.available === 0) this.o.logger.error('no FreeSWITCH media server is reachable yet; calls get 503 until one is');
  }

  onInboundCall(handler: (call: InboundCall) => void): void {
    this.handler = handler;
  }

  /** createUAC with a FreeSWITCH endpoint offering (3pcc), on `near`'s media server so a bridge stays local. */
  async originate(req: OriginateRequest): Promise<CallLeg> {
    const id = randomUUID();
    const ms = this.servers.take(id, req.near);
    if (!ms) throw new RejectionError({ status: 503, reason: 'No Media Server', label: 'media_server_unavailable' });
    const endpoint = await ms.createEndpoint().catch((e: unknown) => {
      this.servers.release(id);
      throw new RejectionError({ status: 503, reason: e instanceof Error ? e.message : 'Media Failure', label: 'media_server_unavailable' });
    });
    const headers: Record<string, string> = { From: req.from.includes('<') ? req.from : `<${req.from}>` };
    for (const [k, v] of req.headers ?? []) headers[k] = v;
    let uacReq: Srf.SrfRequest | undefined;
    let cancelledBy: 'timeout' | 'signal' | undefined;
    const cancel = (by: 'timeout' | 'signal'): void => {
      cancelledBy ??= by;
      uacReq?.cancel(() => undefined);
    };
    const ring = req.ringTimeoutMs !== undefined ? setTimeout(() => cancel('timeout'), req.ringTimeoutMs) : undefined;
    const onAbort = (): void => cancel('signal');
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const dialog = await this.srf.createUAC(req.target, {
        localSdp: endpoint.local.sdp, headers, ...(req.credentials ? { auth: req.credentials } : {}),
      }, { cbRequest: (r) => { uacReq = r; if (req.signal?.aborted) cancel('signal'); } });
      await endpoint.modify(dialog.remote.sdp);
      const leg = new DrachtioCallLeg(id, dialog, endpoint, {
        plane: this.plane, forked: false, logger: this.o.logger, onFinished: (x) => this.servers.release(x),
      });
      this.track(leg);
      return leg;
    } catch (e) {
      void endpoint.destroy().catch(() => undefined);
      this.servers.release(id);
      if (e instanceof RejectionError) throw e;
      const err = e as SrfError;
      if (cancelledBy === 'timeout') throw new RejectionError({ status: 408, reason: 'No Answer', label: 'no_answer' });
      if (cancelledBy === 'signal') throw new RejectionError({ status: 487, reason: 'Request Terminated', label: 'cancelled' });
      const status = typeof err.status === 'number' ? err.status : 500;
      throw new RejectionError({ status, reason: err.reason ?? err.message, label: `outbound_${status}` });
    } finally {
      if (ring) clearTimeout(ring);
      req.signal?.removeEventListener('abort', onAbort);
    }
  }

  drain(): void {
    this.draining = true;
  }

  async stop(): Promise<void> {
    this.draining = true;
    await Promise.all([...this.legs].map((l) => l.hangup('Service Shutdown', 'shutdown')));
    this.servers.stop();
    this.srf.disconnect();
    await this.plane.stop();
  }

  stats(): EngineStats {
    const why = !this.connected ? 'drachtio-server not connected' : this.servers.available === 0 ? 'no FreeSWITCH media server reachable' : undefined;
    return { activeCalls: this.legs.size, pendingCalls: this.pending, ready: why === undefined, ...(why ? { unavailable: why } : {}) };
  }
}
