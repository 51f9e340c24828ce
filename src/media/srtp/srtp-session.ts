/**
 * SRTP/SRTCP for one media stream keyed by SDES (RFC 3711, RFC 4568, RFC 7714).
 *
 * Usage — from the offer/answer result (src/sdp NegotiatedSrtp has exactly these fields):
 *
 *   const srtp = createSrtpContexts({ suite, localKey, remoteKey, remoteMki });
 *   socket.send(srtp.protectRtp(rtpPacket));           // new Buffer: header | ciphertext | tag
 *   const rtp = srtp.unprotectRtp(datagram);           // Buffer, or 'auth' | 'replay' | 'short'
 *   if (typeof rtp === 'string') metrics.dropped(rtp); else handle(rtp);
 *   srtp.protectRtcp(compound) / srtp.unprotectRtcp(datagram)   // the same for RTCP
 *
 * - Suites: AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM.
 *   NULL-cipher and unknown suites, and keys of the wrong length, throw SwitchboardError.
 * - localKey / remoteKey: SDES master key||salt; we encrypt with ours, decrypt with the peer's.
 *   Session keys are derived once (RFC 3711 §4.3, kdr 0).
 * - protect*: a new Buffer each call (safe to hand to an async socket.send). Throws only for
 *   buffers that are not RTP/RTCP at all, or when the master key is exhausted (2^48 / 2^31).
 * - unprotect*: never throws. On success the payload is decrypted IN PLACE and the result is a
 *   view of the input (srtp[0, rtpLength)); on failure the input is left as it was.
 *   'auth': tag or MKI did not verify; 'replay': seen before or older than the replay window;
 *   'short': too short for header + trailer, or the RTP header overruns the packet.
 * - One context per SSRC in each direction; ROC is tracked with the §3.3.1 estimate so a wrap of
 *   SEQ 65535 → 0 bumps ROC and late packets from before the wrap use ROC-1.
 * - Options: replayWindowSize (default 64, RFC 3711 §3.3.2), maxRemoteSsrcs (default 8).
 */
import { SwitchboardError } from '../../shared/errors.js';
import type { CryptoMki, SrtpSuite } from '../../sdp/index.js';
import { AesCmHmacTransform } from './aes-cm-hmac-transform.js';
import { AesGcmTransform } from './aes-gcm-transform.js';
import { deriveDirectionKeys } from './key-derivation.js';
import { DEFAULT_REPLAY_WINDOW_SIZE, ReplayWindow } from './replay-window.js';
import { DEFAULT_MAX_REMOTE_SSRCS, SrtpReceiver, type SrtpFailure } from './srtp-receiver.js';
import { SrtpSender } from './srtp-sender.js';
import { mkiBytes, type SrtpTransform } from './srtp-transform.js';
import { SRTP_ERROR_CODE, splitMasterKey, srtpProfile, type SrtpProfile } from './suites.js';

export interface SrtpContextsOptions {
  /** The agreed crypto suite (RFC 4568 §6.2, RFC 7714 §14.1). NULL_* suites are refused. */
  suite: string;
  /** Our master key||salt: what we send is protected with it. */
  localKey: Buffer;
  /** The peer's master key||salt: what we receive is verified and decrypted with it. */
  remoteKey: Buffer;
  /** The MKI the peer's packets carry, when its crypto line had one (RFC 3711 §3.1). */
  remoteMki?: CryptoMki;
  /** RFC 3711 §3.3.2 SRTP-WINDOW-SIZE for SRTP and SRTCP replay lists. Default 64. */
  replayWindowSize?: number;
  /** Remote SSRC contexts kept at once (oldest forgotten first). Default 8. */
  maxRemoteSsrcs?: number;
}

export interface SrtpContexts {
  readonly suite: SrtpSuite;
  /** RTP → SRTP (a new buffer). */
  protectRtp(rtp: Buffer): Buffer;
  /** SRTP → RTP, decrypted in place (a view of the input), or the reason it was dropped. */
  unprotectRtp(srtp: Buffer): Buffer | SrtpFailure;
  /** RTCP compound → SRTCP with E = 1 (a new buffer). */
  protectRtcp(rtcp: Buffer): Buffer;
  /** SRTCP → RTCP, decrypted in place when E = 1, or the reason it was dropped. */
  unprotectRtcp(srtcp: Buffer): Buffer | SrtpFailure;
  /** ROC of the receive context for a remote SSRC (undefined before its first good packet). */
  remoteRolloverCounter(ssrc: number): number | undefined;
  /** ROC our packets from a local SSRC carry. */
  localRolloverCounter(ssrc: number): number | undefined;
}

export function isSrtpFailure(result: Buffer | SrtpFailure): result is SrtpFailure {
  return typeof result === 'string';
}

/** The packet transform of one direction, from its SDES master key||salt. */
export function createSrtpTransform(profile: SrtpProfile, masterKeySalt: Buffer, mki: Buffer, which = 'SRTP'): SrtpTransform {
  const { key, salt } = splitMasterKey(profile, masterKeySalt, which);
  const keys = deriveDirectionKeys(profile, key, salt);
  return profile.cipher === 'aes-gcm'
    ? new AesGcmTransform(profile, keys, mki)
    : new AesCmHmacTransform(profile, keys, mki);
}

export function createSrtpContexts(options: SrtpContextsOptions): SrtpContexts {
  const profile = srtpProfile(options.suite);
  const replayWindowSize = options.replayWindowSize ?? DEFAULT_REPLAY_WINDOW_SIZE;
  // Validates the size up front rather than on the first packet.
  void new ReplayWindow(replayWindowSize);
  const maxSsrcs = options.maxRemoteSsrcs ?? DEFAULT_MAX_REMOTE_SSRCS;
  if (!Number.isInteger(maxSsrcs) || maxSsrcs < 1) {
    throw new SwitchboardError(SRTP_ERROR_CODE, `maxRemoteSsrcs must be a positive integer, got ${maxSsrcs}`);
  }
  const sender = new SrtpSender(createSrtpTransform(profile, options.localKey, Buffer.alloc(0), 'local'));
  const receiver = new SrtpReceiver(
    createSrtpTransform(profile, options.remoteKey, mkiBytes(options.remoteMki), 'remote'),
    { replayWindowSize, maxSsrcs },
  );
  return {
    suite: profile.suite,
    protectRtp: (rtp) => sender.protectRtp(rtp),
    unprotectRtp: (srtp) => receiver.unprotectRtp(srtp),
    protectRtcp: (rtcp) => sender.protectRtcp(rtcp),
    unprotectRtcp: (srtcp) => receiver.unprotectRtcp(srtcp),
    remoteRolloverCounter: (ssrc) => receiver.rolloverCounter(ssrc),
    localRolloverCounter: (ssrc) => sender.rolloverCounter(ssrc),
  };
}
