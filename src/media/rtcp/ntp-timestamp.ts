/**
 * NTP timestamps as RTCP uses them (RFC 3550 §4): 64 bits, seconds since 1 January 1900 in the high word and
 * the fraction of a second in 1/2^32 units in the low word. Report blocks carry the middle 32 bits (16.16
 * fixed point seconds) as LSR, and DLSR in the same 1/65536 s units (§6.4.1).
 */

/** Seconds from 1900-01-01 (NTP epoch) to 1970-01-01 (Unix epoch). */
export const NTP_UNIX_EPOCH_OFFSET_SECONDS = 2_208_988_800;
const TWO_POW_32 = 0x1_0000_0000;

export interface NtpTimestamp {
  /** High word, modulo 2^32 (NTP era 0 ends in 2036 and the counter wraps, as RFC 5905 describes). */
  seconds: number;
  /** Low word: fraction of a second × 2^32. */
  fraction: number;
}

/** Converts Unix wallclock milliseconds (e.g. Date.now()) to an NTP timestamp. */
export function ntpFromUnixMs(unixMs: number): NtpTimestamp {
  const wholeSeconds = Math.floor(unixMs / 1000);
  const fraction = Math.floor(((unixMs - wholeSeconds * 1000) / 1000) * TWO_POW_32);
  return { seconds: (wholeSeconds + NTP_UNIX_EPOCH_OFFSET_SECONDS) % TWO_POW_32, fraction: fraction >>> 0 };
}

/** The middle 32 bits: low 16 bits of the seconds and high 16 bits of the fraction. */
export function ntpMiddle32(seconds: number, fraction: number): number {
  return ((seconds & 0xffff) * 0x10000 + (fraction >>> 16)) >>> 0;
}

export function ntpMiddle32FromUnixMs(unixMs: number): number {
  const t = ntpFromUnixMs(unixMs);
  return ntpMiddle32(t.seconds, t.fraction);
}

/** Milliseconds → 1/65536 s units (DLSR), rounded, modulo 2^32. */
export function msToNtpShort(ms: number): number {
  return Math.round((ms * 65536) / 1000) >>> 0;
}

/** 1/65536 s units → milliseconds. */
export function ntpShortToMs(units: number): number {
  return (units * 1000) / 65536;
}
