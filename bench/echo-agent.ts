/**
 * The agent of `npm run bench:e2e`: a voice-AI agent that answers every caller instantly with their own audio,
 * run as its own process (bench/e2e.ts forks it) so its CPU is measured apart from the engine and the load
 * generator. A WebSocket server on 127.0.0.1 speaking the agent protocol as Switchboard sends it
 * (docs/agent-protocol.md):
 *   - twilio (default): on each `media` message, at once `{"event":"media","streamSid":…,"media":{"payload":…}}`
 *     with the same base64 μ-law payload; every other message is read and ignored;
 *   - l16 (--dialect l16): each binary PCM frame is sent back as it is; text frames are ignored.
 * Nothing is buffered or paced here: the echo leaves in the same event-loop turn as the frame arrived, so all
 * the pacing the caller hears is Switchboard's.
 *
 *   tsx bench/echo-agent.ts [--port 0] [--dialect twilio|l16]
 *
 * Driven over the fork() IPC channel: it sends { type: 'ready', port } once listening; 'start' resets the
 * counters and the event-loop delay histogram, 'stats' replies with { type: 'stats', … }, 'exit' ends it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { WebSocketServer, type WebSocket } from 'ws';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    dialect: { type: 'string', default: 'twilio' },
  },
});
const dialect = values.dialect === 'l16' ? 'l16' : 'twilio';
/** Resolution of the event-loop delay sampler, ms (its own timer costs a wake-up per period). */
const LOOP_DELAY_RESOLUTION_MS = 10;

export interface EchoAgentStats {
  type: 'stats';
  dialect: 'twilio' | 'l16';
  /** WebSocket connections accepted since start / open now. */
  connections: number;
  open: number;
  /** Audio frames received from Switchboard and echoed back since the last 'start'. */
  framesIn: number;
  framesOut: number;
  /** Other messages (connected, start, stop, …) and frames that were neither JSON nor audio. */
  otherMessages: number;
  invalid: number;
  /** Connections closed by Switchboard with code 1000 / anything else. */
  closedNormally: number;
  closedOtherwise: number;
  /** How late this process's event loop ran (ms): a saturated agent shows here. */
  loopDelay: { p50Ms: number; p99Ms: number; maxMs: number };
}

const counters = { connections: 0, open: 0, framesIn: 0, framesOut: 0, otherMessages: 0, invalid: 0, closedNormally: 0, closedOtherwise: 0 };
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_DELAY_RESOLUTION_MS });
loopDelay.enable();

/** Twilio: parse like any bot would, echo the payload in the shape Twilio Media Streams takes from a bot. */
function onTwilioText(ws: WebSocket, text: string): void {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    counters.invalid++;
    return;
  }
  if (typeof msg !== 'object' || msg === null) {
    counters.invalid++;
    return;
  }
  const m = msg as { event?: unknown; streamSid?: unknown; media?: { payload?: unknown } };
  if (m.event !== 'media' || typeof m.media?.payload !== 'string') {
    counters.otherMessages++;
    return;
  }
  counters.framesIn++;
  ws.send(JSON.stringify({ event: 'media', streamSid: m.streamSid, media: { payload: m.media.payload } }));
  counters.framesOut++;
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(values.port), perMessageDeflate: false });

wss.on('connection', (ws) => {
  counters.connections++;
  counters.open++;
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) {
      if (dialect !== 'l16') {
        counters.invalid++;
        return;
      }
      counters.framesIn++;
      ws.send(data, { binary: true });
      counters.framesOut++;
      return;
    }
    if (dialect === 'twilio') onTwilioText(ws, data.toString('utf8'));
    else counters.otherMessages++; // l16 start/stop/marks: nothing to answer
  });
  ws.on('close', (code) => {
    counters.open--;
    if (code === 1000) counters.closedNormally++;
    else counters.closedOtherwise++;
  });
  ws.on('error', () => undefined); // a reset connection ends in 'close'
});

wss.on('listening', () => {
  const addr = wss.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  if (process.send) process.send({ type: 'ready', port });
  else process.stdout.write(`echo agent (${dialect}) listening on ws://127.0.0.1:${port}/\n`);
});

/** The sampler records the whole gap between its wake-ups; lateness is the part beyond its period. */
const ms = (ns: number): number => Math.max(0, ns / 1e6 - LOOP_DELAY_RESOLUTION_MS);

process.on('message', (m: unknown) => {
  if (m === 'start') {
    counters.framesIn = 0;
    counters.framesOut = 0;
    counters.otherMessages = 0;
    counters.invalid = 0;
    loopDelay.reset();
  } else if (m === 'stats') {
    const stats: EchoAgentStats = {
      type: 'stats', dialect, ...counters,
      loopDelay: { p50Ms: ms(loopDelay.percentile(50)), p99Ms: ms(loopDelay.percentile(99)), maxMs: ms(loopDelay.max) },
    };
    process.send?.(stats);
  } else if (m === 'exit') {
    wss.close();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
