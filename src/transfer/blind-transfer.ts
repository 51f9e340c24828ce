/**
 * method: refer — blind transfer back to the PBX (RFC 3515 §2.4): REFER with Refer-To the operator and
 * Referred-By us, then the implicit subscription's NOTIFYs (message/sipfrag, RFC 3420) until the referred
 * call's final status. A 2xx sipfrag means the PBX has connected the caller to the operator: we send BYE
 * (RFC 5589 §6.1, the transferor leaves). Each operator URI is tried in order until one succeeds.
 */
import type { CallLeg, ReferOutcome } from '../engine/engine.js';

export interface BlindTransferInput {
  leg: CallLeg;
  targets: string[];
  referredBy: string;
  headers: [string, string][];
  notifyTimeoutMs: number;
  /** The transfer was abandoned (the caller hung up). */
  cancelled(): boolean;
}

export interface BlindAttempt {
  target: string;
  outcome: ReferOutcome['outcome'];
  referStatus: number;
  finalStatus?: number;
}

export async function blindTransfer(input: BlindTransferInput): Promise<{ ok: boolean; attempts: BlindAttempt[] }> {
  const attempts: BlindAttempt[] = [];
  for (const target of input.targets) {
    if (input.cancelled()) break;
    const r = await input.leg.refer({ target, referredBy: input.referredBy, headers: input.headers, notifyTimeoutMs: input.notifyTimeoutMs });
    attempts.push({ target, outcome: r.outcome, referStatus: r.referStatus, ...(r.finalStatus !== undefined ? { finalStatus: r.finalStatus } : {}) });
    if (r.outcome === 'success') return { ok: true, attempts };
    // A PBX that refuses REFER (405/501/403) will refuse it for the next operator too.
    if (r.outcome === 'rejected' && [403, 405, 420, 481, 501].includes(r.referStatus)) break;
  }
  return { ok: false, attempts };
}
