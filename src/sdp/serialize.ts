/**
 * RFC 4566 session description writer: lines in the §5 order, each ended by CRLF.
 *
 * Session:  v o s i [u e p] c b (t r*)* [z k, other letters] a* m*
 * Media:    m i c [further c] b* [k, other letters] a*
 */
import type {
  Attribute,
  Bandwidth,
  Connection,
  MediaDescription,
  Origin,
  SdpLine,
  SessionDescription,
} from './session-description.js';

const CRLF = '\r\n';

export function formatOrigin(o: Origin): string {
  return `${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`;
}

export function formatConnection(c: Connection): string {
  return `${c.netType} ${c.addrType} ${c.address}`;
}

export function formatAttribute(a: Attribute): string {
  return a.value === undefined ? a.name : `${a.name}:${a.value}`;
}

function formatBandwidth(b: Bandwidth): string {
  return `${b.type}:${b.value}`;
}

/** The m= line value: `<media> <port>[/<count>] <proto> <fmt> ...`. */
export function formatMediaLine(m: MediaDescription): string {
  const port = m.portCount === undefined ? String(m.port) : `${m.port}/${m.portCount}`;
  const head = `${m.type} ${port} ${m.protocol}`;
  return m.formats.length === 0 ? head : `${head} ${m.formats.join(' ')}`;
}

function pushLines(out: string[], lines: readonly SdpLine[], keep: (type: string) => boolean): void {
  for (const l of lines) if (keep(l.type)) out.push(`${l.type}=${l.value}`);
}

const isUep = (t: string): boolean => t === 'u' || t === 'e' || t === 'p';
const notUep = (t: string): boolean => !isUep(t);
const isC = (t: string): boolean => t === 'c';
const notC = (t: string): boolean => t !== 'c';

function pushMedia(out: string[], m: MediaDescription): void {
  out.push(`m=${formatMediaLine(m)}`);
  if (m.information !== undefined) out.push(`i=${m.information}`);
  if (m.connection !== undefined) out.push(`c=${formatConnection(m.connection)}`);
  pushLines(out, m.otherLines, isC);
  for (const b of m.bandwidths) out.push(`b=${formatBandwidth(b)}`);
  pushLines(out, m.otherLines, notC);
  for (const a of m.attributes) out.push(`a=${formatAttribute(a)}`);
}

/** Writes a session description with CRLF line ends (RFC 4566 §5). */
export function serializeSdp(sdp: SessionDescription): string {
  const out: string[] = [
    `v=${sdp.version}`,
    `o=${formatOrigin(sdp.origin)}`,
    `s=${sdp.sessionName}`,
  ];
  if (sdp.information !== undefined) out.push(`i=${sdp.information}`);
  pushLines(out, sdp.otherLines, isUep);
  if (sdp.connection !== undefined) out.push(`c=${formatConnection(sdp.connection)}`);
  for (const b of sdp.bandwidths) out.push(`b=${formatBandwidth(b)}`);
  for (const t of sdp.timings) {
    out.push(`t=${t.start} ${t.stop}`);
    for (const r of t.repeats) out.push(`r=${r}`);
  }
  pushLines(out, sdp.otherLines, notUep);
  for (const a of sdp.attributes) out.push(`a=${formatAttribute(a)}`);
  for (const m of sdp.media) pushMedia(out, m);
  return out.join(CRLF) + CRLF;
}
