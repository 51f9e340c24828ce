/**
 * The wideband binary dialect: a first JSON text frame with the call's metadata and `sampleRate`, then binary
 * 16-bit little-endian PCM both ways; JSON text control frames `clear`, `mark` (echoed as {event:"mark", name,
 * status:"played"|"cleared"}), `dtmf`, and Switchboard's own events.
 */
import { pcmFromLittleEndian, pcmToLittleEndian } from '../../media/codec/l16.js';
import type { AgentCallMeta, AgentControlEvent, AgentSpec } from '../agent-spec.js';
import { CONTROL_EVENTS, parseJson, type AgentFrame, type AgentInput, type Dialect } from './dialect.js';

export class L16Dialect implements Dialect {
  opening(meta: AgentCallMeta, spec: AgentSpec): AgentFrame[] {
    return [JSON.stringify({
      event: 'start', callId: meta.callId, sipCallId: meta.sipCallId, from: meta.from, to: meta.to, trunk: meta.trunk,
      route: meta.route, sampleRate: spec.sampleRate, encoding: 'pcm_s16le', channels: 1,
      customParameters: spec.parameters,
    })];
  }

  audio(pcm: Int16Array): AgentFrame {
    return Buffer.from(pcmToLittleEndian(pcm));
  }

  dtmf(digit: string, durationMs: number): AgentFrame {
    return JSON.stringify({ event: 'dtmf', dtmf: { digit, durationMs } });
  }

  markPlayed(name: string): AgentFrame {
    return JSON.stringify({ event: 'mark', name, status: 'played' });
  }

  markCleared(name: string): AgentFrame {
    return JSON.stringify({ event: 'mark', name, status: 'cleared' });
  }

  control(message: Record<string, unknown>): AgentFrame {
    return JSON.stringify(message);
  }

  closing(): AgentFrame[] {
    return [JSON.stringify({ event: 'stop' })];
  }

  parse(frame: Buffer, isBinary: boolean): AgentInput {
    if (isBinary) {
      if (frame.length % 2 !== 0) return { kind: 'invalid', reason: 'odd-length PCM frame' };
      // Copy: the socket's buffer is not ours to keep.
      return { kind: 'audio', pcm: Int16Array.from(pcmFromLittleEndian(frame)) };
    }
    const msg = parseJson(frame.toString('utf8'));
    if (!msg || typeof msg.event !== 'string') return { kind: 'invalid', reason: 'not a JSON object with an event' };
    if (msg.event === 'clear') return { kind: 'clear' };
    if (msg.event === 'mark') {
      const name = typeof msg.name === 'string' ? msg.name : (msg.mark as { name?: unknown } | undefined)?.name;
      return typeof name === 'string' ? { kind: 'mark', name } : { kind: 'invalid', reason: 'mark without name' };
    }
    return CONTROL_EVENTS.has(msg.event) ? { kind: 'control', event: msg as AgentControlEvent } : { kind: 'ignored', event: msg.event };
  }
}
