/**
 * RFC 3711 §3.3.1 packet index determination (pseudocode in Appendix A).
 *
 * The 48-bit SRTP index is i = 2^16 * ROC + SEQ. Both sides keep `highest` = 2^16 * ROC + s_l,
 * the largest index processed so far. For a new SEQ the receiver picks v from {ROC-1, ROC, ROC+1}
 * so that i lands closest to `highest`:
 *
 *   if s_l < 2^15:  v = ROC-1 when SEQ - s_l > 2^15, else ROC
 *   else:           v = ROC+1 when s_l - 2^15 > SEQ, else ROC
 *
 * After authentication the update rule of §3.3.1 (v = ROC+1: ROC and s_l move; v = ROC and
 * SEQ > s_l: s_l moves; v = ROC-1: nothing) is exactly "highest = max(highest, i)".
 *
 * A result below zero means v = ROC-1 with ROC = 0: a packet from before the stream began.
 */

const SEQ_MODULUS = 0x10000;
const HALF_SEQ = 0x8000;
/** ROC is 32 bits (§3.3.1): 2^48 packets per key at most. */
export const MAX_PACKET_INDEX = SEQ_MODULUS * 0x100000000 - 1;

/** The index estimate for SEQ given the highest index so far (which must be >= 0). */
export function estimatePacketIndex(highest: number, seq: number): number {
  const roc = Math.floor(highest / SEQ_MODULUS);
  const sl = highest - roc * SEQ_MODULUS;
  let v = roc;
  if (sl < HALF_SEQ) {
    if (seq - sl > HALF_SEQ) v = roc - 1;
  } else if (sl - HALF_SEQ > seq) {
    v = roc + 1;
  }
  return v * SEQ_MODULUS + seq;
}

/** ROC of an index. */
export function rolloverCounter(index: number): number {
  return Math.floor(index / SEQ_MODULUS);
}
