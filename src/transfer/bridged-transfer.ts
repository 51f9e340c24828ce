/**
 * method: bridge — Switchboard calls the operator itself (RFC 3261 §13.2) and relays the caller's audio to the
 * answered leg. Operators are hunted in order, each ringing ringTimeoutMs (then CANCEL, §9.1); the caller hears
 * ringback meanwhile. The caller hanging up aborts the hunt (CANCEL of the ringing INVITE).
 */
import { RejectionError, type CallLeg, type OriginateRequest } from '../engine/engine.js';

export interface BridgedTransferInput {
  targets: string[];
  /** Builds the INVITE for one operator (From, headers, media, ring timeout, CANCEL signal). */
  request(target: string): OriginateRequest;
  originate(req: OriginateRequest): Promise<CallLeg>;
  cancelled(): boolean;
}

export interface BridgedAttempt {
  target: string;
  /** Final status of the INVITE (200 when answered, 408 when it rang out). */
  status: number;
  label: string;
}

export async function huntOperators(input: BridgedTransferInput): Promise<{ leg?: CallLeg; attempts: BridgedAttempt[] }> {
  const attempts: BridgedAttempt[] = [];
  for (const target of input.targets) {
    if (input.cancelled()) break;
    try {
      const leg = await input.originate(input.request(target));
      attempts.push({ target, status: 200, label: 'answered' });
      return { leg, attempts };
    } catch (e) {
      const r = e instanceof RejectionError ? e.rejection : { status: 500, label: 'originate_error' };
      attempts.push({ target, status: r.status, label: r.label });
    }
  }
  return { attempts };
}
