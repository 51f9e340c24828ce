/**
 * Wires one Switchboard instance from a config file: logger, metrics, engine, call service, HTTP. Used by
 * main.ts and by end-to-end tests (which start it in-process on test ports).
 */
import { readFile } from 'node:fs/promises';
import { watch, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { availableParallelism } from 'node:os';
import { CallService } from './call/call-service.js';
import type { Env } from './config/env.js';
import { loadConfig } from './config/load-config.js';
import { loadDialplans, type Dialplans } from './config/load-dialplans.js';
import type { Config } from './config/schema.js';
import { EmbeddedEngine } from './engine/embedded/embedded-engine.js';
import { DrachtioEngine } from './engine/drachtio/drachtio-engine.js';
import type { Engine } from './engine/engine.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { ConfigError } from './config/config-error.js';
import { realTimers } from './shared/timers.js';
import { startDemoAgent, type DemoAgent } from './demo/demo-agent.js';
import { IntegrationSet, integrationCacheOf } from './integration-set.js';
import { RedisCache } from './store/redis-cache.js';

export interface StartOptions {
  configPath: string;
  env: Env;
  /** Override the logger (tests pass a silent one). */
  logger?: Logger;
  /** Skip the dialplan directory watcher (tests). */
  watchDialplans?: boolean;
}

export interface Switchboard {
  readonly config: Config;
  readonly engine: Engine;
  readonly calls: CallService;
  readonly metrics: Metrics;
  readonly logger: Logger;
  readonly httpAddress: { host: string; port: number };
  reloadDialplans(): Promise<boolean>;
  drainAndStop(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSwitchboard(opts: StartOptions): Promise<Switchboard> {
  const config = await loadConfig(opts.configPath, opts.env);
  let dialplans: Dialplans = await loadDialplans(config.dialplans, config, opts.env, { cwd: dirname(opts.configPath) });
  const logger = opts.logger ?? createLogger({ level: config.log.level, redact: config.log.redact });
  const metrics = createMetrics();
  // The demo agent listens before the engine exists, so the first call can already reach it (and a busy demo
  // port fails the start before any worker thread is spawned).
  const demoAgent: DemoAgent | undefined = config.demo.agent.enabled
    ? await startDemoAgent({ ...config.demo.agent, logger: logger.child({ component: 'demo-agent' }) })
    : undefined;
  const engine = await createEngine(config, logger, metrics).catch(async (e: unknown) => {
    await demoAgent?.stop();
    throw e;
  });
  const redisCache = config.redis ? new RedisCache({ ...config.redis, logger: logger.child({ component: 'redis' }) }) : undefined;
  const integrations = new IntegrationSet({
    metrics, logger: logger.child({ component: 'integrations' }), ...(redisCache ? { cache: integrationCacheOf(redisCache) } : {}),
  });
  integrations.update(dialplans.integrations);
  const maxCalls = new Map(config.trunks.map((t) => [t.name, t.maxCalls]));
  const calls = new CallService({
    engine, logger, metrics, timers: realTimers,
    maxCallsFor: (trunk) => maxCalls.get(trunk) ?? 0,
    routes: () => dialplans.matcher,
    maxDurationMs: config.calls.maxDurationSeconds * 1000,
    agentMaxBufferedBytes: config.agents.maxBufferedBytes,
    integrations: () => integrations.current,
    publicAddress: config.sip.publicAddress,
    promptPath: (name) => join(dialplans.dir, 'prompts', name),
  });
  try {
    await engine.start();
  } catch (e) {
    await demoAgent?.stop();
    throw e;
  }
  const http: HttpServer = createHttpServer({
    host: config.http.host, port: config.http.port, registry: metrics.registry, logger,
    health: () => {
      const stats = engine.stats();
      return { status: calls.isDraining ? 'draining' : stats.ready ? 'ok' : 'unavailable', calls: calls.activeCalls, engine: engine.name, ...stats };
    },
  });
  const plane = engine instanceof EmbeddedEngine || engine instanceof DrachtioEngine ? engine.plane : undefined;
  if (plane) {
    // Data-plane latency histograms (arrival→frame, pacing); ?reset=1 starts a new measurement window.
    http.app.get('/debug/media', async (req) => {
      const reset = (req.query as Record<string, string | undefined>).reset === '1';
      return { threads: await plane.probe(reset) };
    });
  }
  const httpAddress = await http.start();
  logger.info({ engine: engine.name, listen: config.sip.listen, http: httpAddress, routes: dialplans.routes.length }, 'switchboard started');

  const reloadDialplans = async (): Promise<boolean> => {
    try {
      const next = await loadDialplans(config.dialplans, config, opts.env, { cwd: dirname(opts.configPath) });
      integrations.update(next.integrations);
      dialplans = next;
      logger.info({ routes: dialplans.routes.length }, 'dialplans reloaded');
      return true;
    } catch (e) {
      // A broken edit never takes routing down: the previous dialplans stay in force.
      const problems = e instanceof ConfigError ? e.problems : [e instanceof Error ? e.message : String(e)];
      logger.error({ problems }, 'dialplan reload failed; keeping the previous dialplans');
      return false;
    }
  };
  let watcher: FSWatcher | undefined;
  if (opts.watchDialplans !== false) {
    let pending: NodeJS.Timeout | undefined;
    try {
      watcher = watch(dialplans.dir, () => {
        if (pending) clearTimeout(pending);
        pending = setTimeout(() => void reloadDialplans(), 200); // editors write in bursts
      });
    } catch {
      logger.warn('cannot watch the dialplan directory; reload with SIGHUP');
    }
  }

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    watcher?.close();
    await engine.stop();
    await integrations.close();
    await redisCache?.close();
    await demoAgent?.stop();
    await http.close();
    logger.info('switchboard stopped');
    logger.flush?.();
  };
  const drainAndStop = async (): Promise<void> => {
    calls.drain();
    logger.info({ calls: calls.activeCalls, graceSeconds: config.shutdown.graceSeconds }, 'draining');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      calls.registry.idle(),
      new Promise<void>((resolve) => { timer = setTimeout(resolve, config.shutdown.graceSeconds * 1000); }),
    ]);
    if (timer) clearTimeout(timer);
    await stop();
  };
  return { config, engine, calls, metrics, logger, httpAddress, reloadDialplans, drainAndStop, stop };
}

