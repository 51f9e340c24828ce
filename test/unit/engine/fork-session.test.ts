/**
 * The drachtio engine's per-call audio (ForkSession) without FreeSWITCH: a stand-in for mod_audio_fork's socket
 * records what we send. Caller audio is re-framed to 20 ms for the application; the application's audio leaves
 * one frame per tick (paced), waits for the socket, honours marks and clear, and ringback fills the silence.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { ForkSession } from '../../../src/engine/drachtio/worker/fork-session.js';
import { FrameScheduler } from '../../../src/media/frame-scheduler.js';
import type { AppProvider, AppSink, SendSink } from '../../../src/media/apps/media-app.js';
import type { MediaOptions, PlaneEvent } from '../../../src/media/plane/protocol.js';
import { FakeTimers } from '../../support/fake-timers.js';

class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  readonly binary: Buffer[] = [];
  readonly text: string[] = [];
  send(data: Buffer | string, opts?: { binary?: boolean }): void {
    if (opts?.binary) this.binary.push(Buffer.from(data as Buffer));
    else this.text.push(String(data));
  }
  close(): void {
    this.readyState = 3;
  }
}

function setup() {
  const timers = new FakeTimers();
  const frames: number[] = [];
  const played: string[] = [];
  let sink: SendSink | undefined;
  const app: AppSink = {
    onFrame: (pcm) => frames.push(pcm.length),
    pull: () => undefined,
    attach: (s) => { sink = s; },
    marksPlayed: (names) => played.push(...names),
  };
  const apps: AppProvider = { create: () => app, command: () => undefined, release: () => undefined };
  const events: PlaneEvent[] = [];
  const session = new ForkSession({ id: 'c1', scheduler: new FrameScheduler(timers), apps, now: () => timers.now(), emit: (e) => events.push(e) });
  const options: MediaOptions = { pcmRate: 8000, app: { kind: 'provided' }, symmetricRtp: true, inactivityTimeoutMs: 0, keepalive: 'none', jitterMinMs: 20, jitterMaxMs: 120, rtcpIntervalMs: 5000 };
  session.start(options);
  assert.ok(sink);
  return { timers, frames, played, sink: sink as SendSink, session, events };
}

describe('ForkSession (drachtio engine audio over mod_audio_fork)', () => {
  it('re-frames the caller\'s L16 chunks into exact 20 ms frames for the application', () => {
    const { frames, session } = setup();
    const ws = new FakeSocket();
    session.attachSocket(ws as unknown as WebSocket);
    ws.emit('message', Buffer.alloc(2 * 250), true); // 250 samples
    ws.emit('message', Buffer.alloc(2 * 230), true); // 480 in all = three frames
    assert.deepEqual(frames, [160, 160, 160]);
  });

  it('holds the agent\'s audio until FreeSWITCH connects, then sends one frame per 20 ms with the mark after its audio', () => {
    const { timers, played, sink, session } = setup();
    sink.play(new Int16Array(160 * 3).fill(1000));
    sink.mark('greeting');
    timers.advance(100);
    assert.deepEqual(played, [], 'nothing can play before the socket exists');
    const ws = new FakeSocket();
    session.attachSocket(ws as unknown as WebSocket);
    timers.advance(40);
    assert.equal(ws.binary.length, 2);
    assert.equal(ws.binary[0]?.length, 320);
    assert.deepEqual(played, []);
    timers.advance(20);
    assert.equal(ws.binary.length, 3);
    assert.deepEqual(played, ['greeting']);
  });

  it('clear drops the queued audio at once and returns the pending marks', () => {
    const { timers, sink, session } = setup();
    const ws = new FakeSocket();
    session.attachSocket(ws as unknown as WebSocket);
    sink.play(new Int16Array(160 * 50));
    sink.mark('long');
    timers.advance(100);
    const sent = ws.binary.length;
    assert.deepEqual(sink.clear(), ['long']);
    timers.advance(100);
    assert.equal(ws.binary.length, sent, 'no audio after clear');
  });

  it('plays ringback when the agent has been silent for a moment, and stops it for the agent\'s audio', () => {
    const { timers, sink, session } = setup();
    const ws = new FakeSocket();
    session.attachSocket(ws as unknown as WebSocket);
    session.playLocal({ kind: 'ringback', frequencies: [425], onMs: 1000, offMs: 500, amplitude: 6000 });
    timers.advance(100);
    assert.equal(ws.binary.length, 0, 'ringback waits for 200 ms of agent silence');
    timers.advance(300);
    const ring = ws.binary.length;
    assert.ok(ring >= 9, `ringback frames: ${ring}`);
    sink.play(new Int16Array(160).fill(7));
    timers.advance(20);
    const last = ws.binary[ws.binary.length - 1] as Buffer;
    assert.equal(last.readInt16LE(0), 7, 'the agent\'s frame goes out, not ringback');
  });

  it('after a stall drops the missed frames of queued speech (a burst would stay as delay in FreeSWITCH)', () => {
    const { timers, sink, session } = setup();
    const ws = new FakeSocket();
    session.attachSocket(ws as unknown as WebSocket);
    sink.play(new Int16Array(160 * 20));
    timers.advance(20);
    const before = ws.binary.length;
    // Simulate a 100 ms stall: the next tick comes late.
    const s = session as unknown as { tick(now: number): void };
    s.tick(timers.now() + 100);
    assert.equal(ws.binary.length, before + 1, 'one frame sent, not a burst');
    timers.advance(1000);
    // 20 frames queued; the 4 frame times the stall missed were dropped rather than played late.
    assert.equal(ws.binary.length, 16, `frames sent: ${ws.binary.length}`);
  });

  it('after a stall drops the missed frames of a real-time stream (a burst would stay as delay in FreeSWITCH)', () => {
    const { timers, sink, session } = setup();
    const ws = new FakeSocket();
    session.attachSocket(ws as unknown as WebSocket);
    for (let k = 0; k < 30; k++) { // 600 ms streamed at real-time pace: a live stream
      sink.play(new Int16Array(160));
      timers.advance(20);
    }
    sink.play(new Int16Array(160 * 5)); // a stall's worth arrives at once
    const before = ws.binary.length;
    const s = session as unknown as { tick(now: number): void };
    s.tick(timers.now() + 100); // 4 frame times missed
    assert.equal(ws.binary.length, before + 1, 'one frame sent, not a burst');
  });
});
