/**
 * Linear 16-bit PCM in two byte orders.
 *
 * - Network order (big-endian), RFC 3551 §4.5.11 "L16": the RTP payload format. Always a byte swap, so these
 *   copy into a caller buffer (or a fresh one).
 * - Little-endian, the agent's binary WebSocket dialect: on little-endian hosts (every platform Node ships for
 *   in practice) an Int16Array's memory already is LE PCM, so the helpers return views over the same memory
 *   instead of copying whenever alignment allows. A view aliases its source: writing one changes the other,
 *   and it is only valid as long as the caller does not reuse the source buffer.
 */

/** True when this host stores Int16Array elements little-endian. */
export const HOST_IS_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Network-order L16 bytes → samples. Reads floor(bytes.length / 2) samples (an odd trailing byte is ignored)
 * into `out` (or a new array) and returns the filled part: `out` itself when it has exactly that length, else a
 * subarray view of it.
 */
export function l16FromNetwork(bytes: Uint8Array, out?: Int16Array): Int16Array {
  const n = bytes.length >> 1;
  const dst = out ?? new Int16Array(n);
  const count = Math.min(n, dst.length);
  for (let i = 0, j = 0; i < count; i++, j += 2) {
    const v = ((bytes[j] as number) << 8) | (bytes[j + 1] as number);
    dst[i] = (v << 16) >> 16;
  }
  return count === dst.length ? dst : dst.subarray(0, count);
}

/**
 * Samples → network-order L16 bytes, written into `out` (or a new Buffer); returns the filled part (`out`
 * itself when it has exactly pcm.length * 2 bytes, else a view of it).
 */
export function l16ToNetwork(pcm: Int16Array, out?: Uint8Array): Buffer {
  const dst = out ?? Buffer.allocUnsafe(pcm.length * 2);
  const count = Math.min(pcm.length, dst.length >> 1);
  for (let i = 0, j = 0; i < count; i++, j += 2) {
    const v = pcm[i] as number;
    dst[j] = (v >> 8) & 0xff;
    dst[j + 1] = v & 0xff;
  }
  const bytes = count * 2;
  const buf = Buffer.isBuffer(dst) ? dst : Buffer.from(dst.buffer, dst.byteOffset, dst.byteLength);
  return bytes === buf.length ? buf : buf.subarray(0, bytes);
}

/**
 * Little-endian PCM bytes → samples. Without copying (a view over the same memory) when the host is
 * little-endian and the bytes start at an even offset; otherwise copies into a new array. An odd trailing
 * byte is ignored. Check `result.buffer === bytes.buffer` if aliasing matters to the caller.
 */
export function pcmFromLittleEndian(bytes: Uint8Array): Int16Array {
  const n = bytes.length >> 1;
  if (HOST_IS_LITTLE_ENDIAN && (bytes.byteOffset & 1) === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, n);
  return copyFromLittleEndian(bytes, new Int16Array(n));
}

/** Little-endian PCM bytes → samples, always copied into `out`; returns the filled part of `out`. */
export function copyFromLittleEndian(bytes: Uint8Array, out: Int16Array): Int16Array {
  const count = Math.min(bytes.length >> 1, out.length);
  for (let i = 0, j = 0; i < count; i++, j += 2) {
    const v = (bytes[j] as number) | ((bytes[j + 1] as number) << 8);
    out[i] = (v << 16) >> 16;
  }
  return count === out.length ? out : out.subarray(0, count);
}

/**
 * Samples → little-endian PCM bytes. On little-endian hosts a Buffer view over the samples' own memory (no
 * copy: the Buffer changes when the samples do); on big-endian hosts a swapped copy.
 */
export function pcmToLittleEndian(pcm: Int16Array): Buffer {
  if (HOST_IS_LITTLE_ENDIAN) return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const out = Buffer.allocUnsafe(pcm.byteLength);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] as number, i * 2);
  return out;
}
