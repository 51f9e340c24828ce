/**
 * RFC 4568 SDES crypto attribute for SRTP:
 *
 *   a=crypto:<tag> <crypto-suite> inline:<base64 key||salt>[|<lifetime>][|<MKI>:<length>][;inline:...]
 *            [<session-param> ...]
 *
 * Supported suites: the RFC 4568 §6.2 AES counter-mode suites and the RFC 7714 AEAD GCM suites
 * (12-byte salt).
 * NULL-cipher suites (media in clear text while claiming SRTP) are refused, as are suites we do not
 * implement; the offer/answer code skips such lines and looks at the next one.
 */
import { randomBytes } from 'node:crypto';
import { SwitchboardError } from '../shared/errors.js';
import { isDigits, splitFields } from './parse.js';

export interface SrtpSuiteParameters {
  /** Master key length in bytes. */
  keyLength: number;
  /** Master salt length in bytes. */
  saltLength: number;
  /** Authentication tag length in bytes appended to each SRTP packet. */
  authTagLength: number;
}

/** Master key and salt lengths per suite: RFC 4568 §6.2.1–6.2.2 and RFC 7714 (SDES use of AES-GCM). */
export const SRTP_SUITES = {
  AES_CM_128_HMAC_SHA1_80: { keyLength: 16, saltLength: 14, authTagLength: 10 },
  AES_CM_128_HMAC_SHA1_32: { keyLength: 16, saltLength: 14, authTagLength: 4 },
  AEAD_AES_128_GCM: { keyLength: 16, saltLength: 12, authTagLength: 16 },
  AEAD_AES_256_GCM: { keyLength: 32, saltLength: 12, authTagLength: 16 },
} as const satisfies Record<string, SrtpSuiteParameters>;

export type SrtpSuite = keyof typeof SRTP_SUITES;

/** All supported suites, the most widely deployed first (the default offer order). */
export const SRTP_SUITE_NAMES: readonly SrtpSuite[] = [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
];

export function isSrtpSuite(name: string): name is SrtpSuite {
  return Object.hasOwn(SRTP_SUITES, name);
}

/** Length in bytes of key||salt for a suite. */
export function keySaltLength(suite: SrtpSuite): number {
  return SRTP_SUITES[suite].keyLength + SRTP_SUITES[suite].saltLength;
}

/** RFC 4568 §6.1 master key identifier: `<mki-value>:<mki-length>`, value decimal, length 1..128 bytes. */
export interface CryptoMki {
  value: bigint;
  length: number;
}

/** One `inline:` key parameter. */
export interface CryptoKeyParams {
  /** Master key followed by master salt. */
  keySalt: Buffer;
  /** Master key lifetime as written: decimal packets or `2^<n>`. */
  lifetime?: string;
  mki?: CryptoMki;
}

export interface CryptoAttribute {
  tag: number;
  suite: SrtpSuite;
  /** At least one key; several only with MKIs. */
  keys: CryptoKeyParams[];
  /** RFC 4568 §6.3 session parameters (KDR=, UNENCRYPTED_SRTP, WSH=, ...), as written. */
  sessionParams: string[];
}

export type CryptoReadResult =
  | { ok: true; crypto: CryptoAttribute }
  | { ok: false; reason: string; suite?: string };

const MAX_TAG_DIGITS = 9;
const MAX_MKI_DIGITS = 128;
const MAX_MKI_LENGTH = 128;

/** RFC 4648 base64 alphabet with optional padding (Buffer.from(…, 'base64') alone would skip bad characters). */
function isBase64(s: string): boolean {
  let end = s.length;
  let pad = 0;
  while (end > 0 && s.charCodeAt(end - 1) === 61 /* = */ && pad < 2) {
    end--;
    pad++;
  }
  if (end === 0 || (pad > 0 && s.length % 4 !== 0)) return false;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 /* + */ || c === 47; /* / */
    if (!ok) return false;
  }
  return true;
}

function isLifetime(s: string): boolean {
  return s.startsWith('2^') ? isDigits(s.slice(2)) : isDigits(s);
}

function readMki(s: string): CryptoMki | string {
  const colon = s.indexOf(':');
  const value = s.slice(0, colon);
  const length = s.slice(colon + 1);
  if (!isDigits(value) || value.length > MAX_MKI_DIGITS || !isDigits(length) || length.length > 3) {
    return 'MKI is not <decimal value>:<decimal length>';
  }
  const mki: CryptoMki = { value: BigInt(value), length: Number(length) };
  if (mki.length < 1 || mki.length > MAX_MKI_LENGTH) return `MKI length ${mki.length} is not 1..${MAX_MKI_LENGTH}`;
  if (mki.value >= 1n << BigInt(8 * mki.length)) return `MKI value does not fit in ${mki.length} bytes`;
  return mki;
}

