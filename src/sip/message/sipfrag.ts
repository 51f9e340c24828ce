/**
 * message/sipfrag (RFC 3420) as REFER's implicit subscription uses it (RFC 3515 §2.4.5): each NOTIFY carries the
 * status line of the referred request. Pure functions, shared by the embedded SIP stack and the drachtio engine.
 */

/** "SIP/2.0 200 OK" → 200. */
export function sipfragStatus(body: string): number | undefined {
  const m = /^SIP\/2\.0\s+([1-6][0-9]{2})/i.exec(body.trim());
  return m ? Number(m[1]) : undefined;
}

export type ReferProgress =
  /** Not a NOTIFY of a refer subscription (Event is not `refer`). */
  | { kind: 'other' }
  /** A provisional status (e.g. 100 Trying, 180 Ringing): keep waiting. */
  | { kind: 'pending' }
  /** The referred request ended: `status` from the sipfrag, or none when the subscription just terminated. */
  | { kind: 'final'; status?: number };

/** What one NOTIFY says about the referred request. */
export function referProgress(event: string | undefined, subscriptionState: string | undefined, body: string): ReferProgress {
  if (!/^refer\b/i.test(event ?? '')) return { kind: 'other' };
  const status = sipfragStatus(body);
  if (status !== undefined && status >= 200) return { kind: 'final', status };
  if (/^\s*terminated/i.test(subscriptionState ?? '')) return { kind: 'final' };
  return { kind: 'pending' };
}

/** What a final NOTIFY means for the transfer: 2xx success, anything else (or no status at all) a failure. */
export function referFinalOutcome(status: number | undefined): { outcome: 'success' | 'failed'; finalStatus?: number } {
  if (status === undefined) return { outcome: 'failed' };
  return { outcome: status < 300 ? 'success' : 'failed', finalStatus: status };
}
