/**
 * Even-port allocation for RTP (RFC 3550 §11: RTP on an even port, RTCP on the next odd one) from the
 * configured range. Ports are handed out round-robin so a just-released port is not reused at once (late
 * packets of the previous call would land in the new one).
 */
import { SwitchboardError } from '../shared/errors.js';

export class PortPool {
  private readonly free: number[] = [];
  private readonly used = new Set<number>();

  constructor(readonly min: number, readonly max: number) {
    const first = min % 2 === 0 ? min : min + 1;
    for (let p = first; p + 1 <= max; p += 2) this.free.push(p);
  }

  get available(): number {
    return this.free.length;
  }

  get inUse(): number {
    return this.used.size;
  }

  take(): number {
    const p = this.free.shift();
    if (p === undefined) throw new SwitchboardError('MEDIA_PORTS_EXHAUSTED');
    this.used.add(p);
    return p;
  }

  release(port: number): void {
    if (this.used.delete(port)) this.free.push(port);
  }
}
