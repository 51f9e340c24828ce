import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Pacer } from '../../../src/media/pacer.js';

const ramp = (n: number, from = 1): Int16Array => Int16Array.from({ length: n }, (_, i) => from + i);

describe('Pacer', () => {
  it('re-chunks audio of any size into exact frames, in order', () => {
    const p = new Pacer({ frameSamples: 160, maxQueueFrames: 100 });
    p.enqueue(ramp(100));
    p.enqueue(ramp(300, 101));
    const f1 = p.next().frame;
    assert.deepEqual(Array.from(f1 ?? []), Array.from(ramp(160)));
    const f2 = p.next().frame;
    assert.deepEqual(Array.from(f2 ?? []), Array.from(ramp(160, 161)));
    const f3 = p.next().frame;
    assert.equal(f3?.[79], 400);
    assert.equal(f3?.[80], 0, 'a trailing partial frame is padded with silence');
    assert.equal(p.next().frame, undefined);
  });

  it('reports a mark as played only when the frame holding the audio before it has been handed out', () => {
    const p = new Pacer({ frameSamples: 160, maxQueueFrames: 100 });
    p.enqueue(ramp(320));
    p.mark('m1');
    p.enqueue(ramp(160));
    p.mark('m2');
    assert.deepEqual(p.next().played, []);
    assert.deepEqual(p.next().played, ['m1']);
    assert.deepEqual(p.next().played, ['m2']);
  });

  it('plays a mark sent with nothing queued on the next tick', () => {
    const p = new Pacer({ frameSamples: 160, maxQueueFrames: 100 });
    p.mark('now');
    assert.deepEqual(p.next(), { frame: undefined, played: ['now'] });
  });

  it('flush drops every queued sample at once and returns the pending marks as cleared', () => {
    const p = new Pacer({ frameSamples: 160, maxQueueFrames: 100 });
    p.enqueue(ramp(1600));
    p.mark('a');
    p.enqueue(ramp(160));
    p.mark('b');
    p.next();
    assert.deepEqual(p.flush(), ['a', 'b']);
    assert.equal(p.queuedSamples, 0);
    assert.equal(p.next().frame, undefined);
  });

  it('bounds the queue: the oldest audio is dropped and counted', () => {
    const p = new Pacer({ frameSamples: 160, maxQueueFrames: 2 });
    p.enqueue(ramp(480));
    assert.equal(p.queuedSamples, 320);
    assert.equal(p.overflowSamples, 160);
    assert.equal(p.next().frame?.[0], 161);
  });

  it('grows its ring without reordering samples', () => {
    const p = new Pacer({ frameSamples: 4, maxQueueFrames: 1000 });
    p.enqueue(ramp(10));
    p.next();
    p.enqueue(ramp(100, 11));
    const out: number[] = [];
    for (let f = p.next().frame; f; f = p.next().frame) out.push(...f);
    assert.deepEqual(out.slice(0, 106), Array.from(ramp(106, 5)));
  });
});

describe('SendPath catch-up after a frame-clock stall', () => {
  it('advances the RTP clock and drops the missed frames of queued audio, reporting their marks as played', async () => {
    const { SendPath } = await import('../../../src/media/send-path.js');
    const { createCodec } = await import('../../../src/media/codec/codec.js');
    const s = new SendPath({ codec: createCodec('PCMU'), payloadType: 0, ptimeMs: 20, clockRate: 8000, pcmRate: 8000, keepalive: 'none', maxQueueMs: 10_000 });
    s.pacer.enqueue(new Int16Array(160 * 10));
    s.pacer.mark('after-10');
    s.pacer.enqueue(new Int16Array(160 * 2));
    const played = s.catchUp(10);
    assert.deepEqual(played, ['after-10']);
    assert.equal(s.framesDroppedCatchingUp, 10);
    assert.equal(s.pacer.queuedSamples, 320);
  });
});
