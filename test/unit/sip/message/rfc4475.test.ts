/**
 * RFC 4475 torture messages. §3.1.1 valid messages must parse and be processed; §3.1.2 invalid ones must be
 * rejected with the response the RFC names (or dropped where no response is possible); §3.3 application-
 * layer cases get the specific status the RFC describes for a UAS.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage } from '../../../../src/sip/message/parse.js';
import { validateRequest, isUsableResponse } from '../../../../src/sip/message/validate.js';
import { UAS_CAPABILITIES } from '../../../../src/sip/message/capabilities.js';

const dir = fileURLToPath(new URL('../../../../../shared/fixtures/rfc4475/', import.meta.url));
const load = (name: string): Buffer => readFileSync(`${dir}${name}.dat`);

/** What a UAS answers: 'process' = no rejection; a number = that status; 'drop' = no response possible. */
function verdict(name: string): 'process' | 'drop' | number {
  const r = parseMessage(load(name), { framing: 'datagram', maxBytes: 65535 });
  if (!r.message) return 'drop';
  if (r.message.kind === 'response') return r.error || !isUsableResponse(r.message) ? 'drop' : 'process';
  if (r.error) return r.error.status;
  return validateRequest(r.message, UAS_CAPABILITIES)?.status ?? 'process';
}

const expectations: Record<string, 'process' | 'drop' | number | number[]> = {
  // §3.1.1 valid messages (REGISTER is not served by Switchboard: 405 after a clean parse).
  wsinv: 'process', intmeth: 501, esc01: 'process', escnull: 405, esc02: 501, lwsdisp: 'process', longreq: 'process',
  dblreq: 405, semiuri: 'process', transports: 'process', mpart01: 405 /* MESSAGE, not served */, unreason: 'process', noreason: 'process',
  // §3.1.2 invalid messages.
  badinv01: 400, clerr: 400, ncl: 400, scalar02: 400, scalarlg: 'drop', quotbal: 400, ltgtruri: 400, lwsruri: 400,
  lwsstart: 400, trws: 400, escruri: 400, baddate: 400, regbadct: 400, badaspec: 400, baddn: 400, badvers: 505,
  mismatch01: 400, mismatch02: [400, 501], bigcode: 'drop',
  // §3.2 transaction layer.
  badbranch: 'process',
  // §3.3 application layer.
  insuf: 400, unkscm: 416, novelsc: 416, unksm2: 405, bext01: 420, invut: 415, regaut01: 405, multi01: 400, mcl01: 400,
  bcast: 'process', zeromf: 'process', cparam01: 405, cparam02: 405, regescrt: 405, sdp01: 406,
  // §3.4 RFC 2543 compatibility.
  inv2543: 'process',
};

describe('RFC 4475 torture messages', () => {
  for (const [name, expected] of Object.entries(expectations)) {
    it(`${name}: ${Array.isArray(expected) ? expected.join(' or ') : expected}`, () => {
      const got = verdict(name);
      if (Array.isArray(expected)) assert.ok(expected.includes(got as number), `got ${got}`);
      else assert.equal(got, expected);
    });
  }

  it('wsinv: folded headers, compact forms and odd whitespace parse to the right values', () => {
    const r = parseMessage(load('wsinv'), { framing: 'datagram', maxBytes: 65535 });
    const m = r.message;
    assert.ok(m && m.kind === 'request');
    assert.equal(m.headers.getAll('via').length, 3);
    assert.equal(m.topVia?.params.get('branch'), '390skdjuw');
    assert.equal(m.headers.getAll('via')[1] !== undefined, true);
    assert.equal(m.toTag, '1918181833n');
    assert.equal(m.fromTag, '98asjd8');
    assert.equal(m.from?.displayName, 'J Rosenberg \\"');
    assert.deepEqual(m.cseq, { seq: 9, method: 'INVITE' });
    assert.equal(m.headers.get('max-forwards'), '0068');
    assert.equal(m.headers.get('NewFangledHeader'), 'newfangled value continued newfangled value');
    assert.equal(m.body.length, 150);
  });

  it('dblreq: a datagram holding two requests yields the first, bounded by Content-Length', () => {
    const r = parseMessage(load('dblreq'), { framing: 'datagram', maxBytes: 65535 });
    assert.equal(r.message?.body.length, 0);
  });

  it('every file is covered by an expectation', () => {
    const files = readdirNames();
    assert.deepEqual(files.filter((f) => !(f in expectations)), []);
  });
});

function readdirNames(): string[] {
  return (readFileSync(`${dir}README.md`, 'utf8').match(/\b[a-z0-9]+(?= |$)/gm) ?? []).filter((n) => {
    try {
      readFileSync(`${dir}${n}.dat`);
      return true;
    } catch {
      return false;
    }
  });
}
