/**
 * IPv4 / IPv6 addresses and CIDR blocks (RFC 4632 §3.1 prefix notation, RFC 4291 §2.2–2.3 text
 * forms), pre-parsed to 32-bit words so that matching is a few integer operations.
 *
 * - A bare address is a /32 or /128 block; host bits beyond the prefix are cleared (`10.1.2.3/8` = `10.0.0.0/8`).
 * - IPv4-mapped IPv6 sources (`::ffff:127.0.0.1`, RFC 4291 §2.5.5.2), as dual-stack sockets report
 *   them, are treated as the IPv4 address they carry, so they match IPv4 blocks.
 * - Strict syntax: dotted quads without leading zeros (`010` is ambiguous octal), no zone in a CIDR;
 *   a source address may carry a zone (`fe80::1%eth0`), which is ignored.
 */

export type IpAddress =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly words: readonly [number, number, number, number] };

export interface Cidr {
  readonly family: 4 | 6;
  readonly prefix: number;
  /** Canonical text, e.g. `10.0.0.0/8`, `2001:db8:0:0:0:0:0:0/32`. */
  readonly text: string;
  /** Network words (IPv4: one word) and masks, host bits cleared. */
  readonly words: readonly number[];
  readonly masks: readonly number[];
}

const DECIMAL_OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]\d|\d)$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!DECIMAL_OCTET.test(part)) return undefined;
    value = value * 256 + Number(part);
  }
  return value >>> 0;
}

/** 8 groups of 16 bits packed into 4 words; `::` at most once; a trailing dotted quad counts as 2 groups. */
export function parseIpv6(text: string): [number, number, number, number] | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] as string, halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1] as string, true) : [];
  if (!head || !tail) return undefined;
  const groups: number[] = [];
  if (halves.length === 1) {
    if (head.length !== 8) return undefined;
    groups.push(...head);
  } else {
    const missing = 8 - head.length - tail.length;
    if (missing < 1) return undefined; // "::" stands for at least one zero group
    groups.push(...head, ...new Array<number>(missing).fill(0), ...tail);
  }
  return [0, 1, 2, 3].map((i) => (((groups[2 * i] as number) << 16) | (groups[2 * i + 1] as number)) >>> 0) as
    [number, number, number, number];
}

/** Groups of one `::`-half; the last half may end with a dotted quad (two groups). */
function parseGroups(text: string, mayEndWithV4: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as string;
    if (i === parts.length - 1 && mayEndWithV4 && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push(v4 >>> 16, v4 & 0xffff);
    } else {
      if (!HEX_GROUP.test(part)) return undefined;
      groups.push(Number.parseInt(part, 16));
    }
  }
  return groups;
}

function isV4Mapped(w: readonly number[]): boolean {
  return w[0] === 0 && w[1] === 0 && w[2] === 0xffff;
}

/** Parses a source address; IPv4-mapped IPv6 becomes IPv4; a zone suffix (`%eth0`) is ignored. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const zone = text.indexOf('%');
  const bare = zone >= 0 ? text.slice(0, zone) : text;
  if (zone === 0 || (zone >= 0 && zone === text.length - 1)) return undefined;
  const words = parseIpv6(bare);
  if (!words) return undefined;
  if (isV4Mapped(words)) return { family: 4, value: words[3] };
  return { family: 6, words };
}

function maskWord(prefix: number, wordIndex: number): number {
  const bits = Math.min(32, Math.max(0, prefix - 32 * wordIndex));
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

function ipv4Text(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

function ipv6Text(words: readonly number[]): string {
  return words.flatMap((w) => [(w >>> 16).toString(16), (w & 0xffff).toString(16)]).join(':');
}

const PREFIX = /^(0|[1-9]\d{0,2})$/;

/** Parses `addr/prefix` or a bare address; `undefined` for anything else. */
export function parseCidr(text: string): Cidr | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const addrText = slash >= 0 ? trimmed.slice(0, slash) : trimmed;
  const prefixText = slash >= 0 ? trimmed.slice(slash + 1) : undefined;
  if (prefixText !== undefined && !PREFIX.test(prefixText)) return undefined;
  const v4 = parseIpv4(addrText);
  if (v4 !== undefined) {
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    if (prefix > 32) return undefined;
    const mask = maskWord(prefix, 0);
    const net = (v4 & mask) >>> 0;
    return { family: 4, prefix, text: `${ipv4Text(net)}/${prefix}`, words: [net], masks: [mask] };
  }
  const v6 = addrText.includes('%') ? undefined : parseIpv6(addrText);
  if (!v6) return undefined;
  const prefix = prefixText === undefined ? 128 : Number(prefixText);
  if (prefix > 128) return undefined;
  const masks = [0, 1, 2, 3].map((i) => maskWord(prefix, i));
  const words = v6.map((w, i) => (w & (masks[i] as number)) >>> 0);
  return { family: 6, prefix, text: `${ipv6Text(words)}/${prefix}`, words, masks };
}

/** Whether the block contains the address (an IPv4 address is also compared as its IPv4-mapped IPv6 form). */
export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  const { words, masks } = cidr;
  if (cidr.family === 4) {
    return ip.family === 4 && ((ip.value & (masks[0] as number)) >>> 0) === words[0];
  }
  const w = ip.family === 6 ? ip.words : [0, 0, 0xffff, ip.value];
  for (let i = 0; i < 4; i++) {
    if (((w[i] as number) & (masks[i] as number)) >>> 0 !== words[i]) return false;
  }
  return true;
}

/** A pre-parsed list of blocks; `has` parses nothing but the address. */
export class CidrList {
  constructor(readonly cidrs: readonly Cidr[]) {}

  /** Parses every entry; `undefined` if any of them is not a CIDR. */
  static parse(texts: readonly string[]): CidrList | undefined {
    const cidrs: Cidr[] = [];
    for (const t of texts) {
      const c = parseCidr(t);
      if (!c) return undefined;
      cidrs.push(c);
    }
    return new CidrList(cidrs);
  }

  contains(ip: IpAddress): boolean {
    for (const c of this.cidrs) if (cidrContains(c, ip)) return true;
    return false;
  }

  has(address: string): boolean {
    const ip = parseIp(address);
    return ip !== undefined && this.contains(ip);
  }
}
