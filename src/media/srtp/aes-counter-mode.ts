/**
 * RFC 3711 §4.1.1 AES in counter mode, the keystream of the AES-CM suites:
 *
 *   IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)
 *   keystream = E(k_e, IV) || E(k_e, IV + 1) || E(k_e, IV + 2) ...
 *
 * where k_s is the 112-bit session salt and i the 48-bit packet index (SRTP) or the 31-bit SRTCP
 * index. The low 16 bits of IV are zero and count the blocks, so a packet may span at most 2^16
 * blocks.
 *
 * Hot path: one `aes-*-ecb` cipher object is created per session key and reused for every packet
 * (ECB on counter blocks is exactly CTR, and a no-padding ECB stream keeps no state between
 * blocks). That avoids a createCipheriv per packet, which costs more than the AES itself for a
 * 160-octet payload. The counter blocks are written into a reused buffer.
 */
import { createCipheriv, type Cipher, type KeyObject } from 'node:crypto';
import { SwitchboardError } from '../../shared/errors.js';
import { SRTP_ERROR_CODE } from './suites.js';

const BLOCK = 16;
/** RFC 3711 §4.1.1: the 16-bit block counter limits one packet to 2^16 blocks. */
const MAX_BLOCKS = 0x10000;
/** Counter blocks kept ready: enough for a 1500-octet packet without growing. */
const INITIAL_BLOCKS = 96;

export class AesCounterMode {
  private readonly ecb: Cipher;
  private counters: Buffer;
  private view: DataView;
  /** The session salt as four big-endian words; the last holds salt octets 12–13 in its high half. */
  private readonly salt0: number;
  private readonly salt1: number;
  private readonly salt2: number;
  private readonly salt3: number;

  constructor(blockCipher: 'aes-128-ecb' | 'aes-256-ecb', key: KeyObject | Buffer, salt: Buffer) {
    if (salt.length !== 14) {
      throw new SwitchboardError(SRTP_ERROR_CODE, `AES-CM session salt must be 14 octets, got ${salt.length}`);
    }
    this.ecb = createCipheriv(blockCipher, key, null);
    this.ecb.setAutoPadding(false);
    this.salt0 = salt.readUInt32BE(0);
    this.salt1 = salt.readUInt32BE(4);
    this.salt2 = salt.readUInt32BE(8);
    this.salt3 = (salt.readUInt16BE(12) << 16) >>> 0;
    this.counters = Buffer.alloc(INITIAL_BLOCKS * BLOCK);
    this.view = new DataView(this.counters.buffer, this.counters.byteOffset, this.counters.byteLength);
  }

  /**
   * dst[dstStart + k] = src[srcStart + k] XOR keystream[k] for k < length, with the keystream of
   * (ssrc, index) where index = indexHigh * 2^16 + indexLow16 (SRTP: indexHigh = ROC, indexLow16 =
   * SEQ). src and dst may be the same buffer at the same offset (in-place decryption).
   */
  apply(
    src: Uint8Array,
    srcStart: number,
    dst: Uint8Array,
    dstStart: number,
    length: number,
    ssrc: number,
    indexHigh: number,
    indexLow16: number,
  ): void {
    if (length <= 0) return;
    const blocks = Math.ceil(length / BLOCK);
    if (blocks > MAX_BLOCKS) {
      throw new SwitchboardError(SRTP_ERROR_CODE, `AES-CM cannot encrypt ${length} octets in one packet`);
    }
    const bytes = blocks * BLOCK;
    if (bytes > this.counters.length) this.grow(bytes);
    const view = this.view;
    const w0 = this.salt0;
    const w1 = (this.salt1 ^ ssrc) >>> 0;
    const w2 = (this.salt2 ^ indexHigh) >>> 0;
    const w3 = (this.salt3 ^ (indexLow16 << 16)) & 0xffff0000;
    for (let b = 0, o = 0; b < blocks; b++, o += BLOCK) {
      view.setUint32(o, w0);
      view.setUint32(o + 4, w1);
      view.setUint32(o + 8, w2);
      view.setUint32(o + 12, (w3 | b) >>> 0);
    }
    const keystream = this.ecb.update(this.counters.subarray(0, bytes));
    for (let k = 0; k < length; k++) {
      dst[dstStart + k] = src[srcStart + k] ^ keystream[k];
    }
  }

  private grow(bytes: number): void {
    this.counters = Buffer.alloc(bytes);
    this.view = new DataView(this.counters.buffer, this.counters.byteOffset, this.counters.byteLength);
  }
}
