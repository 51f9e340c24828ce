/**
 * SRTP and SRTCP with SDES keys (RFC 3711, RFC 4568, RFC 7714) on node:crypto.
 * Start with createSrtpContexts (see srtp-session.ts for the contract).
 */
export {
  createSrtpContexts,
  createSrtpTransform,
  isSrtpFailure,
  type SrtpContexts,
  type SrtpContextsOptions,
} from './srtp-session.js';
export { DEFAULT_MAX_REMOTE_SSRCS, type SrtpFailure } from './srtp-receiver.js';
export { DEFAULT_REPLAY_WINDOW_SIZE, MAX_REPLAY_WINDOW_SIZE, ReplayWindow, type ReplayVerdict } from './replay-window.js';
export { SRTP_ERROR_CODE, SRTP_PROFILES, srtpProfile, type SrtpCipher, type SrtpProfile } from './suites.js';
export { SRTP_LABEL, deriveDirectionKeys, deriveSessionKey, type DirectionKeys, type SessionKeys } from './key-derivation.js';
export { estimatePacketIndex, rolloverCounter } from './packet-index.js';
export { AUTH_FAILED, mkiBytes, type SrtpTransform } from './srtp-transform.js';
