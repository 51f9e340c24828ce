import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import WebSocket from 'ws';
import { startDemoAgent } from '../../../src/demo/demo-agent.js';
import { greetingPayloads } from '../../../src/demo/tones.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { isSwitchboardError } from '../../../src/shared/errors.js';

interface Msg { event: string; streamSid?: string; media?: { payload: string }; mark?: { name: string } }

/** A Switchboard stand-in: one Twilio-dialect stream toward the demo agent. */
async function bridge(url: string, callId: string) {
  const ws = new WebSocket(url);
  const got: Msg[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (d: Buffer) => {
    got.push(JSON.parse(d.toString()) as Msg);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const send = (m: unknown) => ws.send(JSON.stringify(m));
  send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
  send({ event: 'start', streamSid: `MZ-${callId}`, start: { streamSid: `MZ-${callId}`, customParameters: { callId } } });
  const until = async (pred: () => boolean) => {
    while (!pred()) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return { ws, got, send, until, closed };
}

describe('demo agent server', () => {
  it('serves many calls at once, each greeted and echoed with its own audio only', async () => {
    const agent = await startDemoAgent({ host: '127.0.0.1', port: 0, echoDelayMs: 100, logger: silentLogger(), cushionFrames: 1 });
    try {
      const calls = await Promise.all(Array.from({ length: 20 }, (_, i) => bridge(agent.url, `c${i}`)));
      const greeting = greetingPayloads().length + 1;
      await Promise.all(calls.map((c) => c.until(() => c.got.length >= greeting)));
      assert.equal(agent.activeCalls, 20);
      calls.forEach((c, i) => {
        assert.ok(c.got.every((m) => m.streamSid === `MZ-c${i}`));
        assert.deepEqual(c.got.at(-1), { event: 'mark', mark: { name: 'greeting' }, streamSid: `MZ-c${i}` });
        c.got.length = 0;
        c.send({ event: 'mark', streamSid: `MZ-c${i}`, mark: { name: 'greeting' } });
        for (let f = 0; f < 8; f++) c.send({ event: 'media', streamSid: `MZ-c${i}`, media: { payload: Buffer.from(`c${i}f${f}`).toString('base64') } });
      });
      // 100 ms = 5 frames, one of them a cushion of silence: frames 0..3 come back after 8 pushes.
      await Promise.all(calls.map((c) => c.until(() => c.got.length >= 5)));
      calls.forEach((c, i) => {
        const heard = c.got.slice(1).map((m) => Buffer.from(m.media?.payload ?? '', 'base64').toString());
        assert.deepEqual(heard, [0, 1, 2, 3].map((f) => `c${i}f${f}`));
      });
      for (const c of calls) c.ws.close();
      await Promise.all(calls.map((c) => c.closed));
      for (let i = 0; i < 50 && agent.activeCalls > 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(agent.activeCalls, 0);
    } finally {
      await agent.stop();
    }
  });

  it('keeps serving when one socket sends junk or an oversized frame, and stop() closes the rest', async () => {
    const agent = await startDemoAgent({ host: '127.0.0.1', port: 0, echoDelayMs: 400, logger: silentLogger(), maxPayloadBytes: 1024 });
    const good = await bridge(agent.url, 'good');
    const bad = await bridge(agent.url, 'bad');
    bad.ws.send(Buffer.from([0xde, 0xad]));
    bad.ws.send('{"event":');
    bad.ws.send('x'.repeat(2048));
    assert.equal(await bad.closed, 1009, 'message too big closes only that socket');
    await good.until(() => good.got.length >= greetingPayloads().length + 1);
    assert.equal(agent.activeCalls, 1);
    await agent.stop();
    assert.equal(await good.closed, 1006);
    assert.equal(agent.activeCalls, 0);
    await agent.stop(); // twice is fine
  });

  it('fails to start with CONFIG_INVALID naming demo.agent when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await assert.rejects(startDemoAgent({ host: '127.0.0.1', port, echoDelayMs: 400, logger: silentLogger() }), (e: unknown) => {
        assert.ok(isSwitchboardError(e, 'CONFIG_INVALID'));
        assert.match(e.message, new RegExp(`^demo\\.agent: cannot listen on 127\\.0\\.0\\.1:${port} \\(.*EADDRINUSE`));
        return true;
      });
    } finally {
      blocker.close();
    }
  });
});
