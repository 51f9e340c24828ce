/** RFC 3261 §18.3 framing on TCP/TLS; RFC 5626 §3.5.1 CRLF keepalives. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { StreamFramer } from '../../../../src/sip/transport/stream-framer.js';

const msg = (body: string, extra = ''): Buffer =>
  Buffer.from(`OPTIONS sip:a@example.com SIP/2.0\r\nCall-ID: x\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);

describe('StreamFramer (RFC 3261 §18.3)', () => {
  it('frames each message by its Content-Length, several per chunk', () => {
    const f = new StreamFramer(65535);
    const out = f.push(Buffer.concat([msg('abc'), msg(''), msg('hello')]));
    assert.deepEqual(out.map((e) => (e.type === 'message' ? e.data.toString().split('\r\n\r\n')[1] : e.type)), ['abc', '', 'hello']);
  });

  it('reassembles a message pushed one byte at a time, in linear time', () => {
    const f = new StreamFramer(65535);
    const m = msg('body', `X-Pad: ${'a'.repeat(60000)}\r\n`);
    const t0 = performance.now();
    const got: Buffer[] = [];
    for (let i = 0; i < m.length; i++) for (const e of f.push(m.subarray(i, i + 1))) if (e.type === 'message') got.push(e.data);
    assert.equal(got.length, 1);
    assert.ok(got[0]?.equals(m));
    assert.ok(performance.now() - t0 < 2000, 'quadratic reassembly');
  });

  it('waits for the whole body announced by Content-Length', () => {
    const f = new StreamFramer(65535);
    const m = msg('0123456789');
    assert.deepEqual(f.push(m.subarray(0, m.length - 4)), []);
    const out = f.push(m.subarray(m.length - 4));
    assert.equal(out.length, 1);
  });

  it('reports a double-CRLF ping (RFC 5626 §3.5.1) and skips CRLFs between messages (§7.5)', () => {
    const f = new StreamFramer(65535);
    const out = f.push(Buffer.concat([Buffer.from('\r\n\r\n'), msg('x')]));
    assert.deepEqual(out.map((e) => e.type), ['ping', 'message']);
  });

  it('gives up on a header block or message over the size limit', () => {
    const f = new StreamFramer(1024);
    assert.deepEqual(f.push(Buffer.alloc(2048, 0x61)).map((e) => e.type), ['error']);
    const g = new StreamFramer(1024);
    assert.deepEqual(g.push(Buffer.from(msg('').toString().replace('Content-Length: 0', 'Content-Length: 5000'))).map((e) => e.type), ['error']);
  });
});
