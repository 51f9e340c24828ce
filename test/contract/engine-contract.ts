/**
 * The engine contract: what the call logic needs from any engine, written once and run against each
 * (test/e2e/contract-embedded.test.ts always; contract-drachtio.test.ts when drachtio-server and FreeSWITCH run).
 * Real peers: our RTP phone (PCMU, RFC 4733) as the caller, a WebSocket test agent, SIPp as the PBX (REFER) and
 * as the operator's phone (echoing RTP), a real HTTP upstream.
 *
 * Cases: audio both ways (tones, FFT); DTMF; marks and clear; an integration timeout sends the call to the
 * operator (bridged, audio through it); the agent's transfer by REFER; the agent's transfer bridged.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Switchboard } from '../../src/switchboard.js';
import { hasSipp, runSipp } from '../support/sipp.js';
import { startTestAgent, type AgentConnection, type TestAgent } from '../support/test-agent.js';
import { RtpPhone, type PhoneCall } from '../support/rtp-phone.js';
import { dominantTone, toneSamples } from '../support/audio.js';
import { freePortPair } from '../support/free-port.js';
import { startUpstream, type TestUpstream } from '../unit/integrations/upstream-server.js';
import type { CallEvent } from '../../src/call/call-service.js';

export interface ContractTarget {
  sb: Switchboard;
  /** Where the PBX sends calls (Switchboard's SIP port, or drachtio-server's). */
  sipHost: string;
  sipPort: number;
  stop(): Promise<void>;
}

/** Starts the engine under test with this dialplan file. */
export type StartEngine = (dialplan: string) => Promise<ContractTarget>;

const FREQS = [425, 600, 700, 1000, 1400];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The first event from index `from` on (already published or still to come) for which `pred` holds. */
function waitForEvent(events: CallEvent[], from: number, pred: (e: CallEvent) => boolean, what: string, ms = 10000): Promise<CallEvent> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const poll = (): void => {
      const e = events.slice(from).find(pred);
      if (e) return resolve(e);
      if (Date.now() - t0 > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(poll, 20);
    };
    poll();
  });
}

