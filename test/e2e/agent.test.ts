/**
 * The agent link end to end (issue 4), audio and wire format: a scripted phone (our SIP stack + RTP,
 * test/support/rtp-phone.ts) or baresip calls a real Switchboard whose routes point at real WebSocket agents
 * (test/support/test-agent.ts). Checked on the wire: the twilio and l16 dialects' frames, audio both ways by
 * tone (also through TLS + SRTP), DTMF, playout-accurate marks and clear. Timing assertions use
 * performance.now() in this one process (phone, agent and Switchboard's main thread share a clock).
 * Connection failures, endings, greeting and dialplan reload: agent-lifecycle.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { callAgent as dialAgent, eventNames, routeYaml } from '../support/agent-fixture.js';
import { dominantTone, readWav, toneSamples, writeToneWav } from '../support/audio.js';
import { hasBaresip, runBaresip } from '../support/baresip.js';
import { startRtpPhone, type PhoneCall, type RtpPhone } from '../support/rtp-phone.js';
import { startTestSwitchboard, type TestSwitchboard } from '../support/switchboard.js';
import { startTestAgent, type AgentConnection, type Json, type TestAgent } from '../support/test-agent.js';
import { sleep, within } from '../support/ua-pair.js';

const SIP = 26400;
const HTTP = 29400;
const BARESIP_SIP = 26500;
/** Loopback slack on top of one 20 ms frame for "clear cuts within a frame": a UDP datagram and a WebSocket
 * frame crossing 127.0.0.1 plus this process's event loop picking them up take well under 5 ms when idle. */
const CLEAR_SLACK_MS = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Agents {
  /** twilio, echoes the caller. */
  echo: TestAgent;
  /** twilio, echoes; called by baresip over TLS + SRTP. */
  srtp: TestAgent;
  twilio: TestAgent;
  /** l16 at 16 kHz. */
  l16: TestAgent;
}

function dialplan(a: Agents): string {
  return `routes:${[
    routeYaml('echo', 'echo', `    agent:
      url: "${a.echo.url}"
      protocol: twilio
      headers: { X-Agent-Key: k-123 }
      parameters: { tenant: acme, priority: 3, vip: true }`),
    routeYaml('srtp', '200', `    agent: { url: "${a.srtp.url}", protocol: twilio }`),
    routeYaml('twilio', 'twilio', `    agent: { url: "${a.twilio.url}", protocol: twilio }`),
    routeYaml('l16', 'l16', `    agent: { url: "${a.l16.url}", protocol: l16, sampleRate: 16000 }`),
  ].join('')}
`;
}

