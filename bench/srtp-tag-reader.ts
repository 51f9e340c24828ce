/**
 * Reads the echo tag out of an SRTP packet from the engine at a fraction of a full unprotect: for the AES-CM
 * suites the payload is plaintext XOR AES-CM keystream (RFC 3711 §4.1.1), so the first payload octets need
 * only the first keystream block. The auth tag is NOT verified: the engine is what is under test, and
 * loopback does not corrupt datagrams. The load generator shares the cores with the engine, so every
 * microsecond it does not spend here is one the engine gets.
 */
import { AesCounterMode } from '../src/media/srtp/aes-counter-mode.js';
import { deriveDirectionKeys } from '../src/media/srtp/key-derivation.js';
import { splitMasterKey, srtpProfile } from '../src/media/srtp/suites.js';

export class SrtpTagReader {
  private readonly cipher: AesCounterMode;
  private readonly out = new Uint8Array(16);
  private roc = 0;
  private lastSeq = -1;

  /** `remoteKey`: the engine's SDES master key||salt (what it encrypts with). AES-CM suites only. */
  constructor(suite: string, remoteKey: Buffer) {
    const profile = srtpProfile(suite);
    if (profile.cipher !== 'aes-cm') throw new Error(`the bench reads AES-CM SRTP only, not ${suite}`);
    const { key, salt } = splitMasterKey(profile, remoteKey, 'SRTP');
    const keys = deriveDirectionKeys(profile, key, salt);
    this.cipher = new AesCounterMode(profile.blockCipher, keys.srtp.encryptionKey, keys.srtp.salt);
  }

  /**
   * Decrypts `length` (<= 16) payload octets at `offset` into a reused buffer. Packets arrive in order on
   * loopback, so the rollover counter (§3.3.1) just counts sequence wraps.
   */
  read(pkt: Uint8Array, offset: number, length: number, ssrc: number, seq: number): Uint8Array {
    if (this.lastSeq >= 0 && seq < this.lastSeq && this.lastSeq - seq > 0x8000) this.roc = (this.roc + 1) >>> 0;
    this.lastSeq = seq;
    this.cipher.apply(pkt, offset, this.out, 0, length, ssrc, this.roc, seq);
    return this.out;
  }
}
