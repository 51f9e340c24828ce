/**
 * A pushed application's standing backlog (MediaSession with PlayoutControl): audio streamed at real-time pace
 * behind a backlog (what a stall leaves) is dropped down to the cushion within a second; audio sent ahead of
 * time (synthesised speech) is never touched. Observed through playout-accurate marks on a fake clock, with a
 * real RTP socket pair.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { MediaHost } from '../../../src/media/plane/media-host.js';
import type { AppProvider, AppSink, SendSink } from '../../../src/media/apps/media-app.js';
import type { MediaOptions, MediaSpec, PlaneEvent } from '../../../src/media/plane/protocol.js';
import { FakeTimers } from '../../support/fake-timers.js';

const FRAME = 160;

async function session(portMin: number) {
  const timers = new FakeTimers();
  const marks: { name: string; at: number }[] = [];
  let sink: SendSink | undefined;
  const app: AppSink = {
    onFrame: () => undefined,
    pull: () => undefined,
    attach: (s) => { sink = s; },
    marksPlayed: (names) => { for (const name of names) marks.push({ name, at: timers.now() }); },
  };
  const apps: AppProvider = { create: () => app, command: () => undefined, release: () => undefined };
  const events: PlaneEvent[] = [];
  const host = new MediaHost({ host: '127.0.0.1', portMin, portMax: portMin + 9, timers, emit: (ev) => events.push(ev), apps });
  const peer = createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
  await host.handle({ op: 'allocate', id: 'c' });
  const media: MediaSpec = { remoteAddress: '127.0.0.1', remotePort: peer.address().port, rtcpPort: 0, rtcpMux: false, payloadType: 0, codec: 'PCMU', ptime: 20, direction: 'sendrecv' };
  const options: MediaOptions = { pcmRate: 8000, app: { kind: 'provided' }, symmetricRtp: false, inactivityTimeoutMs: 0, keepalive: 'none', jitterMinMs: 20, jitterMaxMs: 120, rtcpIntervalMs: 5000 };
  await host.handle({ op: 'start', id: 'c', media, options });
  assert.ok(sink);
  const close = async () => {
    await host.handle({ op: 'close', id: 'c' });
    peer.close();
  };
  return { timers, marks, sink: sink as SendSink, close };
}

describe('MediaSession: standing backlog of pushed audio', () => {
  const open: (() => Promise<void>)[] = [];
  after(async () => { for (const c of open) await c(); });

  it('trims a backlog that a real-time stream keeps up (after a second) so later audio is not delayed', async () => {
    const s = await session(31200);
    open.push(s.close);
    s.sink.play(new Int16Array(FRAME * 10)); // 200 ms late, as after a stall
    for (let k = 0; k < 75; k++) { // 1.5 s of frames pushed in real time
      s.sink.play(new Int16Array(FRAME));
      s.timers.advance(20);
    }
    const t = s.timers.now();
    s.sink.play(new Int16Array(FRAME));
    s.sink.mark('now');
    s.timers.advance(300);
    const m = s.marks.find((x) => x.name === 'now');
    assert.ok(m, 'mark played');
    assert.ok(m.at - t <= 40, `the mark played ${m.at - t} ms after its audio: the 200 ms backlog was not trimmed`);
  });

  it('drops the late frames of a real-time stream that went dry for 60 ms, keeping one frame of cushion', async () => {
    const s = await session(31240);
    open.push(s.close);
    for (let k = 0; k < 60; k++) { // 1.2 s streamed in real time
      s.sink.play(new Int16Array(FRAME));
      s.timers.advance(20);
    }
    s.timers.advance(60); // three slots pass with nothing queued…
    s.sink.play(new Int16Array(FRAME * 4)); // …then their audio and this slot's arrive at once
    const t = s.timers.now();
    s.sink.mark('after-burst');
    for (let k = 0; k < 10; k++) {
      s.sink.play(new Int16Array(FRAME));
      s.timers.advance(20);
    }
    const m = s.marks.find((x) => x.name === 'after-burst');
    assert.ok(m, 'mark played');
    // Without the drop, the mark would wait behind all four frames (about 80 ms); with it, behind two.
    assert.ok(m.at - t <= 45, `the mark played ${m.at - t} ms after its audio`);
  });

  it('never trims audio sent ahead of real time (synthesised speech): every sample plays', async () => {
    const s = await session(31220);
    open.push(s.close);
    const t = s.timers.now();
    s.sink.play(new Int16Array(FRAME * 150)); // 3 s of speech at once
    s.sink.mark('end');
    s.timers.advance(3200);
    const m = s.marks.find((x) => x.name === 'end');
    assert.ok(m, 'mark played');
    assert.ok(m.at - t >= 2980, `the mark played after ${m.at - t} ms: speech was dropped`);
  });
});
