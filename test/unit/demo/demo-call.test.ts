import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { DemoCall } from '../../../src/demo/demo-call.js';
import { digitPayloads, greetingPayloads, silencePayload } from '../../../src/demo/tones.js';
import { createLogger, silentLogger } from '../../../src/observability/logger.js';
import type { Logger } from '../../../src/observability/logger.js';

type Sent = Record<string, unknown> & { event: string; streamSid: string };

function harness(o: { echoDelayFrames?: number; cushionFrames?: number; markWaitFrames?: number; logger?: Logger } = {}) {
  const sent: Sent[] = [];
  const call = new DemoCall({ send: (text) => sent.push(JSON.parse(text) as Sent) }, {
    echoDelayFrames: o.echoDelayFrames ?? 5, cushionFrames: o.cushionFrames ?? 2, markWaitFrames: o.markWaitFrames ?? 50,
    logger: o.logger ?? silentLogger(),
  });
  const frame = (msg: unknown) => call.onFrame(Buffer.from(JSON.stringify(msg)), false);
  return {
    call, sent, frame,
    start: () => frame({ event: 'start', sequenceNumber: '1', streamSid: 'MZ1', start: { streamSid: 'MZ1', customParameters: { callId: 'call-1', from: '+37369000001', to: '100' } } }),
    media: (payload: string) => frame({ event: 'media', streamSid: 'MZ1', media: { track: 'inbound', payload } }),
    mark: (name: string) => frame({ event: 'mark', streamSid: 'MZ1', mark: { name } }),
    dtmf: (digit: string) => frame({ event: 'dtmf', streamSid: 'MZ1', dtmf: { track: 'inbound_track', digit } }),
    take: () => sent.splice(0),
  };
}

const payloadsOf = (msgs: Sent[]) => msgs.map((m) => (m.event === 'media' ? (m.media as { payload: string }).payload : `${m.event}:${(m.mark as { name?: string } | undefined)?.name ?? ''}`));

describe('DemoCall (the bot side of the Twilio dialect)', () => {
  it('answers start with the greeting frames and a mark "greeting", every message carrying the streamSid', () => {
    const h = harness();
    h.frame({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    assert.equal(h.sent.length, 0);
    h.start();
    const out = h.take();
    assert.deepEqual(payloadsOf(out), [...greetingPayloads(), 'mark:greeting']);
    assert.ok(out.every((m) => m.streamSid === 'MZ1'));
  });

  it('echoes nothing until the greeting mark is played, then each frame after the echo delay, cushion first', () => {
    const h = harness({ echoDelayFrames: 5, cushionFrames: 2 });
    h.start();
    h.take();
    h.media('before-1');
    h.media('before-2');
    assert.deepEqual(h.take(), [], 'caller audio during the greeting is not echoed');
    h.mark('greeting');
    for (const p of ['p1', 'p2', 'p3']) h.media(p);
    assert.deepEqual(h.take(), [], 'the delay line fills for 5 − 2 frames');
    h.media('p4');
    assert.deepEqual(payloadsOf(h.take()), [silencePayload(), silencePayload(), 'p1']);
    h.media('p5');
    h.media('p6');
    assert.deepEqual(payloadsOf(h.take()), ['p2', 'p3']);
  });

  it('barges in on dtmf: clear, the digit tone, a mark dtmf-<digit>; the stale greeting mark does not resume the echo', () => {
    const h = harness();
    h.start();
    h.take();
    h.dtmf('5');
    assert.deepEqual(payloadsOf(h.take()), ['clear:', ...(digitPayloads('5') ?? []), 'mark:dtmf-5']);
    h.mark('greeting'); // echoed back by the bridge as cleared
    for (const p of ['a', 'b', 'c', 'd', 'e', 'f']) h.media(p);
    assert.deepEqual(h.take(), []);
    h.mark('dtmf-5');
    for (const p of ['q1', 'q2', 'q3', 'q4']) h.media(p);
    assert.deepEqual(payloadsOf(h.take()), [silencePayload(), silencePayload(), 'q1']);
    h.dtmf('#');
    assert.deepEqual(payloadsOf(h.take()), ['clear:', ...(digitPayloads('#') ?? []), 'mark:dtmf-#']);
  });

  it('echoes anyway when the mark never comes back within the tone length plus markWaitFrames', () => {
    const h = harness({ echoDelayFrames: 0, markWaitFrames: 2 });
    h.start();
    h.take();
    for (let i = 0; i < greetingPayloads().length + 2; i++) h.media(`w${i}`);
    assert.deepEqual(h.take(), []);
    h.media('now');
    assert.deepEqual(payloadsOf(h.take()), ['now']);
  });

  it('ignores odd input without throwing and without sending anything', () => {
    const h = harness();
    const odd: Array<[Buffer, boolean]> = [
      [Buffer.from([0, 1, 2, 255]), true], [Buffer.from('not json'), false], [Buffer.from('[1,2]'), false],
      [Buffer.from('null'), false], [Buffer.from('{"event":5}'), false], [Buffer.from('{"event":"media"}'), false],
      [Buffer.from('{"event":"dtmf","dtmf":{"digit":"5"}}'), false], // before start
      [Buffer.from('{"event":"mark","mark":null}'), false], [Buffer.from('{"event":"surprise"}'), false],
    ];
    for (const [data, binary] of odd) h.call.onFrame(data, binary);
    assert.equal(h.sent.length, 0);
    h.frame({ event: 'start', start: 'not an object' });
    assert.equal(h.take().at(-1)?.event, 'mark', 'a start without details still greets');
    h.frame({ event: 'media', media: { payload: 42 } });
    h.frame({ event: 'dtmf', dtmf: { digit: 'Z' } });
    h.frame({ event: 'dtmf', dtmf: {} });
    h.frame({ event: 'start', streamSid: 'MZ2' }); // a second start is ignored
    h.frame({ event: 'stop' });
    h.dtmf('1');
    h.call.onClose();
    assert.deepEqual(h.sent, []);
  });

  it('logs at info with the call id from customParameters and never the caller or callee number', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
    const h = harness({ logger: createLogger({ level: 'info', redact: true }, sink) });
    h.start();
    h.mark('greeting');
    h.dtmf('7');
    h.frame({ event: 'stop' });
    const logged = lines.map((l) => JSON.parse(l) as { level: number; callId?: string; msg: string });
    assert.deepEqual(logged.map((l) => [l.level, l.callId]), [[30, 'call-1'], [30, 'call-1'], [30, 'call-1'], [30, 'call-1']]);
    assert.ok(!lines.join('').includes('37369000001'));
  });
});
