/**
 * The FreeSWITCH media servers of the drachtio engine (config `freeswitch:`): connected through drachtio-fsmrf,
 * chosen by load (fewest calls we placed on them), a failed one taken out of rotation and reconnected after its
 * `retryMs`. A call and the operator it is bridged to share a server (FreeSWITCH bridges them locally).
 */
import type Mrf from 'drachtio-fsmrf';
import type { Logger } from '../../observability/logger.js';

export interface MediaServerConfig {
  address: string;
  port: number;
  secret: string;
  retryMs: number;
}

interface Slot {
  cfg: MediaServerConfig;
  ms?: Mrf.MediaServer;
  calls: number;
  retry?: NodeJS.Timeout;
}

export class MediaServerPool {
  private readonly slots: Slot[];
  private readonly byCall = new Map<string, Slot>();
  private stopped = false;

  constructor(private readonly mrf: Mrf, configs: MediaServerConfig[], private readonly listenAddress: string, private readonly advertisedAddress: string, private readonly logger: Logger) {
    this.slots = configs.map((cfg) => ({ cfg, calls: 0 }));
  }

  /** Connect every server; resolves when at least one is up (or all failed once: they keep retrying). */
  async start(): Promise<void> {
    await Promise.allSettled(this.slots.map((s) => this.connect(s)));
  }

  private async connect(s: Slot): Promise<void> {
    if (this.stopped) return;
    const { address, port, secret } = s.cfg;
    try {
      const ms = await this.mrf.connect({
        address, port, secret, listenAddress: this.listenAddress,
        ...(this.advertisedAddress !== this.listenAddress ? { advertisedAddress: this.advertisedAddress } : {}),
      });
      s.ms = ms;
      this.logger.info({ freeswitch: `${address}:${port}` }, 'media server connected');
      const lost = (err?: Error): void => {
        if (s.ms !== ms) return;
        s.ms = undefined;
        ms.disconnect(); // ours reconnects it (below), not fsmrf's own ESL retry: one connection per server
        this.logger.warn({ freeswitch: `${address}:${port}`, err: err?.message }, 'media server lost; out of rotation');
        this.schedule(s);
      };
      ms.on('end', () => lost());
      ms.on('error', (err) => lost(err));
    } catch (e) {
      this.logger.warn({ freeswitch: `${address}:${port}`, err: e instanceof Error ? e.message : String(e) }, 'media server unavailable; retrying');
      this.schedule(s);
    }
  }

  private schedule(s: Slot): void {
    if (this.stopped || s.retry) return;
    s.retry = setTimeout(() => {
      s.retry = undefined;
      void this.connect(s);
    }, s.cfg.retryMs);
    s.retry.unref();
  }

  get available(): number {
    return this.slots.filter((s) => s.ms?.connected()).length;
  }

  /** The server for a new call: `near`'s when given (a bridge), else the least loaded that is up. */
  take(callId: string, near?: string): Mrf.MediaServer | undefined {
    const nearSlot = near !== undefined ? this.byCall.get(near) : undefined;
    const up = this.slots.filter((s) => s.ms?.connected());
    const slot = nearSlot?.ms?.connected() ? nearSlot : up.reduce<Slot | undefined>((a, b) => (!a || b.calls < a.calls ? b : a), undefined);
    if (!slot?.ms) return undefined;
    slot.calls++;
    this.byCall.set(callId, slot);
    return slot.ms;
  }

  release(callId: string): void {
    const slot = this.byCall.get(callId);
    if (!slot) return;
    this.byCall.delete(callId);
    slot.calls = Math.max(0, slot.calls - 1);
  }

  stop(): void {
    this.stopped = true;
    for (const s of this.slots) {
      if (s.retry) clearTimeout(s.retry);
      s.ms?.disconnect();
      s.ms = undefined;
    }
  }
}
