import { isCidr, isHost, isIpAddress, isWebSocketUrl } from './address-syntax.js';

/**
 * The custom JSON Schema `format`s used by the schemas: a check and the wording of its problem.
 * Editors that do not know them ignore them; the loader enforces them.
 */
export interface FormatRule {
  check(s: string): boolean;
  /** Problem text; `quoted` is the offending value as JSON. */
  problem(quoted: string): string;
}

export const FORMATS: Readonly<Record<string, FormatRule>> = {
  'ip-address': { check: isIpAddress, problem: (v) => `${v} is not an IP address` },
  cidr: { check: isCidr, problem: (v) => `${v} is not a valid CIDR` },
  host: { check: isHost, problem: (v) => `${v} is not an IP address or host name` },
  'websocket-url': { check: isWebSocketUrl, problem: (v) => `${v} is not a ws:// or wss:// URL` },
};
