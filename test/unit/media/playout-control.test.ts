/**
 * PlayoutControl (src/media/playout-control.ts) driven the way MediaSession drives it: a simulated stream whose
 * frames arrive at chosen times, a queue of whole frames, a send slot every 20 ms that the control may move.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PlayoutControl, type PlayoutControlOptions } from '../../../src/media/playout-control.js';

const OPTS: PlayoutControlOptions = {
  frameMs: 20, frameSamples: 160, windowTicks: 50, backlogTicks: 15, marginMs: 10, stepMs: 2, realtimeRatio: 1.1, maxLateTicks: 10,
};

/**
 * A send path in miniature: `arrivals` are the times frames arrive (one frame = 160 samples unless `sizes` says
 * otherwise); slots start at `firstSlot` every 20 ms, moved by the control's advances. Returns, per frame sent,
 * when it was sent (undefined for frames dropped), and the totals.
 */
function simulate(arrivals: number[], firstSlot: number, opts = OPTS, sizes?: number[]) {
  const c = new PlayoutControl(opts);
  const queue: number[] = []; // arrival time of each queued frame
  const sentAt: (number | undefined)[] = [];
  const index: number[] = [];
  let next = 0;
  let slot = firstSlot;
  let dropped = 0;
  let late = 0;
  let dry = 0;
  const end = (arrivals[arrivals.length - 1] ?? 0) + 200;
  const drop = (n: number) => {
    for (let k = 0; k < n; k++) {
      queue.shift();
      sentAt[index.shift() as number] = undefined;
    }
  };
  while (slot < end) {
    while (next < arrivals.length && (arrivals[next] as number) <= slot) {
      const frames = (sizes?.[next] ?? 160) / 160;
      for (let f = 0; f < frames; f++) {
        queue.push(arrivals[next] as number);
        index.push(sentAt.length);
        sentAt.push(-1);
      }
      c.pushed(sizes?.[next] ?? 160);
      next++;
    }
    const l = c.lateFrames(queue.length);
    late += l;
    drop(l);
    let arrivedAt = Number.NaN;
    if (queue.length > 0) {
      arrivedAt = queue.shift() as number;
      sentAt[index.shift() as number] = slot;
    } else if (next < arrivals.length) dry++;
    const adj = c.tick(slot, arrivedAt, queue.length);
    let advance = 0;
    if (adj) {
      dropped += adj.dropFrames;
      drop(adj.dropFrames);
      advance = adj.advanceMs;
    }
    slot += 20 - advance;
  }
  return { sentAt, dropped, late, dry };
}

/** Delay of each sent frame (send time − arrival). */
function delays(arrivals: number[], sentAt: (number | undefined)[]): number[] {
  const out: number[] = [];
  sentAt.forEach((s, i) => { if (s !== undefined && s >= 0) out.push(s - (arrivals[i] as number)); });
  return out;
}

const steady = (n: number, start = 0, jitter: (i: number) => number = () => 0) => Array.from({ length: n }, (_, i) => start + 20 * i + jitter(i));