export function engineContract(engine: string, start: StartEngine, skip: string | false): void {
  const why = skip || (!hasSipp() ? 'SIPp (sip-tester) is not installed' : false);
  describe(`engine contract: ${engine}`, { skip: why }, () => {
    let t: ContractTarget;
    let agent: TestAgent;
    let upstream: TestUpstream;
    let phone: RtpPhone;
    let operatorPort: number;
    const events: CallEvent[] = [];

    before(async () => {
      operatorPort = await freePortPair();
      upstream = await startUpstream(async (_req, res) => {
        await sleep(2000);
        res.end('{}');
      });
      agent = await startTestAgent({ dialect: 'twilio' });
      const op = `sip:200@127.0.0.1:${operatorPort}`;
      const a = `    agent: { url: "${agent.url}", protocol: twilio }`;
      t = await start(`integrations:
  - name: slow
    request: { url: "${upstream.origin}/slow/{{params.id}}" }
    params: { id: {} }
    budgetMs: 300
    onFailure: transfer
routes:
  - name: plain
    match: { to: "^700$" }
${a}
  - name: bridge
    match: { to: "^701$" }
${a}
    integrations: [slow]
    operator: { uri: "${op}", method: bridge, ringTimeoutMs: 8000, headers: { X-Queue: support } }
  - name: refer
    match: { to: "^702$" }
${a}
    operator: { uri: "${op}", method: refer, fallback: none, referTimeoutMs: 5000 }
`);
      t.sb.calls.onEvent((e) => events.push(e));
      phone = await RtpPhone.start();
    });
    after(async () => {
      await phone?.stop();
      await t?.stop();
      await agent?.close();
      await upstream?.close();
    });

    async function dial(to: string, tone: number): Promise<{ call: PhoneCall; conn: AgentConnection }> {
      const index = agent.connections.length;
      const call = await phone.dial({ sipPort: t.sipPort, to, from: '37369000001', signal: toneSamples(tone, 1000), loop: true });
      const conn = await agent.started(index, 5000);
      await call.answered(5000);
      return { call, conn };
    }

    it('carries audio both ways: the caller\'s tone reaches the agent, the agent\'s reaches the caller', async () => {
      const { call, conn } = await dial('700', 1000);
      conn.play(toneSamples(700, 2000));
      await sleep(2200);
      const heard = dominantTone(call.receivedPcm(), 8000, FREQS, 0.3);
      const got = dominantTone(conn.receivedPcm(), 8000, FREQS, 0.5);
      await call.hangup();
      assert.equal(heard.freq, 700, `caller heard ${JSON.stringify(heard)}`);
      assert.equal(got.freq, 1000, `agent got ${JSON.stringify(got)}`);
      await conn.waitForEvent('stop', 3000);
    });

    it('delivers an RFC 4733 key press to the agent as one dtmf event', async () => {
      const { call, conn } = await dial('700', 1000);
      await sleep(300);
      await call.sendDigits('5', 160);
      const ev = await conn.waitForEvent('dtmf', 3000);
      assert.equal((ev.json?.dtmf as { digit: string }).digit, '5');
      await sleep(300);
      assert.equal(conn.digits().length, 1, `digits: ${conn.digits().join(',')}`);
      await call.hangup();
    });

    it('echoes a mark once its audio has played, and clear stops the audio and returns pending marks', async () => {
      const { call, conn } = await dial('700', 1000);
      const sent = conn.play(toneSamples(700, 600), { mark: 'short' });
      const played = await conn.waitFor((f) => f.json?.event === 'mark', 'mark "short"', 3000);
      const lag = played.at - sent.sentAt;
      assert.ok(lag >= 500, `mark echoed ${Math.round(lag)} ms after 600 ms of audio was sent: before it played`);
      conn.play(toneSamples(1400, 5000), { mark: 'long' });
      await sleep(800);
      const clearedAt = conn.clear();
      const back = await conn.waitFor((f) => f.json?.event === 'mark' && (f.json.mark as { name?: string } | undefined)?.name === 'long', 'mark "long" after clear', 2000);
      assert.ok(back.at - clearedAt < 1000, 'pending marks come back at clear');
      await sleep(600);
      const after = call.receivedPcm(clearedAt + 300, performance.now());
      const tone = dominantTone(after, 8000, FREQS, 0);
      assert.ok(tone.freq !== 1400 || tone.share < 0.3, `the cleared audio kept playing: ${JSON.stringify(tone)}`);
      await call.hangup();
    });

    it('an integration timeout sends the call to the operator: bridged, audio through it', async () => {
      const mediaPort = await freePortPair();
      const operator = runSipp({ scenario: 'uas-operator.xml', target: `${t.sipHost}:${t.sipPort}`, localPort: operatorPort, calls: 1, timeoutMs: 30000, extra: ['-rtp_echo', '-mp', String(mediaPort)] });
      await sleep(300);
      const { call, conn } = await dial('701', 1000);
      const before = events.length;
      conn.sendJson({ event: 'integration', integration: { id: 'i1', name: 'slow', params: { id: '1' } } });
      const r = await conn.waitForEvent('integrationResult', 3000);
      assert.equal((r.json?.integrationResult as { status: string }).status, 'timeout');
      await conn.waitForEvent('transferring', 3000);
      await waitForEvent(events, before, (e) => e.type === 'transfer' && e.event.type === 'transfer.answered', 'the operator answering', 15000);
      const bridgedAt = performance.now();
      await sleep(2500);
      const heard = dominantTone(call.receivedPcm(bridgedAt + 500, performance.now()), 8000, FREQS, 0);
      await call.hangup();
      assert.equal(heard.freq, 1000, `after the bridge the caller should hear their own tone echoed by the operator: ${JSON.stringify(heard)}`);
      const res = await operator;
      assert.equal(res.code, 0, res.output);
    });

    it('the agent\'s transfer with method refer: REFER, NOTIFY sipfrag 200, BYE', async () => {
      const index = agent.connections.length;
      const before = events.length;
      const pbx = runSipp({ scenario: 'uac-refer.xml', target: `${t.sipHost}:${t.sipPort}`, service: '702', calls: 1, timeoutMs: 20000 });
      const conn = await agent.started(index, 5000);
      await sleep(300);
      conn.sendJson({ event: 'transfer', transfer: { reason: 'caller asked for a human' } });
      const res = await pbx;
      assert.equal(res.code, 0, res.output);
      await waitForEvent(events, before, (e) => e.type === 'ended' && e.cause === 'transferred', 'the call ending as transferred', 5000);
    });

    it('the agent\'s transfer bridged: the operator (SIPp) answers and the caller hears through it', async () => {
      const mediaPort = await freePortPair();
      const operator = runSipp({ scenario: 'uas-operator.xml', target: `${t.sipHost}:${t.sipPort}`, localPort: operatorPort, calls: 1, timeoutMs: 30000, extra: ['-rtp_echo', '-mp', String(mediaPort)] });
      await sleep(300);
      const { call, conn } = await dial('701', 1400);
      const before = events.length;
      conn.sendJson({ event: 'transfer', transfer: { reason: 'wants a human' } });
      await conn.waitForEvent('stop', 15000);
      const bridgedAt = performance.now();
      await sleep(2000);
      const heard = dominantTone(call.receivedPcm(bridgedAt + 500, performance.now()), 8000, FREQS, 0);
      await call.hangup();
      assert.equal(heard.freq, 1400, `bridged audio: ${JSON.stringify(heard)}`);
      assert.ok(events.slice(before).some((e) => e.type === 'transfer' && e.event.type === 'transfer.started' && e.event.reason.trigger === 'agent-request'));
      const res = await operator;
      assert.equal(res.code, 0, res.output);
    });
  });
}
