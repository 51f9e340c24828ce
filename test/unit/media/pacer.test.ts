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
    assert.deepEqual(p.next(), { frame: undefined, played: ['now'], arrivedAt: Number.NaN });
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

describe('Pacer arrival times', () => {
  it('reports when the last sample of each frame arrived, across chunks of any size', () => {
    const p = new Pacer({ frameSamples: 160, maxQueueFrames: 100 });
    p.enqueue(new Int16Array(100), 1);
    p.enqueue(new Int16Array(100), 2); // the first frame ends inside this chunk
    p.enqueue(new Int16Array(280), 3); // ends exactly at the third frame's end
    p.enqueue(new Int16Array(160)); // untracked
    assert.deepEqual([p.next().arrivedAt, p.next().arrivedAt, p.next().arrivedAt], [2, 3, 3]);
    assert.ok(Number.isNaN(p.next().arrivedAt));
    assert.ok(Number.isNaN(p.next().arrivedAt), 'no frame');
  });

  it('keeps arrivals right across many chunks (growing and compacting its records)', () => {
    const p = new Pacer({ frameSamples: 160, maxQueueFrames: 100 });
    for (let i = 0; i < 20; i++) p.enqueue(new Int16Array(80), i); // more chunks than the records start with
    const got = Array.from({ length: 5 }, () => p.next().arrivedAt);
    for (let i = 20; i < 35; i++) p.enqueue(new Int16Array(80), i); // room made by moving live records forward
    for (let k = 0; k < 12; k++) got.push(p.next().arrivedAt);
    assert.deepEqual(got, Array.from({ length: 17 }, (_, k) => 2 * k + 1));
  });

  it('forgets arrivals of flushed and overflowed audio', () => {
    const p = new Pacer({ frameSamples: 160, maxQueueFrames: 2 });
    p.enqueue(new Int16Array(160), 1);
    p.flush();
    p.enqueue(new Int16Array(160), 5);
    assert.equal(p.next().arrivedAt, 5);
    p.enqueue(new Int16Array(160 * 3), 7); // one frame over the bound: the oldest goes
    p.enqueue(new Int16Array(160), 9);
    assert.deepEqual([p.next().arrivedAt, p.next().arrivedAt], [7, 9]);
  });
});

describe('SendPath catch-up after a frame-clock stall', () => {
  async function setup() {
    const { SendPath } = await import('../../../src/media/send-path.js');
    const { createCodec } = await import('../../../src/media/codec/codec.js');
    const { createSocket } = await import('node:dgram');
    const rx = createSocket('udp4');
    await new Promise<void>((r) => rx.bind(0, '127.0.0.1', () => r()));
    const tx = createSocket('udp4');
    const got: Buffer[] = [];
    rx.on('message', (m) => got.push(m));
    const s = new SendPath({ codec: createCodec('PCMU'), payloadType: 0, ptimeMs: 20, clockRate: 8000, pcmRate: 8000, keepalive: 'none', maxQueueMs: 10_000 });
    const to = { address: '127.0.0.1', port: rx.address().port };
    const close = () => { rx.close(); tx.close(); };
    return { s, tx, to, got, close };
  }
  const settle = () => new Promise((r) => setTimeout(r, 50));

  it('sends a short stall\'s late frames at once, with consecutive sequence numbers and timestamps (nothing lost)', async () => {
    const { s, tx, to, got, close } = await setup();
    s.pacer.enqueue(new Int16Array(160 * 3));
    s.pacer.mark('after-3');
    const played = s.catchUp(3, tx, to, true, 0);
    await settle();
    close();
    assert.deepEqual(played, ['after-3']);
    assert.equal(s.framesDroppedCatchingUp, 0);
    assert.equal(got.length, 3);
    const seqs = got.map((p) => p.readUInt16BE(2));
    const tss = got.map((p) => p.readUInt32BE(4));
    assert.deepEqual(seqs.map((q) => (q - (seqs[0] as number)) & 0xffff), [0, 1, 2]);
    assert.deepEqual(tss.map((t) => t - (tss[0] as number)), [0, 160, 320]);
  });

  it('after a long stall, drops the oldest late frames beyond the burst (their marks count as played) and moves the clock on', async () => {
    const { s, tx, to, got, close } = await setup();
    s.pacer.enqueue(new Int16Array(160 * 10));
    s.pacer.mark('after-10');
    s.pacer.enqueue(new Int16Array(160 * 2));
    const played = s.catchUp(10, tx, to, true, 0);
    await settle();
    close();
    assert.deepEqual(played, ['after-10']);
    assert.equal(s.framesDroppedCatchingUp, 5);
    assert.equal(got.length, 5);
    assert.equal(s.pacer.queuedSamples, 320);
  });
});
