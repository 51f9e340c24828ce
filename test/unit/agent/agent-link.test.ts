/** The agent link on its own: dialect framing, early audio, marks/clear, and the slow-agent bound. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { AgentLink, type AgentAudioSink } from '../../../src/agent/agent-link.js';
import { TwilioDialect } from '../../../src/agent/protocol/twilio.js';
import { L16Dialect } from '../../../src/agent/protocol/l16.js';

const meta = { callId: '11111111-2222-3333-4444-555555555555', sipCallId: 'x', from: '100', to: '200', trunk: 'pbx', route: 'r' };
const spec = (url: string, protocol: 'twilio' | 'l16' = 'twilio') => ({ url, protocol, sampleRate: 8000 as const, headers: {}, parameters: { language: 'ro' } });

async function server(): Promise<{ url: string; wss: WebSocketServer; next: Promise<WebSocket> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const next = new Promise<WebSocket>((r) => wss.once('connection', (ws) => r(ws)));
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, wss, next };
}

describe('twilio dialect', () => {
  it('frames caller audio as base64 μ-law media with string counters and the streamSid', () => {
    const d = new TwilioDialect(meta);
    const m = JSON.parse(d.audio(new Int16Array(160)) as string) as { event: string; sequenceNumber: unknown; media: { chunk: unknown; timestamp: unknown; payload: string }; streamSid: string };
    assert.equal(m.event, 'media');
    assert.equal(typeof m.sequenceNumber, 'string');
    assert.equal(typeof m.media.chunk, 'string');
    assert.equal(typeof m.media.timestamp, 'string');
    assert.equal(Buffer.from(m.media.payload, 'base64').length, 160);
    assert.match(m.streamSid, /^MZ[0-9a-f]{32}$/);
  });

  it('parses media, mark, clear and Switchboard events; ignores unknown ones', () => {
    const d = new TwilioDialect(meta);
    const media = d.parse(Buffer.from(JSON.stringify({ event: 'media', media: { payload: Buffer.alloc(160, 0xff).toString('base64') } })), false);
    assert.equal(media.kind === 'audio' ? media.pcm.length : 0, 160);
    assert.deepEqual(d.parse(Buffer.from('{"event":"mark","mark":{"name":"m"}}'), false), { kind: 'mark', name: 'm' });
    assert.deepEqual(d.parse(Buffer.from('{"event":"clear"}'), false), { kind: 'clear' });
    assert.equal(d.parse(Buffer.from('{"event":"hangup"}'), false).kind, 'control');
    assert.equal(d.parse(Buffer.from('{"event":"whatever"}'), false).kind, 'ignored');
    assert.equal(d.parse(Buffer.from('not json'), false).kind, 'invalid');
  });
});

describe('l16 dialect', () => {
  it('echoes marks with their status', () => {
    const d = new L16Dialect();
    assert.deepEqual(JSON.parse(d.markPlayed('a') as string), { event: 'mark', name: 'a', status: 'played' });
    assert.deepEqual(JSON.parse(d.markCleared('b') as string), { event: 'mark', name: 'b', status: 'cleared' });
    assert.equal(d.parse(Buffer.alloc(3), true).kind, 'invalid');
  });
});

describe('AgentLink', () => {
  it('keeps agent audio and marks sent before answer, then replays them into the session; clear echoes pending marks', async () => {
    const s = await server();
    let connected = false;
    const link = new AgentLink(spec(s.url), meta, { connectTimeoutMs: 1000, maxBufferedBytes: 1 << 20 }, {
      connected: () => { connected = true; }, failed: () => undefined, closed: () => undefined, control: () => undefined,
    });
    link.connect();
    const ws = await s.next;
    const toAgent: string[] = [];
    ws.on('message', (d) => toAgent.push(String(d)));
    ws.send(JSON.stringify({ event: 'media', media: { payload: Buffer.alloc(160, 0xff).toString('base64') } }));
    ws.send(JSON.stringify({ event: 'mark', mark: { name: 'greeting' } }));
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(connected);
    const played: number[] = [];
    const marks: string[] = [];
    const sink: AgentAudioSink = { play: (p) => played.push(p.length), mark: (n) => marks.push(n), clear: () => marks.splice(0) };
    link.attach(sink);
    assert.deepEqual(played, [160]);
    assert.deepEqual(marks, ['greeting']);
    ws.send('{"event":"clear"}');
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(toAgent.some((m) => m.includes('"mark"') && m.includes('greeting')), 'the pending mark is echoed after clear');
    link.close();
    for (const c of s.wss.clients) c.terminate();
    s.wss.close();
  });

  it('never queues more than maxBufferedBytes toward a slow agent: audio is dropped and counted', async () => {
    const s = await server();
    const link = new AgentLink(spec(s.url), meta, { connectTimeoutMs: 1000, maxBufferedBytes: 4096 }, {
      connected: () => undefined, failed: () => undefined, closed: () => undefined, control: () => undefined,
    });
    link.connect();
    const agent = await s.next;
    agent.pause(); // the agent stops reading: the kernel buffers fill, then ws queues, then the link must drop
    await new Promise((r) => setTimeout(r, 50));
    const frames = 30_000; // 10 minutes of audio, ~13 MB of JSON
    for (let i = 0; i < frames; i++) {
      link.sendAudio(new Int16Array(160));
      if (i % 1000 === 999) await new Promise((r) => setImmediate(r)); // let the socket report its backlog
    }
    assert.ok(link.stats.framesDroppedSlowAgent > 0, 'frames must be dropped, not queued');
    assert.equal(link.stats.framesToAgent + link.stats.framesDroppedSlowAgent, frames);
    link.close();
    for (const c of s.wss.clients) c.terminate();
    s.wss.close();
  });

  it('reports a failed connect when nothing listens, within the timeout', async () => {
    const started = Date.now();
    const reason = await new Promise<string>((resolve) => {
      new AgentLink(spec('ws://127.0.0.1:1/'), meta, { connectTimeoutMs: 500, maxBufferedBytes: 4096 }, {
        connected: () => resolve('connected?!'), failed: (r) => resolve(r), closed: () => undefined, control: () => undefined,
      }).connect();
    });
    assert.notEqual(reason, 'connected?!');
    assert.ok(Date.now() - started < 600);
  });
});
