/**
 * baresip as the phone, calling Switchboard over SIP/TLS (RFC 3261 §26.2; RFC 5630 §3.1.3 Contact). Until the
 * media engine lands, the call's media endpoint reflects RTP, so baresip hearing its own 1 kHz tone back
 * proves the negotiated RTP path end to end.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { hasBaresip, runBaresip } from '../support/baresip.js';
import { dominantTone, readWav, writeToneWav } from '../support/audio.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';

const skip = hasBaresip() ? false : 'baresip (baresip-core) is not installed';

describe('baresip over TLS', { skip }, () => {
  let sw: TestSwitchboard;
  before(async () => {
    sw = await startTestSwitchboard({ sipPort: 25360, httpPort: 28380, mediaPortMin: 10000 });
  });
  after(async () => sw?.stop());

  it('completes a call over TLS, hears RTP back, and its BYE ends the call', async () => {
    const wav = join(sw.dir, 'tone-1000.wav');
    writeToneWav(wav, 1000, 4);
    const r = await runBaresip({ target: 'sip:200@127.0.0.1:25361;transport=tls', sipPort: 25400, sourceWav: wav, seconds: 4 });
    assert.ok(r.established, r.output);
    const heard = r.recordings.find((f) => f.includes('-dec'));
    assert.ok(heard, `no recording of what baresip heard: ${r.recordings.join(', ')}`);
    const { rate, samples } = readWav(heard);
    assert.ok(samples.length > rate, 'less than a second of audio came back');
    const tone = dominantTone(samples, rate, [440, 700, 1000, 1400, 2000]);
    assert.equal(tone.freq, 1000);
    assert.ok(tone.share > 0.9, `1 kHz share ${tone.share}`);
    // baresip hangs up when it quits; Switchboard sees the BYE over the same TLS connection.
    for (let i = 0; i < 50 && sw.sb.calls.activeCalls > 0; i++) await new Promise((res) => setTimeout(res, 100));
    assert.equal(sw.sb.calls.activeCalls, 0);
  });
});
