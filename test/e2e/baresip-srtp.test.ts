/**
 * SRTP (RFC 3711 AES-CM, RFC 7714 AES-GCM) with baresip over SIP/TLS, audio checked by tone on both sides:
 * baresip sends 1 kHz, Switchboard's line test sends 440 Hz. Inbound: baresip calls with mediaenc=srtp-mand
 * (it offers AES_CM_128_HMAC_SHA1_80). Outbound: Switchboard calls an answering baresip offering only GCM.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasBaresip, runBaresip, type BaresipResult } from '../support/baresip.js';
import { dominantTone, readWav, writeToneWav } from '../support/audio.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';

const skip = hasBaresip() ? false : 'baresip (baresip-core) is not installed';
const CANDIDATES = [440, 700, 1000, 1400, 2000];

function toneOf(file: string): { freq: number; share: number; seconds: number } {
  const { rate, samples } = readWav(file);
  return { ...dominantTone(samples, rate, CANDIDATES), seconds: samples.length / rate };
}

describe('SRTP with baresip over TLS', { skip }, () => {
  let sw: TestSwitchboard;
  const recordDir = mkdtempSync(join(tmpdir(), 'sb-srtp-'));
  before(async () => {
    sw = await startTestSwitchboard({
      sipPort: 25960, httpPort: 28980, mediaPortMin: 10000, media: `recordDir: ${recordDir}`,
      trunks: `
  - name: pbx
    addresses: [127.0.0.1/32]
    srtp: required`,
      dialplan: `
routes:
  - name: tone
    match: { trunk: pbx }
    lineTest: { kind: tone, frequency: 440 }
    agent: { url: "ws://127.0.0.1:1/none" }
`,
    });
  });
  after(async () => {
    await sw?.stop();
    rmSync(recordDir, { recursive: true, force: true });
  });

  function checkBothWays(r: BaresipResult, callId: string): void {
    const heard = r.recordings.find((f) => f.includes('-dec'));
    assert.ok(heard, `baresip recorded nothing: ${r.output.slice(-2000)}`);
    const b = toneOf(heard);
    assert.ok(b.seconds > 1.5, `baresip heard only ${b.seconds} s`);
    assert.equal(b.freq, 440, 'baresip must hear Switchboard\'s 440 Hz');
    assert.ok(b.share > 0.9);
    const file = readdirSync(recordDir).find((f) => f.startsWith(callId) && f.endsWith('-in.wav'));
    assert.ok(file, 'no recording of the caller');
    const s = toneOf(join(recordDir, file));
    assert.ok(s.seconds > 1.5, `Switchboard got only ${s.seconds} s`);
    assert.equal(s.freq, 1000, 'Switchboard must hear baresip\'s 1 kHz');
    assert.ok(s.share > 0.9);
  }

  it('inbound: AES_CM_128_HMAC_SHA1_80 offered by baresip, 1 kHz in and 440 Hz out', async () => {
    const wav = join(sw.dir, 'tone-1000.wav');
    writeToneWav(wav, 1000, 5);
    let callId = '';
    sw.sb.calls.onEvent((ev) => { if (ev.type === 'answered') callId = ev.callId; });
    const r = await runBaresip({ target: 'sip:200@127.0.0.1:25961;transport=tls', sipPort: 26000, sourceWav: wav, seconds: 4, mediaenc: 'srtp-mand' });
    assert.ok(r.established, r.output.slice(-2000));
    assert.match(r.output, /srtp|SRTP/);
    await new Promise((res) => setTimeout(res, 500));
    checkBothWays(r, callId);
  });

  for (const suite of ['AEAD_AES_128_GCM', 'AEAD_AES_256_GCM']) {
    it(`outbound: ${suite} offered by Switchboard and accepted by baresip, tones both ways`, async (t) => {
      const wav = join(sw.dir, 'tone-1000.wav');
      writeToneWav(wav, 1000, 6);
      let ready!: () => void;
      const isReady = new Promise<void>((res) => { ready = res; });
      const phone = runBaresip({ sipPort: 26100, sourceWav: wav, seconds: 6, mediaenc: 'srtp-mand', onReady: () => ready() });
      await isReady;
      let leg;
      try {
        leg = await sw.sb.engine.originate({
          target: 'sip:caller@127.0.0.1:26101;transport=tls', from: 'sip:switchboard@127.0.0.1', srtp: 'required',
          cryptoSuites: [suite], media: { sampleRate: 8000, app: { kind: 'tone', frequency: 440, amplitude: 8000 } },
        });
      } catch (e) {
        const r = await phone;
        if (suite === 'AEAD_AES_256_GCM' && /488|not acceptable/i.test(String(e))) {
          t.skip(`baresip refused ${suite}: ${String(e)}`);
          return;
        }
        assert.fail(`${String(e)}\n${r.output.slice(-2000)}`);
      }
      await new Promise((res) => setTimeout(res, 3000));
      await leg.hangup();
      const r = await phone;
      await new Promise((res) => setTimeout(res, 300));
      checkBothWays(r, leg.id);
    });
  }
});
