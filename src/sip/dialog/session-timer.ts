/**
 * Session timers (RFC 4028). Negotiation on the UAS side (§9) and UAC side (§7.2), and the refresh /
 * expiry schedule (§10): the refresher refreshes at half the interval; the other side ends the session if
 * no refresh arrived by `interval - min(32, interval/3)` seconds.
 */
import type { SipRequest, SipResponse } from '../message/sip-message.js';

export interface SessionTimerConfig {
  enabled: boolean;
  /** Our preferred Session-Expires, seconds (default 1800). */
  sessionExpires: number;
  /** Our Min-SE, seconds (>= 90 per §4). */
  minSE: number;
}

export interface SessionTimerPlan {
  interval: number;
  refresher: 'uac' | 'uas';
}

export type UasTimerDecision =
  | { kind: 'none' }
  | { kind: 'reject'; minSE: number } // 422 Session Interval Too Small (§6)
  | { kind: 'use'; plan: SessionTimerPlan; peerSupports: boolean };

export function parseSessionExpires(value: string | undefined): { interval: number; refresher?: 'uac' | 'uas' } | undefined {
  if (!value) return undefined;
  const m = /^\s*([0-9]{1,10})\s*(?:;(.*))?$/.exec(value);
  if (!m) return undefined;
  const r = /refresher\s*=\s*(uac|uas)/i.exec(m[2] ?? '');
  const out: { interval: number; refresher?: 'uac' | 'uas' } = { interval: Number(m[1]) };
  if (r) out.refresher = (r[1] as string).toLowerCase() as 'uac' | 'uas';
  return out;
}

/** Min-SE (RFC 4028 §5): delta-seconds, parameters ignored. */
function parseMinSE(value: string | undefined): number | undefined {
  const m = value ? /^\s*([0-9]{1,10})\s*(?:;.*)?$/.exec(value) : null;
  return m ? Number(m[1]) : undefined;
}

function supportsTimer(msg: SipRequest | SipResponse): boolean {
  return [...msg.headers.getAll('supported'), ...msg.headers.getAll('require')].some((t) => t.trim().toLowerCase() === 'timer');
}

/** §9: what the UAS does with an INVITE (or re-INVITE/UPDATE). */
export function negotiateAsUas(req: SipRequest, cfg: SessionTimerConfig): UasTimerDecision {
  if (!cfg.enabled) return { kind: 'none' };
  const se = parseSessionExpires(req.headers.get('session-expires'));
  const peerSupports = supportsTimer(req);
  // §9: whatever interval we pick MUST NOT be lower than the Min-SE in the request, when present.
  const floor = Math.max(cfg.minSE, parseMinSE(req.headers.get('min-se')) ?? 0);
  if (se) {
    if (se.interval < cfg.minSE) return { kind: 'reject', minSE: cfg.minSE };
    // §9: the UAS may lower the interval but not below Min-SE; refresher chosen by the UAC, else uac if it supports timer.
    const interval = Math.min(se.interval, Math.max(cfg.sessionExpires, floor));
    const refresher = se.refresher ?? (peerSupports ? 'uac' : 'uas');
    return { kind: 'use', plan: { interval, refresher }, peerSupports };
  }
  // §9: the UAC asked for nothing; we may still run the timer, refreshing ourselves.
  return { kind: 'use', plan: { interval: Math.max(cfg.sessionExpires, floor), refresher: peerSupports ? 'uac' : 'uas' }, peerSupports };
}

/** §7.2 / §7.4: what a 2xx tells the UAC. No Session-Expires in the answer means no session timer. */
export function readAnswerAsUac(res: SipResponse): SessionTimerPlan | undefined {
  const se = parseSessionExpires(res.headers.get('session-expires'));
  if (!se) return undefined;
  return { interval: se.interval, refresher: se.refresher ?? 'uac' };
}

export function sessionExpiresHeader(plan: SessionTimerPlan): string {
  return `${plan.interval};refresher=${plan.refresher}`;
}

/** §10: when the refresher sends its refresh, and when the other side gives up, in ms. */
export function refreshDelayMs(plan: SessionTimerPlan): number {
  return (plan.interval * 1000) / 2;
}

export function expiryDelayMs(plan: SessionTimerPlan): number {
  return (plan.interval - Math.min(32, plan.interval / 3)) * 1000;
}
