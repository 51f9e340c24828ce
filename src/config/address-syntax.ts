import { isIP } from 'node:net';

/**
 * Syntax checks for the addresses a config file holds. Config must not depend on sip/, so this is a small
 * local check; sip/trunk/cidr.ts does the matching at run time and receives the normalised form produced
 * by normalizeCidr (always `address/prefix`).
 */

/** An IPv4 or IPv6 address without zone id. */
export function isIpAddress(s: string): boolean {
  return !s.includes('%') && isIP(s) !== 0;
}

/** `address/prefix` (prefix 0..32 for IPv4, 0..128 for IPv6) or a bare address (a single host). */
export function isCidr(s: string): boolean {
  return parseCidrSyntax(s) !== undefined;
}

/** `10.0.0.0/8` → itself, `10.1.2.3` → `10.1.2.3/32`, `2001:db8::1` → `2001:db8::1/128`. */
export function normalizeCidr(s: string): string {
  const parsed = parseCidrSyntax(s);
  if (!parsed) return s;
  return `${parsed.address}/${parsed.prefix}`;
}

function parseCidrSyntax(s: string): { address: string; prefix: number } | undefined {
  const slash = s.indexOf('/');
  const address = slash < 0 ? s : s.slice(0, slash);
  if (!isIpAddress(address)) return undefined;
  const bits = isIP(address) === 4 ? 32 : 128;
  if (slash < 0) return { address, prefix: bits };
  const prefixText = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  return prefix <= bits ? { address, prefix } : undefined;
}

/**
 * A DNS host name (RFC 1123 §2.1): dot-separated labels of letters, digits and hyphens, 1..63 characters,
 * not starting or ending with a hyphen, 253 characters at most. As RFC 1123 §2.1 notes, a name never has
 * the dotted-decimal form, so the last label must not be all digits (this rejects "10.0.0.300").
 */
export function isHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const labels = s.split('.');
  const label = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
  if (!labels.every((l) => label.test(l))) return false;
  return !/^\d+$/.test(labels[labels.length - 1] ?? '');
}

/** An IP address or a host name. */
export function isHost(s: string): boolean {
  return isIpAddress(s) || isHostname(s);
}

/** A ws:// or wss:// URL with a host. */
export function isWebSocketUrl(s: string): boolean {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    return false;
  }
  return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '';
}
