/**
 * The audio codecs a media session can use, behind one small interface: PCMU and PCMA (G.711, RFC 3551
 * §4.5.14) and G722 (RFC 3551 §4.5.2). Rates and payload types come from the SDP layer's codec table, so
 * negotiation and media agree by construction.
 *
 * Buffer ownership: encode() and decode() return views over buffers the codec owns and overwrites on its next
 * encode() / decode() call (no allocation per packet in steady state). Use the result before the next call
 * (e.g. copy it into the RTP packet being built), or call encodeInto() / decodeInto() with buffers you own.
 */
import { SwitchboardError } from '../../shared/errors.js';
import { AUDIO_CODECS, type AudioCodec as CodecName } from '../../sdp/index.js';
import { decodeAlaw, decodeUlaw, encodeAlaw, encodeUlaw } from './g711.js';
import { G722Decoder, G722Encoder } from './g722.js';

export type { CodecName };

export interface AudioCodec {
  readonly name: CodecName;
  /** RFC 3551 static payload type: PCMU 0, PCMA 8, G722 9. */
  readonly payloadType?: number;
  /** Rate of the PCM this codec takes and gives: 8000 for G.711, 16000 for G.722. */
  readonly sampleRate: number;
  /** RTP timestamp rate: 8000 for all three, G.722 included (RFC 3551 §4.5.2). */
  readonly rtpClockRate: number;
  /** Payload octets for `ptimeMs` of audio (8 per millisecond for all three: 160 for 20 ms). */
  frameBytes(ptimeMs: number): number;
  /** PCM samples for `ptimeMs` of audio at sampleRate (160 for 20 ms of G.711, 320 for G.722). */
  frameSamples(ptimeMs: number): number;
  /** Encodes PCM at sampleRate. The result is reused by the next encode() call. */
  encode(pcm: Int16Array): Buffer;
  /** Decodes one payload; any octets are valid (garbage decodes to noise). The result is reused by the next decode() call. */
  decode(payload: Uint8Array): Int16Array;
  /** Encodes into a caller-owned buffer; returns the octets written. */
  encodeInto(pcm: Int16Array, out: Uint8Array): number;
  /** Decodes into a caller-owned buffer; returns the samples written. */
  decodeInto(payload: Uint8Array, out: Int16Array): number;
  /** Forgets codec state (G.722's predictors and filters; nothing for G.711), e.g. after an SSRC change. */
  reset(): void;
}

/** Starting capacity of the reusable output buffers: 60 ms of 16 kHz audio. They grow for larger frames. */
const INITIAL_SAMPLES = 960;

/** Reusable output storage that hands out a cached view while the length stays the same. */
class OutputBuffers {
  private bytes = Buffer.alloc(INITIAL_SAMPLES);
  private bytesView: Buffer = this.bytes;
  private samples = new Int16Array(INITIAL_SAMPLES);
  private samplesView: Int16Array = this.samples;

  byteStore(length: number): Buffer {
    if (this.bytes.length < length) this.bytes = this.bytesView = Buffer.alloc(Math.max(length, 2 * this.bytes.length));
    return this.bytes;
  }

  byteView(length: number): Buffer {
    if (this.bytesView.length !== length) this.bytesView = this.bytes.subarray(0, length);
    return this.bytesView;
  }

  sampleStore(length: number): Int16Array {
    if (this.samples.length < length) this.samples = this.samplesView = new Int16Array(Math.max(length, 2 * this.samples.length));
    return this.samples;
  }

  sampleView(length: number): Int16Array {
    if (this.samplesView.length !== length) this.samplesView = this.samples.subarray(0, length);
    return this.samplesView;
  }
}

function frameSize(perMs: number, ptimeMs: number): number {
  return Math.round(perMs * ptimeMs);
}

class G711Codec implements AudioCodec {
  readonly payloadType: number;
  readonly sampleRate = 8000;
  readonly rtpClockRate = 8000;
  private readonly out = new OutputBuffers();

  constructor(
    readonly name: 'PCMU' | 'PCMA',
    private readonly encodeFn: (pcm: Int16Array, out: Uint8Array) => number,
    private readonly decodeFn: (bytes: Uint8Array, out: Int16Array) => number,
  ) {
    this.payloadType = AUDIO_CODECS[name].payloadType;
  }

  frameBytes(ptimeMs: number): number {
    return frameSize(8, ptimeMs);
  }

  frameSamples(ptimeMs: number): number {
    return frameSize(8, ptimeMs);
  }

  encode(pcm: Int16Array): Buffer {
    const n = this.encodeFn(pcm, this.out.byteStore(pcm.length));
    return this.out.byteView(n);
  }

  decode(payload: Uint8Array): Int16Array {
    const n = this.decodeFn(payload, this.out.sampleStore(payload.length));
    return this.out.sampleView(n);
  }

  encodeInto(pcm: Int16Array, out: Uint8Array): number {
    return this.encodeFn(pcm, out);
  }

  decodeInto(payload: Uint8Array, out: Int16Array): number {
    return this.decodeFn(payload, out);
  }

  reset(): void {}
}

/** G.722: one encoder and one decoder, each with its own state (the two directions of a call are independent). */
class G722Codec implements AudioCodec {
  readonly name = 'G722';
  readonly payloadType = AUDIO_CODECS.G722.payloadType;
  readonly sampleRate = AUDIO_CODECS.G722.sampleRate;
  readonly rtpClockRate = AUDIO_CODECS.G722.clockRate;
  readonly encoder = new G722Encoder();
  readonly decoder = new G722Decoder();
  private readonly out = new OutputBuffers();

  frameBytes(ptimeMs: number): number {
    return frameSize(8, ptimeMs);
  }

  frameSamples(ptimeMs: number): number {
    return frameSize(16, ptimeMs);
  }

  encode(pcm: Int16Array): Buffer {
    const store = this.out.byteStore(this.encoder.outputLength(pcm.length));
    return this.out.byteView(this.encoder.encode(pcm, store));
  }

  decode(payload: Uint8Array): Int16Array {
    const store = this.out.sampleStore(2 * payload.length);
    return this.out.sampleView(this.decoder.decode(payload, store));
  }

  encodeInto(pcm: Int16Array, out: Uint8Array): number {
    return this.encoder.encode(pcm, out);
  }

  decodeInto(payload: Uint8Array, out: Int16Array): number {
    return this.decoder.decode(payload, out);
  }

  reset(): void {
    this.encoder.reset();
    this.decoder.reset();
  }
}

/** A new codec instance (each call leg needs its own: G.722 carries state in both directions). */
export function createCodec(name: CodecName): AudioCodec {
  switch (name) {
    case 'PCMU':
      return new G711Codec('PCMU', encodeUlaw, decodeUlaw);
    case 'PCMA':
      return new G711Codec('PCMA', encodeAlaw, decodeAlaw);
    case 'G722':
      return new G722Codec();
    default:
      throw new SwitchboardError('SDP_NOT_ACCEPTABLE', `unsupported codec ${String(name)}`);
  }
}

/** The codec for an SDP encoding name (case-insensitive, RFC 4566 §6 rtpmap), or undefined when we have none. */
export function codecNameFromEncoding(encoding: string): CodecName | undefined {
  const upper = encoding.toUpperCase();
  return upper === 'PCMU' || upper === 'PCMA' || upper === 'G722' ? upper : undefined;
}
