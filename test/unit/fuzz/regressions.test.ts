/**
 * Inputs the SIP fuzzer (test/fuzz/) found, replayed through its oracle, plus minimal reproductions of each bug
 * with the exact behaviour RFC 3261 asks for. While a bug in src/ is open its tests carry `{ todo: 'bug: …' }`
 * (see test/fuzz/regressions/README.md); the todo goes when the fix lands, so the test then guards against a relapse.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkSipInput } from '../../fuzz/oracle.js';
import { Prng } from '../../fuzz/prng.js';
import { parseMessage } from '../../../src/sip/message/parse.js';
import { serialize } from '../../../src/sip/message/serialize.js';

const DIR = fileURLToPath(new URL('../../fuzz/regressions/', import.meta.url));
const HANG_MS = 50;
const DATAGRAM = { framing: 'datagram', maxBytes: 65535 } as const;

/**
 * Open bugs by regression file, as `{ todo: 'bug: …' }` reasons; a file not listed here must pass. Empty: the
 * three bugs found so far (see the README there) were fixed in 83927ce.
 */
const OPEN: Record<string, string> = {};

describe('fuzz regressions (test/fuzz/regressions/)', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.sip')).sort();

  it('holds the inputs the fuzzer found', () => {
    assert.deepEqual(files, ['hang-header-name-tabs.sip', 'roundtrip-constructor-header.sip', 'roundtrip-proto-header.sip']);
  });

  for (const file of files) {
    const todo = OPEN[file];
    it(`${file} passes the fuzz oracle in under ${HANG_MS} ms`, todo ? { todo } : {}, () => {
      const input = readFileSync(`${DIR}${file}`);
      const start = performance.now();
      checkSipInput(input, new Prng(1), () => performance.now());
      const ms = performance.now() - start;
      assert.ok(ms < HANG_MS, `took ${ms.toFixed(1)} ms`);
    });
  }
});

describe('minimal reproductions', () => {
  // Was: headers.ts looked names up in plain objects, so these resolved to Object.prototype members.
  it('serializes headers named "constructor" and "__proto__" under their own names (RFC 3261 §7.3)', () => {
    const text = 'OPTIONS sip:pbx.example.com SIP/2.0\r\nconstructor: 1\r\n__proto__: 2\r\n\r\n';
    const { message, error } = parseMessage(Buffer.from(text), DATAGRAM);
    assert.equal(error, undefined);
    assert.ok(message);
    assert.equal(serialize(message).toString(), 'OPTIONS sip:pbx.example.com SIP/2.0\r\nconstructor: 1\r\n__proto__: 2\r\nContent-Length: 0\r\n\r\n');
  });

  // Was: parse.ts trimmed the name with /[ \t]+$/, quadratic on a SP/HT run inside the name (60,000 spaces: 1.5 s).
  it('rejects a header name padded with 20,000 spaces as malformed, in linear time', () => {
    const text = `OPTIONS sip:pbx.example.com SIP/2.0\r\nX${' '.repeat(20000)}Y: 1\r\n\r\n`;
    const start = performance.now();
    const { error } = parseMessage(Buffer.from(text), DATAGRAM);
    const ms = performance.now() - start;
    assert.deepEqual(error, { status: 400, reason: 'Malformed Header Name' });
    assert.ok(ms < HANG_MS, `took ${ms.toFixed(1)} ms`);
  });

  // Was: headers.ts appended with push(...values), which overflowed the stack past ~123,000 list elements.
  it('answers 513 rather than throwing for an oversized message with 130,000 Via elements', () => {
    const text = `OPTIONS sip:pbx.example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1\r\nVia: ${','.repeat(130000)}\r\n\r\n`;
    let result: ReturnType<typeof parseMessage> | undefined;
    assert.doesNotThrow(() => {
      result = parseMessage(Buffer.from(text), DATAGRAM);
    });
    assert.deepEqual(result?.error, { status: 513, reason: 'Message Too Large' });
  });
});