describe('PlayoutControl', () => {
  it('moves the send slot so a real-time stream waits about the margin, not up to a whole frame', () => {
    const arrivals = steady(200, 1); // each frame arrives 1 ms after a slot: it would wait 19 ms
    const r = simulate(arrivals, 0);
    const d = delays(arrivals, r.sentAt);
    assert.equal(d[10], 19, 'before the first window');
    const tail = d.slice(-50);
    assert.ok(tail.every((x) => x >= OPTS.marginMs && x < OPTS.marginMs + OPTS.stepMs), `settled delays ${[...new Set(tail)].join(',')}`);
    assert.equal(r.dropped + r.late, 0, 'no audio dropped');
    assert.equal(r.dry, 1, 'only the slot before the first frame went out empty');
  });

  it('drops a standing backlog of whole frames after the short window; what is left plays in order', () => {
    // 4 frames at once (a stall's late burst), then the stream at real-time pace: 80 ms of standing delay.
    const arrivals = [...steady(4, 0).map(() => 5), ...steady(200, 25)];
    const r = simulate(arrivals, 10);
    // 65 ms of standing delay, 10 of which is the margin: two whole frames go, the rest moves the slot.
    assert.equal(r.dropped, 2, 'two whole frames of backlog dropped');
    const d = delays(arrivals, r.sentAt).slice(-100);
    assert.ok(d.every((x) => x >= OPTS.marginMs && x < OPTS.marginMs + OPTS.stepMs), `settled delays ${[...new Set(d)].join(',')}`);
    const sent = r.sentAt.filter((x): x is number => x !== undefined && x >= 0);
    assert.ok(sent.every((x, i) => i === 0 || x > (sent[i - 1] as number)), 'the rest left in order');
  });

  it('never touches audio sent ahead of real time: every frame of a 3 s burst plays', () => {
    const arrivals = Array.from({ length: 150 }, () => 3);
    const r = simulate(arrivals, 0);
    assert.equal(r.dropped + r.late, 0);
    assert.equal(r.sentAt.filter((s) => s !== undefined).length, 150);
  });

  it('never touches a real-time stream sent in 80 ms chunks (its queue is the chunking, not delay)', () => {
    const arrivals = steady(100, 3).map((t, i) => 3 + 80 * Math.floor(i));
    const r = simulate(arrivals.slice(0, 50), 0, OPTS, arrivals.slice(0, 50).map(() => 640));
    assert.equal(r.dropped + r.late, 0, `dropped ${r.dropped}, late ${r.late}`);
  });

  it('drops the frames that come after their slots passed (a stall upstream), keeping one frame of cushion for a while', () => {
    // A stream settled for a second, then 60 ms in which nothing arrives, then those frames at once.
    const arrivals = steady(250, 1, (i) => (i >= 80 && i < 83 ? 60 - 20 * (i - 80) : 0));
    const r = simulate(arrivals, 0);
    assert.equal(r.late, 2, 'two of the three late frames dropped, one kept as cushion');
    const d = delays(arrivals, r.sentAt);
    const soon = d.slice(85, 120);
    assert.ok(Math.max(...soon) < OPTS.marginMs + 2 * OPTS.frameMs, `delay after the stall ${Math.max(...soon)} ms`);
    const later = d.slice(-40);
    assert.ok(Math.max(...later) < OPTS.marginMs + OPTS.frameMs, `the cushion was not taken back: ${Math.max(...later)} ms`);
  });

  it('keeps one frame of cushion for a stream whose frames come late again and again', () => {
    // Every 400 ms one frame comes 25 ms late (recurring jitter): a dropped frame each time would be heard.
    const arrivals = steady(300, 1, (i) => (i > 60 && i % 20 === 0 ? 25 : 0));
    const r = simulate(arrivals, 0);
    assert.equal(r.late, 0);
    assert.ok(r.dropped <= 1, `frames trimmed: ${r.dropped}`);
  });

  it('treats audio after a pause longer than maxLateTicks as new: nothing dropped', () => {
    const arrivals = [...steady(60, 1), ...steady(60, 1 + 20 * 60 + 400).map(() => 1 + 20 * 60 + 400)];
    const r = simulate(arrivals, 0);
    assert.equal(r.late, 0);
    assert.equal(r.sentAt.slice(60).filter((s) => s === undefined).length, 0, 'the new burst plays in full');
  });

  it('settles a stream that turned up later for good: one gap, then the new phase', () => {
    const arrivals = steady(200, 1, (i) => (i >= 100 ? 15 : 0));
    const r = simulate(arrivals, 0);
    assert.ok(r.late <= 1, `late ${r.late}`);
    const d = delays(arrivals, r.sentAt).slice(-30);
    assert.ok(d.every((x) => x >= OPTS.marginMs - OPTS.stepMs && x < OPTS.marginMs + OPTS.frameMs), `delays ${[...new Set(d)].join(',')}`);
  });
});
