/**
 * The built-in demo agent (config `demo.agent`): a WebSocket server that speaks the Twilio Media Streams
 * dialect as a voice bot would, so a fresh checkout can be dialled from a softphone with no bot of one's own.
 * It greets with three rising beeps, echoes the caller after `echoDelayMs`, and answers each DTMF key with
 * its tone (see demo-call.ts). Every connection is an independent call; the server holds no other state.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../observability/logger.js';
import { SwitchboardError } from '../shared/errors.js';
import { DEMO_CALL_DEFAULTS, DemoCall } from './demo-call.js';
import { FRAME_MS } from './tones.js';

export interface DemoAgentOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Delay before the caller hears themself, rounded to whole 20 ms frames. */
  echoDelayMs: number;
  logger: Logger;
  /** Largest WebSocket message accepted; a 20 ms media message is about 300 bytes. */
  maxPayloadBytes?: number;
  /** See DemoCallOptions. */
  markWaitFrames?: number;
  cushionFrames?: number;
}

export const DEMO_AGENT_DEFAULTS = { maxPayloadBytes: 64 * 1024 } as const;

export interface DemoAgent {
  /** The URL a dialplan route points at, e.g. ws://127.0.0.1:8765/stream (any path is accepted). */
  readonly url: string;
  readonly port: number;
  /** Calls connected right now. */
  readonly activeCalls: number;
  /** Closes every call's socket and the server. */
  stop(): Promise<void>;
}

export async function startDemoAgent(opts: DemoAgentOptions): Promise<DemoAgent> {
  const log = opts.logger;
  const wss = new WebSocketServer({
    host: opts.host, port: opts.port, perMessageDeflate: false,
    maxPayload: opts.maxPayloadBytes ?? DEMO_AGENT_DEFAULTS.maxPayloadBytes,
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (e: Error): void => {
      wss.close();
      // No error code fits a busy demo port better: the configured demo.agent address cannot be used.
      reject(new SwitchboardError('CONFIG_INVALID', `demo.agent: cannot listen on ${opts.host}:${opts.port} (${e.message})`, { cause: e }));
    };
    wss.once('error', onError);
    wss.once('listening', () => {
      wss.off('error', onError);
      resolve();
    });
  });
  wss.on('error', (e) => log.error({ err: e.message }, 'demo agent: server error'));

  const sockets = new Set<WebSocket>();
  const echoDelayFrames = Math.max(0, Math.round(opts.echoDelayMs / FRAME_MS));
  const markWaitFrames = opts.markWaitFrames ?? DEMO_CALL_DEFAULTS.markWaitFrames;
  const cushionFrames = opts.cushionFrames ?? DEMO_CALL_DEFAULTS.cushionFrames;
  wss.on('connection', (ws) => {
    sockets.add(ws);
    const call = new DemoCall({
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
    }, { echoDelayFrames, markWaitFrames, cushionFrames, logger: log });
    ws.on('message', (data, isBinary) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      call.onFrame(buf, isBinary);
    });
    // A broken or oversized frame ends that call's socket; it never reaches the other calls.
    ws.on('error', (e) => log.debug({ err: e.message }, 'demo agent: socket error'));
    ws.on('close', () => {
      sockets.delete(ws);
      call.onClose();
    });
  });

  const address = wss.address();
  const port = typeof address === 'object' && address !== null ? address.port : opts.port;
  const url = `ws://${opts.host.includes(':') ? `[${opts.host}]` : opts.host}:${port}/stream`;
  log.info({ url, echoDelayMs: echoDelayFrames * FRAME_MS }, 'demo agent listening');

  let stopping: Promise<void> | undefined;
  return {
    url,
    port,
    get activeCalls() {
      return sockets.size;
    },
    stop() {
      stopping ??= (async () => {
        const closed = [...sockets].map((ws) => new Promise<void>((resolve) => {
          ws.once('close', () => resolve());
          ws.terminate();
        }));
        await Promise.all(closed);
        await new Promise<void>((resolve) => wss.close(() => resolve()));
      })();
      return stopping;
    },
  };
}
