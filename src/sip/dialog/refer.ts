/**
 * Blind transfer with REFER (RFC 3515) inside an existing dialog, following the implicit subscription's
 * NOTIFYs whose message/sipfrag bodies carry the progress of the referred call (§2.4.5) until a final
 * status or Subscription-State: terminated.
 */
import type { TimerHandle } from '../../shared/timers.js';
import type { Session } from './session.js';
import type { UaCore } from './ua-core.js';
import { referFinalOutcome, referProgress } from '../message/sipfrag.js';

export interface ReferOptions {
  referTo: string; // a URI or name-addr
  referredBy?: string;
  headers?: [string, string][];
  /** How long to wait for the final NOTIFY after the REFER was accepted. */
  notifyTimeoutMs: number;
}

export interface ReferResult {
  /** Status of the REFER itself (202 when accepted). */
  referStatus: number;
  /** Final status of the referred INVITE, from the sipfrag (undefined if none arrived in time). */
  finalStatus?: number;
  outcome: 'success' | 'rejected' | 'failed' | 'timeout';
}

export function refer(session: Session, core: UaCore, opts: ReferOptions): Promise<ReferResult> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: TimerHandle | undefined;
    const previous = session.handlers.onNotify;
    const finish = (r: ReferResult): void => {
      if (settled) return;
      settled = true;
      timer?.cancel();
      session.handlers.onNotify = previous;
      resolve(r);
    };
    let referStatus = 0;
    session.handlers.onNotify = (req) => {
      const p = referProgress(req.headers.get('event'), req.headers.get('subscription-state'), req.body.toString('utf8'));
      if (p.kind === 'other') return previous?.(req);
      if (p.kind === 'final') finish({ referStatus, ...referFinalOutcome(p.status) });
    };
    const req = session.dialog.createRequest('REFER');
    const target = opts.referTo.includes('<') ? opts.referTo : `<${opts.referTo}>`;
    req.headers.set('Refer-To', target);
    if (opts.referredBy) req.headers.set('Referred-By', opts.referredBy);
    for (const [k, v] of opts.headers ?? []) req.headers.add(k, v);
    core.sendInDialog(session.dialog, req, {
      onResponse: (res) => {
        if (res.status < 200) return;
        referStatus = res.status;
        if (res.status >= 300) return finish({ referStatus, outcome: 'rejected' });
        timer = core.timers.setTimeout(() => finish({ referStatus, outcome: 'timeout' }), opts.notifyTimeoutMs);
      },
      onTimeout: () => finish({ referStatus: 408, outcome: 'rejected' }),
    });
  });
}