async function createEngine(config: Config, logger: Logger, metrics: Metrics): Promise<Engine> {
  if (config.engine === 'drachtio') return createDrachtioEngine(config, logger, metrics);
  const tlsFiles = config.sip.tls;
  const tls = tlsFiles ? {
    cert: await readFile(tlsFiles.cert), key: await readFile(tlsFiles.key),
    ...(tlsFiles.ca ? { ca: await readFile(tlsFiles.ca) } : {}),
    minVersion: tlsFiles.minVersion, requestCert: tlsFiles.requestClientCert,
  } : undefined;
  const t = config.sip.timers;
  return new EmbeddedEngine({
    listen: config.sip.listen, publicAddress: config.sip.publicAddress, maxMessageBytes: config.sip.maxMessageBytes,
    connectionIdleTimeoutMs: 600_000, connectTimeoutMs: 5000,
    timerConfig: {
      t1: t.t1Ms, t2: t.t2Ms, t4: t.t4Ms,
      ...(t.timerBMs ? { timerB: t.timerBMs } : {}), ...(t.timerFMs ? { timerF: t.timerFMs } : {}),
      ...(t.timerHMs ? { timerH: t.timerHMs } : {}), ...(t.timerJMs ? { timerJ: t.timerJMs } : {}),
    },
    sessionTimers: config.sip.sessionTimers,
    userAgent: config.sip.userAgent,
    gate: gateConfig(config),
    srtpByTrunk: Object.fromEntries(config.trunks.map((tr) => [tr.name, tr.srtp])),
    nonceSecret: config.sip.digestSecret, nonceTtlMs: config.sip.nonceTtlSeconds * 1000,
    media: {
      host: config.media.host, portMin: config.media.portMin, portMax: config.media.portMax,
      workers: config.media.workers ?? availableParallelism(), codecs: config.media.codecs, ptimeMs: config.media.ptimeMs,
      session: mediaSessionOptions(config),
    },
    timers: realTimers, logger, metrics,
    ...(tls ? { tls } : {}),
  });
}

function gateConfig(config: Config) {
  return {
    unknownSources: config.sip.unknownSources, rateLimit: config.sip.rateLimit,
    trunks: config.trunks.map((tr) => ({
      name: tr.name, addresses: tr.addresses, transports: tr.transports, maxCalls: tr.maxCalls,
      ...(tr.digest ? { digest: tr.digest } : {}),
      ...(tr.tlsClientCert.required ? { tlsClientCert: tr.tlsClientCert } : {}),
    })),
  };
}

function mediaSessionOptions(config: Config) {
  return {
    symmetricRtp: config.media.symmetricRtp, inactivityTimeoutMs: config.media.inactivityTimeoutSeconds * 1000,
    keepalive: config.media.keepalive, jitterMinMs: config.media.jitterMinMs, jitterMaxMs: config.media.jitterMaxMs,
    rtcpIntervalMs: config.media.rtcpIntervalMs,
    ...(config.media.recordDir ? { recordDir: config.media.recordDir } : {}),
  };
}

function createDrachtioEngine(config: Config, logger: Logger, metrics: Metrics): Engine {
  const d = config.drachtio;
  const fs = config.freeswitch;
  if (!d || !fs) throw new ConfigError(['switchboard.yaml: engine: drachtio needs the drachtio and freeswitch keys']);
  return new DrachtioEngine({
    drachtio: { host: d.host, port: d.port, secret: d.secret, tls: d.tls },
    ...(config.media.recordDir ? { recordDir: config.media.recordDir } : {}),
    freeswitch: fs.map((f) => ({ address: f.address, port: f.port, secret: f.secret, retryMs: f.retryMs })),
    eventListenAddress: d.eventListenAddress ?? d.fork.host,
    fork: { host: d.fork.host, port: d.fork.port, address: d.fork.address ?? d.fork.host },
    workers: config.media.workers ?? availableParallelism(),
    codecs: config.media.codecs,
    media: mediaSessionOptions(config),
    gate: gateConfig(config),
    nonceSecret: config.sip.digestSecret, nonceTtlMs: config.sip.nonceTtlSeconds * 1000,
    timers: realTimers, logger, metrics,
  });
}
