/**
 * RFC 4566 session description parser.
 *
 * One pass over the lines, no regular expressions. Accepts CRLF or bare LF line ends, skips blank
 * lines and trailing blanks. It is strict where a body that is not SDP must be refused (the first
 * line must be v=0, o= must be well formed, s= must be present) and lenient where deployed PBXs
 * are sloppy: s= and t= may appear in any order among the session lines (or even after an m=
 * line), t= may be missing, and an m= line may carry no format.
 *
 * Errors are SwitchboardError('SDP_PARSE') whose message names the line number and the line type
 * but never the line's content (an o= username or an i= line may carry a phone number).
 */
import { SwitchboardError } from '../shared/errors.js';
import type {
  Attribute,
  Bandwidth,
  Connection,
  MediaDescription,
  Origin,
  SdpLine,
  SessionDescription,
  Timing,
} from './session-description.js';

const MAX_PORT = 65535;

function parseError(reason: string): SwitchboardError {
  return new SwitchboardError('SDP_PARSE', reason);
}

function lineError(lineNo: number, type: string, reason: string): SwitchboardError {
  return parseError(`line ${lineNo} (${type}=): ${reason}`);
}

/** Splits on runs of spaces or tabs (RFC 4566 asks for single spaces; some senders double them). */
export function splitFields(value: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 32 || c === 9) {
      if (start >= 0) {
        out.push(value.slice(start, i));
        start = -1;
      }
    } else if (start < 0) {
      start = i;
    }
  }
  if (start >= 0) out.push(value.slice(start));
  return out;
}

/** True when `s` is 1 or more ASCII digits. */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A decimal integer no greater than `max`, or undefined. */
export function parseBoundedInt(s: string, max: number): number | undefined {
  if (!isDigits(s) || s.length > 15) return undefined;
  const n = Number(s);
  return n <= max ? n : undefined;
}

function trimTrailingBlanks(s: string): string {
  let end = s.length;
  while (end > 0) {
    const c = s.charCodeAt(end - 1);
    if (c !== 32 && c !== 9) break;
    end--;
  }
  return end === s.length ? s : s.slice(0, end);
}

function parseOrigin(value: string, lineNo: number): Origin {
  const f = splitFields(value);
  if (f.length !== 6) throw lineError(lineNo, 'o', `expected 6 fields, got ${f.length}`);
  const [username, sessionId, sessionVersion, netType, addrType, address] = f as [
    string, string, string, string, string, string,
  ];
  return { username, sessionId, sessionVersion, netType, addrType, address };
}

function parseConnection(value: string, lineNo: number): Connection {
  const f = splitFields(value);
  if (f.length !== 3) throw lineError(lineNo, 'c', `expected 3 fields, got ${f.length}`);
  const [netType, addrType, address] = f as [string, string, string];
  return { netType, addrType, address };
}

function parseBandwidth(value: string, lineNo: number): Bandwidth {
  const colon = value.indexOf(':');
  if (colon <= 0) throw lineError(lineNo, 'b', 'expected <bwtype>:<bandwidth>');
  const amount = parseBoundedInt(value.slice(colon + 1), Number.MAX_SAFE_INTEGER);
  if (amount === undefined) throw lineError(lineNo, 'b', 'bandwidth is not a decimal number');
  return { type: value.slice(0, colon), value: amount };
}

function parseTiming(value: string, lineNo: number): Timing {
  const f = splitFields(value);
  if (f.length !== 2 || !isDigits(f[0] ?? '') || !isDigits(f[1] ?? '')) {
    throw lineError(lineNo, 't', 'expected <start-time> <stop-time> in decimal');
  }
  return { start: f[0] ?? '', stop: f[1] ?? '', repeats: [] };
}

function parseMedia(value: string, lineNo: number): MediaDescription {
  const f = splitFields(value);
  if (f.length < 3) throw lineError(lineNo, 'm', 'expected <media> <port> <proto> <fmt> ...');
  const portField = f[1] ?? '';
  const slash = portField.indexOf('/');
  const port = parseBoundedInt(slash < 0 ? portField : portField.slice(0, slash), MAX_PORT);
  if (port === undefined) throw lineError(lineNo, 'm', 'port is not a number from 0 to 65535');
  const media: MediaDescription = {
    type: f[0] ?? '',
    port,
    protocol: f[2] ?? '',
    formats: f.slice(3),
    bandwidths: [],
    attributes: [],
    otherLines: [],
  };
  if (slash >= 0) {
    const count = parseBoundedInt(portField.slice(slash + 1), MAX_PORT);
    if (count === undefined || count === 0) {
      throw lineError(lineNo, 'm', 'number of ports is not a positive number');
    }
    media.portCount = count;
  }
  return media;
}

