/**
 * Message framing on stream transports (RFC 3261 §18.3): each message is its header block plus exactly
 * Content-Length bytes of body. CRLFs between messages are skipped (§7.5); a double-CRLF keepalive ping
 * (RFC 5626 §3.5.1) is reported so the connection can answer with a single CRLF pong.
 *
 * Linear in the bytes received however the peer splits them: appends go to a buffer that grows by doubling,
 * and the search for the end of the header block resumes where the previous one stopped.
 */
import { findHeaderEnd } from '../message/parse.js';

export type FrameEvent = { type: 'message'; data: Buffer } | { type: 'ping' } | { type: 'error'; reason: string };

const CL_RE = /^(?:content-length|l)[ \t]*:[ \t]*([0-9]+)[ \t]*$/im;

export class StreamFramer {
  private buf: Buffer = Buffer.alloc(0);
  private len = 0;
  /** Where the next header-end search starts (bytes before it hold no CRLFCRLF). */
  private scanFrom = 0;

  constructor(private readonly maxBytes: number) {}

  private append(chunk: Buffer): void {
    if (this.len + chunk.length > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.len + chunk.length, this.buf.length * 2, 4096));
      this.buf.copy(grown, 0, 0, this.len);
      this.buf = grown;
    }
    chunk.copy(this.buf, this.len);
    this.len += chunk.length;
  }

  private consume(n: number): void {
    this.buf.copy(this.buf, 0, n, this.len);
    this.len -= n;
    this.scanFrom = 0;
  }

  push(chunk: Buffer): FrameEvent[] {
    this.append(chunk);
    const out: FrameEvent[] = [];
    for (;;) {
      let i = 0;
      while (i < this.len && (this.buf[i] === 13 || this.buf[i] === 10)) i++;
      if (i > 0) {
        if (i >= 4 && this.buf[0] === 13 && this.buf[1] === 10 && this.buf[2] === 13 && this.buf[3] === 10) out.push({ type: 'ping' });
        this.consume(i);
      }
      if (this.len === 0) break;
      const view = this.buf.subarray(0, this.len);
      const he = findHeaderEnd(view, Math.max(0, this.scanFrom - 3));
      if (!he) {
        this.scanFrom = this.len;
        if (this.len > this.maxBytes) {
          out.push({ type: 'error', reason: 'header block too large' });
          this.consume(this.len);
        }
        break;
      }
      const head = view.toString('latin1', 0, he.end);
      const m = CL_RE.exec(head);
      // §18.3: Content-Length is mandatory on streams; without it the body is taken as empty.
      const total = he.end + he.sep + (m ? Number(m[1]) : 0);
      if (total > this.maxBytes) {
        out.push({ type: 'error', reason: 'message too large' });
        this.consume(this.len);
        break;
      }
      if (this.len < total) {
        this.scanFrom = he.end; // the header end is known; keep it found next time
        break;
      }
      out.push({ type: 'message', data: Buffer.from(view.subarray(0, total)) });
      this.consume(total);
    }
    return out;
  }
}
