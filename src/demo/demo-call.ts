/**
 * One call of the demo agent: the bot side of the Twilio Media Streams dialect (src/agent/protocol/twilio.ts
 * is the bridge side). On `start` it queues the greeting and a mark "greeting"; once Switchboard reports that
 * mark played, it echoes the caller's audio back through a delay line. A `dtmf` barges in: `clear`, the
 * digit's own tone, a mark `dtmf-<digit>`, then echo again. Nothing it receives can make it throw: frames that
 * are not the dialect's JSON are ignored (and logged at debug).
 */
import type { Logger } from '../observability/logger.js';
import { FrameDelay } from './frame-delay.js';
import { digitPayloads, greetingPayloads, silencePayload } from './tones.js';

/** The socket as a call sees it (a `ws` WebSocket in the server). */
export interface DemoSocket {
  send(text: string): void;
}

export interface DemoCallOptions {
  /** Echo delay in 20 ms frames of the caller's audio. */
  echoDelayFrames: number;
  /**
   * If the mark after a tone is not reported played within the tone's length plus this many caller frames,
   * echo anyway (a bridge that never echoes marks still gets a working demo).
   */
  markWaitFrames: number;
  /**
   * Frames of silence queued before the first echoed frame, taken out of the delay line (the echo delay stays
   * the same): slack for the caller's frames reaching this bot a little late, so the echo has no gaps.
   */
  cushionFrames: number;
  logger: Logger;
}

export const DEMO_CALL_DEFAULTS = { markWaitFrames: 50, cushionFrames: 3 } as const;

type State =
  | { kind: 'waiting' }
  | { kind: 'playing'; mark: string; framesLeft: number }
  | { kind: 'echoing' }
  | { kind: 'stopped' };

export class DemoCall {
  private state: State = { kind: 'waiting' };
  private streamSid = '';
  private log: Logger;
  private readonly delay: FrameDelay<string>;
  private readonly cushion: number;
  private primed = false;
  private echoed = 0;
  private digits = 0;

  constructor(private readonly socket: DemoSocket, private readonly opts: DemoCallOptions) {
    this.log = opts.logger;
    this.cushion = Math.max(0, Math.min(opts.cushionFrames, opts.echoDelayFrames));
    this.delay = new FrameDelay<string>(opts.echoDelayFrames - this.cushion);
  }

  /** One WebSocket frame from Switchboard. */
  onFrame(data: Buffer, isBinary: boolean): void {
    const msg = isBinary ? undefined : parseObject(data.toString('utf8'));
    if (!msg || typeof msg.event !== 'string') {
      this.log.debug({ isBinary, bytes: data.length }, 'demo agent: ignored a frame that is not a dialect message');
      return;
    }
    switch (msg.event) {
      case 'start': return this.onStart(msg);
      case 'media': return this.onMedia(field(msg, 'media', 'payload'));
      case 'mark': return this.onMark(field(msg, 'mark', 'name'));
      case 'dtmf': return this.onDtmf(field(msg, 'dtmf', 'digit'));
      case 'stop': return this.onEnd('stop');
      default: return; // `connected`, and events of later protocol versions
    }
  }

  /** The socket closed (after `stop`, or without one). */
  onClose(): void {
    if (this.state.kind !== 'stopped') this.onEnd('socket closed');
  }

  private onStart(msg: Record<string, unknown>): void {
    if (this.state.kind !== 'waiting') return;
    const start = typeof msg.start === 'object' && msg.start !== null ? (msg.start as Record<string, unknown>) : {};
    const sid = typeof msg.streamSid === 'string' ? msg.streamSid : start.streamSid;
    this.streamSid = typeof sid === 'string' ? sid : '';
    const callId = field(start, 'customParameters', 'callId');
    // Only the call id: customParameters also carries the caller's and callee's numbers, which are not logged.
    this.log = this.opts.logger.child({ callId: typeof callId === 'string' ? callId : undefined });
    const frames = greetingPayloads();
    this.play(frames, 'greeting');
    this.log.info({ frames: frames.length }, 'demo agent: call started, greeting queued (three rising beeps)');
  }

  private onMedia(payload: unknown): void {
    if (typeof payload !== 'string') return;
    const s = this.state;
    if (s.kind === 'echoing') {
      const out = this.delay.push(payload);
      if (out !== undefined) {
        if (!this.primed) for (let i = 0; i < this.cushion; i++) this.send({ event: 'media', media: { payload: silencePayload() } });
        this.primed = true;
        this.send({ event: 'media', media: { payload: out } });
        this.echoed++;
      }
    } else if (s.kind === 'playing' && --s.framesLeft <= 0) {
      this.log.warn({ mark: s.mark }, 'demo agent: the mark was not reported played; echoing anyway');
      this.startEcho();
    }
  }

  private onMark(name: unknown): void {
    const s = this.state;
    if (s.kind !== 'playing' || name !== s.mark) return; // marks cleared by a barge-in come back too
    if (name === 'greeting') this.log.info('demo agent: greeting played, echoing the caller');
    this.startEcho();
  }

  private onDtmf(digit: unknown): void {
    if (this.state.kind === 'waiting' || this.state.kind === 'stopped' || typeof digit !== 'string') return;
    const frames = digitPayloads(digit);
    if (!frames) {
      this.log.debug('demo agent: ignored a dtmf event that is not a DTMF key');
      return;
    }
    this.digits++;
    this.send({ event: 'clear' });
    this.play(frames, `dtmf-${digit.toUpperCase()}`);
    this.log.info({ digit: digit.toUpperCase() }, 'demo agent: dtmf received, cleared playback and answered with its tone');
  }

  private onEnd(why: string): void {
    this.state = { kind: 'stopped' };
    this.log.info({ why, framesEchoed: this.echoed, digits: this.digits }, 'demo agent: call ended');
  }

  private play(payloads: readonly string[], mark: string): void {
    for (const payload of payloads) this.send({ event: 'media', media: { payload } });
    this.send({ event: 'mark', mark: { name: mark } });
    this.state = { kind: 'playing', mark, framesLeft: payloads.length + this.opts.markWaitFrames };
  }

  private startEcho(): void {
    this.delay.reset();
    this.primed = false;
    this.state = { kind: 'echoing' };
  }

  private send(message: Record<string, unknown>): void {
    this.socket.send(JSON.stringify({ ...message, streamSid: this.streamSid }));
  }
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `msg[outer][inner]` when `msg[outer]` is an object, else undefined. */
function field(msg: Record<string, unknown>, outer: string, inner: string): unknown {
  const o = msg[outer];
  return typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[inner] : undefined;
}
