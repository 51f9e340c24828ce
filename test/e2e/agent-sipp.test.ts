/**
 * SIPp as the PBX playing recorded speech (G.711 A-law pcap, 30 ms packets) and an RFC 4733 digit into a call
 * routed to a test agent, once per dialect: the agent must receive the caller's audio sample for sample (μ-law
 * for twilio: compared after the same μ-law step; L16 16 kHz for l16: compared by energy envelope) and the digit.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hasSipp, runSipp } from '../support/sipp.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';
import { startTestAgent, type TestAgent } from '../support/test-agent.js';
import { readPcapRtp, alawToLinear } from '../support/pcap.js';
import { routeYaml } from '../support/agent-fixture.js';
import { ULAW_DECODE, ulawEncodeSample } from '../../src/media/codec/g711.js';

const PCAP = '/usr/share/sip-tester/g711a.pcap';
const skip = !hasSipp() ? 'SIPp (sip-tester) is not installed' : process.getuid?.() !== 0 ? 'SIPp plays pcaps only as root' : false;

/** RMS per 20 ms block, in dB relative to full scale (a speech envelope). */
function envelope(pcm: ArrayLike<number>, rate: number): number[] {
  const n = Math.round(rate / 50);
  const out: number[] = [];
  for (let i = 0; i + n <= pcm.length; i += n) {
    let e = 0;
    for (let k = i; k < i + n; k++) e += (pcm[k] as number) ** 2;
    out.push(10 * Math.log10(e / n + 1));
  }
  return out;
}

function correlation(a: number[], b: number[]): number {
  const n = Math.min(a.length, b.length);
  const ma = a.slice(0, n).reduce((s, v) => s + v, 0) / n;
  const mb = b.slice(0, n).reduce((s, v) => s + v, 0) / n;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) {
    num += ((a[i] as number) - ma) * ((b[i] as number) - mb);
    da += ((a[i] as number) - ma) ** 2;
    db += ((b[i] as number) - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}

describe('SIPp pcap audio to an agent', { skip }, () => {
  let sw: TestSwitchboard;
  let twilio: TestAgent;
  let l16: TestAgent;
  const ref = Int16Array.from(readPcapRtp(PCAP).filter((p) => p.pt === 8).flatMap((p) => Array.from(p.payload, alawToLinear)));
  before(async () => {
    twilio = await startTestAgent({ dialect: 'twilio' });
    l16 = await startTestAgent({ dialect: 'l16' });
    sw = await startTestSwitchboard({
      sipPort: 26700, httpPort: 29700,
      dialplan: `routes:${routeYaml('tw', '300', `    agent: { url: "${twilio.url}", protocol: twilio }`)}${routeYaml('wide', '301', `    agent: { url: "${l16.url}", protocol: l16, sampleRate: 16000 }`)}
`,
    });
  });
  after(async () => {
    await sw?.stop();
    await twilio?.close();
    await l16?.close();
  });

  it('twilio: the agent gets the caller\'s speech sample for sample (as μ-law) and the digit', async () => {
    const r = await runSipp({ scenario: 'uac-pcap-dtmf.xml', target: '127.0.0.1:26700', service: '300', calls: 1, timeoutMs: 30000 });
    assert.equal(r.code, 0, r.output);
    const conn = await twilio.connection(0);
    const got = conn.receivedPcm();
    // The agent's μ-law is the A-law speech converted once: compare against the reference through the same step.
    const expected = Int16Array.from(ref, (s) => ULAW_DECODE[ulawEncodeSample(s)] as number);
    let best = 0;
    for (let off = 0; off <= 4800; off += 80) {
      let same = 0;
      for (let i = 0; i < 8000; i++) if (Math.abs((got[off + i] ?? 0) - (expected[i] as number)) <= 8) same++;
      best = Math.max(best, same);
    }
    assert.ok(best / 8000 > 0.98, `only ${best} of 8000 samples match`);
    assert.ok(conn.digits().includes('1'), `digits: ${conn.digits().join(',')}`);
  });

  it('l16 at 16 kHz: the agent gets the caller\'s speech (same envelope) and the digit', async () => {
    const r = await runSipp({ scenario: 'uac-pcap-dtmf.xml', target: '127.0.0.1:26700', service: '301', calls: 1, timeoutMs: 30000 });
    assert.equal(r.code, 0, r.output);
    const conn = await l16.connection(0);
    const got = conn.receivedPcm();
    assert.equal(conn.sampleRate, 16000);
    assert.ok(got.length > 16000 * 6, `only ${got.length / 16000} s of audio`);
    const a = envelope(ref, 8000);
    const b = envelope(got, 16000);
    let best = -1;
    for (let lag = 0; lag < 20; lag++) best = Math.max(best, correlation(a, b.slice(lag)));
    assert.ok(best > 0.95, `speech envelope correlation ${best.toFixed(3)}`);
    assert.ok(conn.digits().includes('1'), `digits: ${conn.digits().join(',')}`);
  });
});
