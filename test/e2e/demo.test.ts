/**
 * The built-in demo agent through a real Switchboard: baresip dials over TLS and sends a 1 kHz tone; it must
 * hear the greeting (523, 659, 784 Hz beeps, in that order, 200 ms apart), then its own tone, coming back
 * one echo delay after the greeting ended (the agent starts echoing when the greeting's mark is played).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { GREETING } from '../../src/demo/tones.js';
import { readWav, writeToneWav } from '../support/audio.js';
import { hasBaresip, runBaresip } from '../support/baresip.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';
import { findBeeps, findTone, toneMs, toneRuns, toneTimeline } from '../support/tone-timeline.js';

const skip = hasBaresip() ? false : 'baresip (baresip-core) is not installed';
const SIP = 26600;
const HTTP = 29600;
const AGENT = 18765;
const BARESIP_SIP = 26610;
const ECHO_DELAY_MS = 400;

describe('demo agent, called by baresip through Switchboard', { skip }, () => {
  let sw: TestSwitchboard;
  before(async () => {
    sw = await startTestSwitchboard({
      sipPort: SIP, httpPort: HTTP, mediaPortMin: 16000,
      dialplan: `
routes:
  - name: demo
    match: { trunk: pbx, to: ".*" }
    agent: { url: "ws://127.0.0.1:${AGENT}/stream", protocol: twilio, sampleRate: 8000 }
`,
      extra: `demo: { agent: { enabled: true, host: 127.0.0.1, port: ${AGENT}, echoDelayMs: ${ECHO_DELAY_MS} } }`,
    });
  });
  after(async () => sw?.stop());

  it('greets with three rising beeps, then echoes the caller\'s 1 kHz tone after the echo delay', async () => {
    const wav = join(sw.dir, 'tone-1000.wav');
    writeToneWav(wav, 1000, 6);
    const r = await runBaresip({ target: `sip:100@127.0.0.1:${SIP + 1};transport=tls`, sipPort: BARESIP_SIP, sourceWav: wav, seconds: 5 });
    assert.ok(r.established, r.output);
    const heard = r.recordings.find((f) => f.includes('-dec'));
    assert.ok(heard, `no recording of what baresip heard: ${r.recordings.join(', ')}`);
    const { rate, samples } = readWav(heard);
    const timeline = toneTimeline(samples, rate, [...GREETING.frequencies, 1000]);
    const runs = JSON.stringify(toneRuns(timeline));

    const greeting = findBeeps(timeline, GREETING.frequencies);
    assert.ok(greeting, `no greeting in ${runs}`);
    assert.deepEqual(greeting.beeps.map((b) => b.label), [523, 659, 784]);
    const [b1, b2, b3] = greeting.beeps.map((b) => b.startMs) as [number, number, number];
    assert.ok(Math.abs(b2 - b1 - 200) <= 20 && Math.abs(b3 - b2 - 200) <= 20, `beeps at ${b1}, ${b2}, ${b3} ms`);
    assert.ok(b1 <= 200, `the greeting starts as soon as media flows, not ${b1} ms into the call`);

    const echo = findTone(timeline, 1000, greeting.endMs, 500);
    assert.ok(echo, `the caller's 1 kHz never came back: ${runs}`);
    const gap = echo.startMs - greeting.endMs;
    assert.ok(gap >= ECHO_DELAY_MS - 30 && gap <= ECHO_DELAY_MS + 200, `1 kHz came back ${gap} ms after the greeting`);
    assert.equal(toneMs(timeline, 1000, 0), toneMs(timeline, 1000, echo.startMs), 'no 1 kHz before the echo delay ran out');
    assert.ok(toneMs(timeline, 1000) >= 3000, `only ${toneMs(timeline, 1000)} ms of the echo was heard`);

    for (let i = 0; i < 50 && sw.sb.calls.activeCalls > 0; i++) await new Promise((res) => setTimeout(res, 100));
    assert.equal(sw.sb.calls.activeCalls, 0);
  });
});
