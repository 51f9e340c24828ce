import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSwitchboardError } from '../../../../src/shared/errors.js';
import { DEFAULT_REPLAY_WINDOW_SIZE, ReplayWindow } from '../../../../src/media/srtp/replay-window.js';

describe('RFC 3711 §3.3.2 replay window', () => {
  it('defaults to the RFC minimum of 64', () => {
    assert.equal(DEFAULT_REPLAY_WINDOW_SIZE, 64);
    assert.equal(new ReplayWindow().size, 64);
  });

  it('accepts anything before the first packet and refuses an accepted index a second time', () => {
    const w = new ReplayWindow();
    assert.equal(w.highest, -1);
    assert.equal(w.check(1000), 'new');
    w.accept(1000);
    assert.equal(w.highest, 1000);
    assert.equal(w.check(1000), 'replay');
    assert.equal(w.check(1001), 'new');
  });

  it('accepts late indices inside the window once each', () => {
    const w = new ReplayWindow(64);
    for (const i of [10, 12, 15, 70]) w.accept(i);
    for (const late of [11, 13, 14, 69]) {
      assert.equal(w.check(late), 'new', `late ${late}`);
      w.accept(late);
      assert.equal(w.check(late), 'replay', `again ${late}`);
    }
    assert.equal(w.check(12), 'replay');
    assert.equal(w.highest, 70);
  });

  it('refuses an index `size` or more behind the highest as too old', () => {
    const w = new ReplayWindow(64);
    w.accept(200);
    assert.equal(w.check(137), 'new'); // lag 63: the oldest slot of the window
    assert.equal(w.check(136), 'too-old'); // lag 64
    assert.equal(w.check(0), 'too-old');
    assert.equal(w.check(-5), 'too-old');
  });

  it('forgets slots it slides over, so a jump ahead does not make old bits look like replays', () => {
    const w = new ReplayWindow(64);
    for (let i = 0; i < 64; i++) w.accept(i);
    w.accept(100); // slides 37 slots
    for (let i = 64; i < 100; i++) assert.equal(w.check(i), 'new', `index ${i}`);
    assert.equal(w.check(40), 'replay');
    assert.equal(w.check(36), 'too-old');
    w.accept(100 + 1000); // slides past the whole window
    for (let i = 1100 - 63; i < 1100; i++) assert.equal(w.check(i), 'new', `index ${i}`);
  });

  it('honours a larger window size given as an option', () => {
    const w = new ReplayWindow(128);
    w.accept(500);
    assert.equal(w.check(500 - 100), 'new');
    assert.equal(w.check(500 - 128), 'too-old');
  });

  it('handles 48-bit SRTP indices exactly', () => {
    const w = new ReplayWindow();
    const top = 0xffff_ffff * 0x10000 + 0xfff0;
    w.accept(top);
    assert.equal(w.check(top - 1), 'new');
    assert.equal(w.check(top), 'replay');
  });

  it('refuses window sizes outside 1..2^15', () => {
    for (const size of [0, -1, 1.5, 0x8001]) {
      assert.throws(() => new ReplayWindow(size), (e) => isSwitchboardError(e, 'MEDIA_SRTP'), `size ${size}`);
    }
  });
});
