/**
 * Message framing on stream transports (RFC 3261 §18.3): each message is its header block plus exactly
 * Content-Length bytes of body. CRLFs between messages are skipped (§7.5); a double-CRLF keepalive ping
 * (RFC 5626 §3.5.1) is reported so the connection can answer with a single CRLF pong.
 */
import { findHeaderEnd } from '../message/parse.js';

export type FrameEvent = { type: 'message'; data: Buffer } | { type: 'ping' } | { type: 'error'; reason: string };

const CL_RE = /^(?:content-length|l)[ \t]*:[ \t]*([0-9]+)[ \t]*$/im;

export class StreamFramer {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): FrameEvent[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: FrameEvent[] = [];
    for (;;) {
      let i = 0;
      while (i < this.buf.length && (this.buf[i] === 13 || this.buf[i] === 10)) i++;
      if (i > 0) {
        if (i >= 4 && this.buf[0] === 13 && this.buf[1] === 10 && this.buf[2] === 13 && this.buf[3] === 10) out.push({ type: 'ping' });
        this.buf = this.buf.subarray(i);
      }
      if (this.buf.length === 0) break;
      const he = findHeaderEnd(this.buf);
      if (!he) {
        if (this.buf.length > this.maxBytes) out.push({ type: 'error', reason: 'header block too large' });
        break;
      }
      const head = this.buf.toString('latin1', 0, he.end);
      const m = CL_RE.exec(head);
      // §18.3: Content-Length is mandatory on streams; without it the body is taken as empty.
      const len = m ? Number(m[1]) : 0;
      const total = he.end + he.sep + len;
      if (total > this.maxBytes) {
        out.push({ type: 'error', reason: 'message too large' });
        this.buf = Buffer.alloc(0);
        break;
      }
      if (this.buf.length < total) break;
      out.push({ type: 'message', data: this.buf.subarray(0, total) });
      this.buf = this.buf.subarray(total);
    }
    return out;
  }
}