function readKeyParams(param: string, suite: SrtpSuite): CryptoKeyParams | string {
  const colon = param.indexOf(':');
  if (colon < 0 || param.slice(0, colon).toLowerCase() !== 'inline') return 'key method is not inline';
  const parts = param.slice(colon + 1).split('|');
  if (parts.length > 3) return 'too many |-separated key fields';
  const encoded = parts[0] ?? '';
  if (!isBase64(encoded)) return 'key||salt is not base64';
  const keySalt = Buffer.from(encoded, 'base64');
  const expected = keySaltLength(suite);
  if (keySalt.length !== expected) {
    return `key||salt for ${suite} must be ${expected} bytes, got ${keySalt.length}`;
  }
  const key: CryptoKeyParams = { keySalt };
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (part.includes(':')) {
      if (key.mki !== undefined) return 'MKI given twice';
      const mki = readMki(part);
      if (typeof mki === 'string') return mki;
      key.mki = mki;
    } else {
      // RFC 4568 §9.2 grammar: the lifetime comes before the MKI.
      if (key.lifetime !== undefined || key.mki !== undefined) return 'lifetime misplaced';
      if (!isLifetime(part)) return 'lifetime is not decimal or 2^<n>';
      key.lifetime = part;
    }
  }
  return key;
}

/**
 * Reads the value of an a=crypto attribute (the text after `crypto:`) without throwing: the
 * offer/answer code skips lines it cannot use.
 */
export function readCryptoAttribute(value: string): CryptoReadResult {
  const f = splitFields(value);
  if (f.length < 3) return { ok: false, reason: 'expected <tag> <crypto-suite> <key-params>' };
  const tagText = f[0] ?? '';
  if (!isDigits(tagText) || tagText.length > MAX_TAG_DIGITS) return { ok: false, reason: 'tag is not 1-9 digits' };
  const suite = f[1] ?? '';
  if (suite.startsWith('NULL_')) {
    return { ok: false, suite, reason: `${suite} is a NULL cipher suite and is refused` };
  }
  if (!isSrtpSuite(suite)) return { ok: false, suite, reason: `${suite} is not a supported crypto suite` };
  const keys: CryptoKeyParams[] = [];
  for (const param of (f[2] ?? '').split(';')) {
    const key = readKeyParams(param, suite);
    if (typeof key === 'string') return { ok: false, suite, reason: key };
    keys.push(key);
  }
  // RFC 4568 §6.1: when several keys are given, each needs an MKI to tell them apart.
  if (keys.length > 1 && keys.some((k) => k.mki === undefined)) {
    return { ok: false, suite, reason: 'several keys without MKI' };
  }
  return { ok: true, crypto: { tag: Number(tagText), suite, keys, sessionParams: f.slice(3) } };
}

/** Parses an a=crypto value; throws SwitchboardError('SDP_PARSE', reason) when it is unusable. */
export function parseCryptoAttribute(value: string): CryptoAttribute {
  const result = readCryptoAttribute(value);
  if (!result.ok) throw new SwitchboardError('SDP_PARSE', `a=crypto: ${result.reason}`);
  return result.crypto;
}

function formatKey(k: CryptoKeyParams): string {
  let s = `inline:${k.keySalt.toString('base64')}`;
  if (k.lifetime !== undefined) s += `|${k.lifetime}`;
  if (k.mki !== undefined) s += `|${k.mki.value}:${k.mki.length}`;
  return s;
}

/** The a=crypto value (without `crypto:`). */
export function serializeCryptoAttribute(c: CryptoAttribute): string {
  const head = `${c.tag} ${c.suite} ${c.keys.map(formatKey).join(';')}`;
  return c.sessionParams.length === 0 ? head : `${head} ${c.sessionParams.join(' ')}`;
}

/** A fresh random master key||salt of the right length for the suite. */
export function generateCryptoKey(suite: SrtpSuite): Buffer {
  return randomBytes(keySaltLength(suite));
}

/** A crypto attribute with one inline key (fresh unless given), no lifetime, no MKI. */
export function createCryptoAttribute(tag: number, suite: SrtpSuite, keySalt?: Buffer): CryptoAttribute {
  const key = keySalt ?? generateCryptoKey(suite);
  if (key.length !== keySaltLength(suite)) {
    throw new SwitchboardError('SDP_PARSE', `key||salt for ${suite} must be ${keySaltLength(suite)} bytes`);
  }
  return { tag, suite, keys: [{ keySalt: key }], sessionParams: [] };
}

/** Splits key||salt into the master key and master salt for the suite. */
export function splitKeySalt(suite: SrtpSuite, keySalt: Buffer): { key: Buffer; salt: Buffer } {
  const { keyLength } = SRTP_SUITES[suite];
  return { key: keySalt.subarray(0, keyLength), salt: keySalt.subarray(keyLength) };
}
