/**
 * SIPp plays a recorded G.711 A-law call (30 ms packets) and an RFC 4733 digit into a call; the test checks the
 * PCM the engine delivered (Switchboard's recording of the caller) against the pcap decoded independently, and
 * that the digit — and a SIP INFO digit — arrived once each.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasSipp, runSipp } from '../support/sipp.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';
import { readPcapRtp, alawToLinear } from '../support/pcap.js';
import { readWav } from '../support/audio.js';
import type { CallEvent } from '../../src/call/call-service.js';

const PCAP = '/usr/share/sip-tester/g711a.pcap';
const skip = !hasSipp() ? 'SIPp (sip-tester) is not installed' : process.getuid?.() !== 0 ? 'SIPp plays pcaps only as root' : false;

describe('SIPp pcap audio through the media engine', { skip }, () => {
  let sw: TestSwitchboard;
  const recordDir = mkdtempSync(join(tmpdir(), 'sb-rec-'));
  const events: CallEvent[] = [];
  before(async () => {
    sw = await startTestSwitchboard({ sipPort: 25860, httpPort: 28880, mediaPortMin: 10000, media: `recordDir: ${recordDir}, workers: 1` });
    sw.sb.calls.onEvent((ev) => events.push(ev));
  });
  after(async () => {
    await sw?.stop();
    rmSync(recordDir, { recursive: true, force: true });
  });

  it('delivers the caller\'s PCM sample for sample, and each DTMF digit once', async () => {
    const r = await runSipp({ scenario: 'uac-pcap-dtmf.xml', target: '127.0.0.1:25860', service: '300', calls: 1, timeoutMs: 30000 });
    assert.equal(r.code, 0, r.output);
    await new Promise((res) => setTimeout(res, 300)); // the recording is closed with the media session
    const file = readdirSync(recordDir).find((f) => f.endsWith('-in.wav'));
    assert.ok(file, 'no recording of the caller');
    const got = readWav(join(recordDir, file)).samples;
    const ref = Int16Array.from(readPcapRtp(PCAP).filter((p) => p.pt === 8).flatMap((p) => Array.from(p.payload, alawToLinear)));
    // The recording starts with the first delivered frame; allow a few frames of offset, then compare.
    let best = -1;
    let bestOffset = 0;
    for (let off = 0; off <= 2400; off += 240) {
      let same = 0;
      for (let i = 0; i < 8000; i++) if (got[off + i] === ref[i]) same++;
      if (same > best) {
        best = same;
        bestOffset = off;
      }
    }
    let equal = 0;
    for (let i = 0; i < ref.length && bestOffset + i < got.length; i++) if (got[bestOffset + i] === ref[i]) equal++;
    assert.ok(equal / ref.length > 0.99, `only ${equal} of ${ref.length} samples match (offset ${bestOffset})`);
    const digits = events.filter((e) => e.type === 'dtmf').map((e) => (e.type === 'dtmf' ? e.digit : ''));
    assert.deepEqual(digits, ['1', '5']);
  });
});