describe('agent link end to end: dialects, audio, DTMF, marks, clear', () => {
  let sw: TestSwitchboard;
  let phone: RtpPhone;
  let agents: Agents;
  const answeredIds: string[] = [];

  before(async () => {
    const [echo, srtp, twilio, l16] = await Promise.all([
      startTestAgent({ dialect: 'twilio', echo: true }),
      startTestAgent({ dialect: 'twilio', echo: true }),
      startTestAgent({ dialect: 'twilio' }),
      startTestAgent({ dialect: 'l16' }),
    ]);
    agents = { echo, srtp, twilio, l16 } as Agents;
    sw = await startTestSwitchboard({ sipPort: SIP, httpPort: HTTP, mediaPortMin: 10000, dialplan: dialplan(agents) });
    sw.sb.calls.onEvent((ev) => { if (ev.type === 'answered') answeredIds.push(ev.callId); });
    phone = await startRtpPhone();
  });

  after(async () => {
    await phone?.stop();
    await sw?.stop();
    if (agents) await Promise.all(Object.values(agents).map((a: TestAgent) => a.close()));
  });

  const callAgent = (to: string, agent: TestAgent, signal?: Int16Array): Promise<{ call: PhoneCall; conn: AgentConnection }> =>
    dialAgent(phone, SIP, to, agent, signal);

  describe('twilio dialect', () => {
    it('sends connected, start (streamSid, callSid, tracks, customParameters, mediaFormat), 20 ms media with string counters, stop; echoed 1 kHz comes back', async () => {
      const { call, conn } = await callAgent('echo', agents.echo, toneSamples(1000, 1000));
      await sleep(1500);
      await call.hangup();
      await within(conn.closed, 'the agent socket to close');

      assert.equal(conn.request.headers['x-agent-key'], 'k-123', 'route headers go on the upgrade request');
      const names = eventNames(conn);
      assert.deepEqual(names.slice(0, 2), ['connected', 'start']);
      assert.equal(names.at(-1), 'stop');
      assert.deepEqual(new Set(names.slice(2, -1)), new Set(['media']), `unexpected frames: ${names.join(',')}`);
      assert.deepEqual(conn.frames[0]?.json, { event: 'connected', protocol: 'Call', version: '1.0.0' });

      const callId = answeredIds.at(-1) as string;
      assert.match(callId, UUID);
      const start = conn.start as Json;
      const sid = conn.streamSid as string;
      assert.match(sid, /^MZ[0-9a-f]{32}$/);
      assert.deepEqual(start, {
        event: 'start', sequenceNumber: '1', streamSid: sid,
        start: {
          accountSid: `AC${'0'.repeat(32)}`, streamSid: sid, callSid: `CA${callId.replace(/-/g, '')}`, tracks: ['inbound'],
          customParameters: { tenant: 'acme', priority: '3', vip: 'true', callId, from: 'alice', to: 'echo', trunk: 'pbx', route: 'echo' },
          mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        },
      });

      // Every message after `connected` carries the streamSid and the next sequenceNumber (a string).
      const after = conn.frames.slice(1).map((f) => f.json as Json);
      after.forEach((m, i) => {
        assert.equal(m.streamSid, sid, `${String(m.event)} #${i} streamSid`);
        assert.equal(m.sequenceNumber, String(i + 1), `${String(m.event)} #${i} sequenceNumber`);
      });
      const stop = after.at(-1) as Json;
      assert.deepEqual(stop.stop, { accountSid: `AC${'0'.repeat(32)}`, callSid: `CA${callId.replace(/-/g, '')}` });
      assert.equal(conn.closeCode, 1000);

      const media = conn.events('media');
      assert.ok(media.length >= 60, `only ${media.length} media frames in 1.5 s`);
      media.forEach((f, i) => {
        const m = (f.json as Json).media as Json;
        assert.equal(m.track, 'inbound');
        assert.equal(m.chunk, String(i + 1));
        assert.equal(typeof m.timestamp, 'string');
        assert.match(m.timestamp as string, /^\d+$/);
        assert.equal(Buffer.from(m.payload as string, 'base64').length, 160, 'payload: 20 ms of μ-law');
      });
      const stamps = media.map((f) => Number(((f.json as Json).media as Json).timestamp));
      for (let i = 1; i < stamps.length; i++) assert.ok((stamps[i] as number) >= (stamps[i - 1] as number), 'timestamps never go back');
      // One frame per 20 ms, on both the timestamps and the arrival clock.
      const expected = (media.length - 1) * 20;
      const stampSpan = (stamps.at(-1) as number) - (stamps[0] as number);
      const arrivalSpan = (media.at(-1)?.at as number) - (media[0]?.at as number);
      assert.ok(Math.abs(stampSpan - expected) < 60, `timestamps span ${stampSpan} ms for ${media.length} frames`);
      assert.ok(Math.abs(arrivalSpan - expected) < 60, `arrivals span ${arrivalSpan} ms for ${media.length} frames`);

      const toAgent = dominantTone(conn.receivedPcm(), 8000, [500, 1000, 2000], 0.5);
      assert.equal(toAgent.freq, 1000, 'the agent hears the caller\'s 1 kHz');
      assert.ok(toAgent.share > 0.9, `share ${toAgent.share}`);
      const heard = dominantTone(call.receivedPcm(), 8000, [500, 1000, 2000], 0.5);
      assert.equal(heard.freq, 1000, 'the phone hears the agent\'s echo');
      assert.ok(heard.share > 0.9, `share ${heard.share}`);
      assert.ok(call.loudPackets().length >= 50, `only ${call.loudPackets().length} loud packets came back`);
    });

    it('carries the same audio through SIP/TLS + SRTP with baresip as the caller (mediaenc=srtp-mand)', { skip: hasBaresip() ? false : 'baresip is not installed' }, async () => {
      const wav = join(sw.dir, 'tone-1000.wav');
      writeToneWav(wav, 1000, 5);
      const index = agents.srtp.connections.length;
      const r = await runBaresip({ target: `sip:200@127.0.0.1:${SIP + 1};transport=tls`, sipPort: BARESIP_SIP, sourceWav: wav, seconds: 4, mediaenc: 'srtp-mand' });
      assert.ok(r.established, r.output.slice(-2000));
      assert.match(r.output, /srtp|SRTP/);
      const conn = await agents.srtp.connection(index);
      await within(conn.closed, 'the agent socket to close after baresip\'s BYE');
      const toAgent = dominantTone(conn.receivedPcm(), 8000, [500, 700, 1000, 2000], 0.5);
      assert.equal(toAgent.freq, 1000, 'the agent hears baresip\'s 1 kHz (decrypted)');
      assert.ok(toAgent.share > 0.9);
      const heard = r.recordings.find((f) => f.includes('-dec'));
      assert.ok(heard, `baresip recorded nothing: ${r.output.slice(-2000)}`);
      const { rate, samples } = readWav(heard);
      assert.ok(samples.length / rate > 1.5, `baresip heard only ${samples.length / rate} s`);
      const back = dominantTone(samples, rate, [500, 700, 1000, 2000], 1);
      assert.equal(back.freq, 1000, 'baresip hears the agent\'s echo (encrypted by Switchboard)');
      assert.ok(back.share > 0.9, `share ${back.share}`);
    });
  });

  describe('l16 dialect at 16 kHz', () => {
    it('starts with a JSON frame (sampleRate 16000), then 640-byte LE frames every 20 ms; a 1700 Hz tone at 16 kHz reaches the PCMU phone at 1700 Hz', async () => {
      const { call, conn } = await callAgent('l16', agents.l16, toneSamples(1000, 1000));
      conn.play(toneSamples(1700, 1500, 16000));
      await sleep(1600);
      await call.hangup();
      await within(conn.closed, 'the agent socket to close');

      const first = conn.frames[0];
      assert.ok(first?.json, 'the first frame is JSON text');
      const callId = answeredIds.at(-1) as string;
      assert.deepEqual(first.json, {
        event: 'start', callId, sipCallId: first.json.sipCallId, from: 'alice', to: 'l16', trunk: 'pbx', route: 'l16',
        sampleRate: 16000, encoding: 'pcm_s16le', channels: 1, customParameters: {},
      });
      assert.equal(typeof first.json.sipCallId, 'string');
      const binary = conn.frames.filter((f) => f.bytes);
      const texts = conn.frames.filter((f) => !f.bytes).map((f) => String(f.json?.event));
      assert.deepEqual(texts, ['start', 'stop'], 'only start and stop as text');
      assert.ok(binary.length >= 60, `only ${binary.length} audio frames`);
      for (const f of binary) assert.equal(f.bytes?.length, 640, '20 ms at 16 kHz, 16-bit');
      const span = (binary.at(-1)?.at as number) - (binary[0]?.at as number);
      assert.ok(Math.abs(span - (binary.length - 1) * 20) < 60, `${binary.length} frames over ${span} ms`);

      const toAgent = dominantTone(conn.receivedPcm(), 16000, [500, 1000, 2000], 0.5);
      assert.equal(toAgent.freq, 1000, 'the caller\'s 1 kHz arrives as 1 kHz at 16 kHz');
      assert.ok(toAgent.share > 0.9);
      const loud = call.loudPackets();
      assert.ok(loud.length >= 70, `only ${loud.length} tone packets`);
      const pcm = call.receivedPcm(loud[0]?.at, (loud.at(-1)?.at as number) + 1);
      const heard = dominantTone(pcm, 8000, [850, 1000, 1700, 3400], 0.1);
      assert.equal(heard.freq, 1700);
      assert.ok(heard.share > 0.9, `share ${heard.share}`);
    });
  });

  describe('DTMF to the agent', () => {
    for (const dialect of ['twilio', 'l16'] as const) {
      it(`${dialect}: RFC 4733 digits and a SIP INFO digit arrive once each, in order`, async () => {
        const agent = dialect === 'twilio' ? agents.twilio : agents.l16;
        const { call, conn } = await callAgent(dialect, agent);
        await sleep(200);
        await call.sendDigits('1#', 100);
        assert.equal(await call.sendInfo('7', 160), 200);
        await sleep(400);
        await call.hangup();
        assert.deepEqual(conn.digits(), ['1', '#', '7']);
        const dtmf = conn.events('dtmf').map((f) => f.json as Json);
        if (dialect === 'twilio') {
          for (const [i, digit] of ['1', '#', '7'].entries()) {
            const m = dtmf[i] as Json;
            assert.deepEqual(m, { event: 'dtmf', streamSid: conn.streamSid, sequenceNumber: m.sequenceNumber, dtmf: { track: 'inbound_track', digit } });
          }
        } else {
          assert.deepEqual(dtmf, [
            { event: 'dtmf', dtmf: { digit: '1', durationMs: 100 } },
            { event: 'dtmf', dtmf: { digit: '#', durationMs: 100 } },
            { event: 'dtmf', dtmf: { digit: '7', durationMs: 160 } },
          ]);
        }
      });
    }
  });

  describe('marks and clear', () => {
    for (const dialect of ['twilio', 'l16'] as const) {
      const agentOf = (): TestAgent => (dialect === 'twilio' ? agents.twilio : agents.l16);

      it(`${dialect}: a mark after 1.0 s of audio is echoed when that audio has left as RTP, not when it arrived`, async () => {
        const { call, conn } = await callAgent(dialect, agentOf());
        await sleep(300);
        const rate = conn.sampleRate;
        const { sentAt, markSentAt } = conn.play(toneSamples(1000, 1000, rate), { chunks: 'whole', mark: 'm1' });
        const echo = await conn.waitFor((f) => f.json?.event === 'mark', 'the mark echo', 3000);
        await sleep(100);
        await call.hangup();
        // Full tone frames (RMS of the 8000-amplitude sine is 5657). At 16 kHz the resampler's 2 ms group delay
        // carries the last 2 ms of the tone into the packet after the last full one (a quiet tail, RMS ~1800).
        const full = call.loudPackets(4000, sentAt);
        assert.equal(full.length, 50, `${full.length} full tone packets for 1.0 s`);
        const lastTone = full.at(-1)?.at as number;
        const tail = call.loudPackets(500, sentAt).filter((p) => p.at > lastTone);
        assert.ok(tail.length <= (dialect === 'l16' ? 1 : 0), `${tail.length} packets of tone tail after the last full frame`);
        const afterSend = echo.at - (markSentAt as number);
        const afterLastTone = echo.at - lastTone;
        assert.ok(afterSend >= 950, `mark echoed ${afterSend.toFixed(1)} ms after it was sent`);
        assert.ok(afterLastTone >= -10 && afterLastTone <= 100, `mark echoed ${afterLastTone.toFixed(1)} ms after the last tone packet arrived`);
        assert.deepEqual(conn.marks().map((m) => [m.name, m.status]), [['m1', dialect === 'l16' ? 'played' : undefined]]);
        console.log(`# ${dialect} mark: echoed ${afterSend.toFixed(1)} ms after sent, ${afterLastTone.toFixed(1)} ms after the last tone packet`);
      });

      it(`${dialect}: clear stops the tone within one frame (+${CLEAR_SLACK_MS} ms loopback) and echoes the pending mark as cleared`, async () => {
        const { call, conn } = await callAgent(dialect, agentOf());
        await sleep(300);
        const rate = conn.sampleRate;
        const { sentAt } = conn.play(toneSamples(1000, 3000, rate), { mark: 'end' });
        await sleep(1000);
        const clearAt = conn.clear();
        const echo = await conn.waitFor((f) => f.json?.event === 'mark', 'the cleared mark', 1000);
        await sleep(300);
        await call.hangup();
        // Tone packets: mostly tone (full-frame RMS 5657). At 16 kHz the resampler's 2 ms of history leaves in
        // the first packet after the cut as a quiet tail (RMS ~1800), allowed once and only right after the cut.
        const full = call.loudPackets(4000, sentAt);
        const lastTone = full.at(-1)?.at as number;
        const cut = lastTone - clearAt;
        assert.ok(full.filter((p) => p.at < clearAt).length >= 45, 'about a second of tone played before the clear');
        assert.ok(cut <= 20 + CLEAR_SLACK_MS, `last tone packet arrived ${cut.toFixed(1)} ms after clear was sent`);
        const tail = call.loudPackets(500, lastTone + 1);
        assert.ok(tail.length <= (dialect === 'l16' ? 1 : 0), `${tail.length} packets with tone after the last tone packet`);
        for (const p of tail) assert.ok(p.at - lastTone <= 20 + CLEAR_SLACK_MS, 'the resampler tail is the next packet');
        const after = call.rx.filter((p) => p.at > clearAt + 40);
        assert.ok(after.length >= 10, 'the stream goes on (silence) after the clear');
        assert.ok(echo.at - clearAt < 100, `cleared mark echoed ${(echo.at - clearAt).toFixed(1)} ms after clear`);
        assert.deepEqual(conn.marks().map((m) => [m.name, m.status]), [['end', dialect === 'l16' ? 'cleared' : undefined]]);
        console.log(`# ${dialect} clear: last tone packet ${cut.toFixed(1)} ms after clear${tail[0] ? `, 2 ms resampler tail ${(tail[0].at - clearAt).toFixed(1)} ms` : ''}; mark echoed after ${(echo.at - clearAt).toFixed(1)} ms`);
      });
    }
  });
});