function parseAttribute(value: string, lineNo: number): Attribute {
  const colon = value.indexOf(':');
  if (colon === 0 || value.length === 0) throw lineError(lineNo, 'a', 'attribute has no name');
  return colon < 0 ? { name: value } : { name: value.slice(0, colon), value: value.slice(colon + 1) };
}

/**
 * Parses an SDP body. Throws SwitchboardError('SDP_PARSE', reason) when the body is not a session
 * description.
 */
export function parseSdp(text: string): SessionDescription {
  let sawVersion = false;
  let origin: Origin | undefined;
  let sessionName: string | undefined;
  let information: string | undefined;
  let connection: Connection | undefined;
  const bandwidths: Bandwidth[] = [];
  const timings: Timing[] = [];
  const attributes: Attribute[] = [];
  const media: MediaDescription[] = [];
  const otherLines: SdpLine[] = [];
  let current: MediaDescription | undefined;

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length === 0 || trimTrailingBlanks(line).length === 0) continue;
    const lineNo = i + 1;
    const code = line.charCodeAt(0);
    if (line.length < 2 || line.charCodeAt(1) !== 61 /* = */ || code < 97 || code > 122) {
      throw parseError(
        sawVersion ? `line ${lineNo} is not <type>=<value>` : 'body is not SDP: it does not start with v=',
      );
    }
    const type = line[0] ?? '';
    // s= and i= keep their exact text (s=<space> is the RFC 4566 §5.3 "no name" form).
    const value = type === 's' || type === 'i' ? line.slice(2) : trimTrailingBlanks(line.slice(2));

    if (!sawVersion) {
      if (type !== 'v') throw parseError('body is not SDP: it does not start with v=');
      if (value !== '0') throw lineError(lineNo, 'v', 'only version 0 is defined');
      sawVersion = true;
      continue;
    }
    switch (type) {
      case 'v':
        throw lineError(lineNo, 'v', 'v= appears twice');
      case 'o':
        if (origin !== undefined) throw lineError(lineNo, 'o', 'o= appears twice');
        if (current !== undefined) throw lineError(lineNo, 'o', 'o= inside a media section');
        origin = parseOrigin(value, lineNo);
        break;
      case 's':
        // Lenient on placement: s= is a session line wherever it appears.
        if (sessionName !== undefined) throw lineError(lineNo, 's', 's= appears twice');
        sessionName = value;
        break;
      case 'i':
        if (current !== undefined) current.information = value;
        else information = value;
        break;
      case 'c': {
        const c = parseConnection(value, lineNo);
        if (current !== undefined) {
          if (current.connection === undefined) current.connection = c;
          else current.otherLines.push({ type, value });
        } else if (connection === undefined) {
          connection = c;
        } else {
          otherLines.push({ type, value });
        }
        break;
      }
      case 'b':
        (current?.bandwidths ?? bandwidths).push(parseBandwidth(value, lineNo));
        break;
      case 't':
        // Lenient on placement: t= is a session line wherever it appears.
        timings.push(parseTiming(value, lineNo));
        break;
      case 'r': {
        const last = timings[timings.length - 1];
        if (last !== undefined && current === undefined) last.repeats.push(value);
        else (current?.otherLines ?? otherLines).push({ type, value });
        break;
      }
      case 'm':
        if (origin === undefined) throw lineError(lineNo, 'm', 'm= before o=');
        current = parseMedia(value, lineNo);
        media.push(current);
        break;
      case 'a':
        (current?.attributes ?? attributes).push(parseAttribute(value, lineNo));
        break;
      default:
        // u=, e=, p=, z=, k= and letters RFC 4566 does not define: kept verbatim.
        (current?.otherLines ?? otherLines).push({ type, value });
    }
  }

  if (!sawVersion) throw parseError('body is not SDP: it is empty');
  if (origin === undefined) throw parseError('o= line is missing');
  if (sessionName === undefined) throw parseError('s= line is missing');

  const sdp: SessionDescription = {
    version: 0,
    origin,
    sessionName,
    bandwidths,
    timings,
    attributes,
    media,
    otherLines,
  };
  if (information !== undefined) sdp.information = information;
  if (connection !== undefined) sdp.connection = connection;
  return sdp;
}
