/**
 * The Twilio Media Streams dialect, exactly as Twilio sends it, so bots written for it (Pipecat, Vocode, …)
 * work unchanged: JSON text frames `connected`, `start`, `media` (base64 μ-law 8 kHz, 20 ms), `dtmf`, `mark`,
 * `stop`; from the agent `media`, `mark`, `clear`. Numbers in sequenceNumber/chunk/timestamp are strings, as
 * Twilio sends them. Every message carries the streamSid.
 */
import { randomBytes } from 'node:crypto';
import { decodeUlaw, encodeUlaw } from '../../media/codec/g711.js';
import type { AgentCallMeta, AgentControlEvent, AgentSpec } from '../agent-spec.js';
import { CONTROL_EVENTS, parseJson, type AgentFrame, type AgentInput, type Dialect } from './dialect.js';

const hexId = (prefix: string): string => `${prefix}${randomBytes(16).toString('hex')}`;

export class TwilioDialect implements Dialect {
  readonly streamSid = hexId('MZ');
  private readonly callSid: string;
  private readonly accountSid = 'AC' + '0'.repeat(32);
  private seq = 0;
  private chunk = 0;
  private readonly startedAt = performance.now();
  private ulaw = Buffer.alloc(160);

  constructor(meta: AgentCallMeta) {
    this.callSid = `CA${meta.callId.replace(/-/g, '')}`;
  }

  private next(): string {
    this.seq++;
    return String(this.seq);
  }

  opening(meta: AgentCallMeta, spec: AgentSpec): AgentFrame[] {
    const connected = JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    const start = JSON.stringify({
      event: 'start',
      sequenceNumber: this.next(),
      start: {
        accountSid: this.accountSid,
        streamSid: this.streamSid,
        callSid: this.callSid,
        tracks: ['inbound'],
        customParameters: {
          ...Object.fromEntries(Object.entries(spec.parameters).map(([k, v]) => [k, String(v)])),
          callId: meta.callId, from: meta.from, to: meta.to, trunk: meta.trunk, route: meta.route,
        },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid: this.streamSid,
    });
    return [connected, start];
  }

  audio(pcm: Int16Array): AgentFrame {
    if (this.ulaw.length !== pcm.length) this.ulaw = Buffer.alloc(pcm.length);
    encodeUlaw(pcm, this.ulaw);
    this.chunk++;
    return JSON.stringify({
      event: 'media',
      sequenceNumber: this.next(),
      media: { track: 'inbound', chunk: String(this.chunk), timestamp: String(Math.round(performance.now() - this.startedAt)), payload: this.ulaw.toString('base64') },
      streamSid: this.streamSid,
    });
  }

  dtmf(digit: string): AgentFrame {
    return JSON.stringify({ event: 'dtmf', streamSid: this.streamSid, sequenceNumber: this.next(), dtmf: { track: 'inbound_track', digit } });
  }

  markPlayed(name: string): AgentFrame {
    return JSON.stringify({ event: 'mark', sequenceNumber: this.next(), streamSid: this.streamSid, mark: { name } });
  }

  /** Twilio echoes marks pending at a `clear` as ordinary mark messages. */
  markCleared(name: string): AgentFrame {
    return this.markPlayed(name);
  }

  control(message: Record<string, unknown>): AgentFrame {
    return JSON.stringify({ ...message, streamSid: this.streamSid });
  }

  closing(): AgentFrame[] {
    return [JSON.stringify({ event: 'stop', sequenceNumber: this.next(), streamSid: this.streamSid, stop: { accountSid: this.accountSid, callSid: this.callSid } })];
  }

  parse(frame: Buffer, isBinary: boolean): AgentInput {
    if (isBinary) return { kind: 'invalid', reason: 'binary frame in the twilio dialect' };
    const msg = parseJson(frame.toString('utf8'));
    if (!msg || typeof msg.event !== 'string') return { kind: 'invalid', reason: 'not a JSON object with an event' };
    switch (msg.event) {
      case 'media': {
        const payload = (msg.media as { payload?: unknown } | undefined)?.payload;
        if (typeof payload !== 'string') return { kind: 'invalid', reason: 'media without payload' };
        const bytes = Buffer.from(payload, 'base64');
        const pcm = new Int16Array(bytes.length);
        decodeUlaw(bytes, pcm);
        return { kind: 'audio', pcm };
      }
      case 'mark': {
        const name = (msg.mark as { name?: unknown } | undefined)?.name;
        return typeof name === 'string' ? { kind: 'mark', name } : { kind: 'invalid', reason: 'mark without name' };
      }
      case 'clear':
        return { kind: 'clear' };
      default:
        return CONTROL_EVENTS.has(msg.event) ? { kind: 'control', event: msg as AgentControlEvent } : { kind: 'ignored', event: msg.event };
    }
  }
}
