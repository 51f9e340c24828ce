/** Audio codecs (G.711, G.722), L16 byte orders and sample-rate conversion for the media data plane. */
export { createCodec, codecNameFromEncoding, type AudioCodec, type CodecName } from './codec.js';
export { encodeUlaw, decodeUlaw, encodeAlaw, decodeAlaw } from './g711.js';
export { G722Encoder, G722Decoder } from './g722.js';
export { l16FromNetwork, l16ToNetwork, pcmFromLittleEndian, pcmToLittleEndian, copyFromLittleEndian } from './l16.js';
export { Resampler, RESAMPLER_DEFAULTS, type ResamplerOptions } from './resampler.js';
