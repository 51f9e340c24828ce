/**
 * The drachtio engine's FreeSWITCH pool (MediaServerPool) with a stand-in for drachtio-fsmrf: least-loaded choice,
 * a bridge's second leg on the first leg's server, a lost server out of rotation and reconnected after retryMs.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type Mrf from 'drachtio-fsmrf';
import { MediaServerPool } from '../../../src/engine/drachtio/media-servers.js';
import { silentLogger } from '../../../src/observability/logger.js';

class FakeMs extends EventEmitter {
  up = true;
  constructor(readonly address: string) { super(); }
  connected(): boolean { return this.up; }
  disconnect(): void { this.up = false; }
}

class FakeMrf {
  readonly made: FakeMs[] = [];
  down = new Set<string>();
  async connect(o: { address: string }): Promise<FakeMs> {
    if (this.down.has(o.address)) throw new Error('ECONNREFUSED');
    const ms = new FakeMs(o.address);
    this.made.push(ms);
    return ms;
  }
}

const cfg = (address: string) => ({ address, port: 8021, secret: 'x', retryMs: 30 });

describe('MediaServerPool', () => {
  it('places calls on the least-loaded server and a bridged leg next to its call', async () => {
    const mrf = new FakeMrf();
    const pool = new MediaServerPool(mrf as unknown as Mrf, [cfg('fs1'), cfg('fs2')], '127.0.0.1', '127.0.0.1', silentLogger());
    await pool.start();
    const a = pool.take('a');
    const b = pool.take('b');
    assert.notEqual(a?.address, b?.address, 'spread over both');
    const op = pool.take('op', 'a');
    assert.equal(op?.address, a?.address, 'the operator leg of call a is on a\'s server');
    pool.release('b');
    assert.equal(pool.take('c')?.address, b?.address, 'the freed server is the least loaded again');
    pool.stop();
  });

  it('takes a lost server out of rotation and reconnects it after retryMs; none up → no server', async () => {
    const mrf = new FakeMrf();
    const pool = new MediaServerPool(mrf as unknown as Mrf, [cfg('fs1')], '127.0.0.1', '127.0.0.1', silentLogger());
    await pool.start();
    assert.equal(pool.available, 1);
    mrf.down.add('fs1');
    const first = mrf.made[0] as FakeMs;
    first.up = false;
    first.emit('end');
    assert.equal(pool.available, 0);
    assert.equal(pool.take('x'), undefined);
    await new Promise((r) => setTimeout(r, 50)); // one failed retry
    assert.equal(pool.available, 0);
    mrf.down.clear();
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(pool.available, 1, 'reconnected');
    assert.equal(mrf.made.length, 2);
    pool.stop();
  });
});
