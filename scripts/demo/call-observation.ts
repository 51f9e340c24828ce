/** What one demo call looked like from the phone's side, whichever phone (baresip or SIPp) placed it. */

export interface SipEvent {
  /** ms after the INVITE left the phone. */
  atMs: number;
  /** `out`: the phone sent it; `in`: Switchboard sent it. */
  direction: 'out' | 'in';
  /** Method, or status and reason with the CSeq method for responses: "200 OK (INVITE)". */
  label: string;
}

export interface Audio {
  rate: number;
  samples: Int16Array;
  /** When sample 0 arrived at (heard) or left (sent) the phone, in ms after the INVITE. */
  startMs: number;
}

export interface CallObservation {
  /** e.g. "baresip over TLS". */
  phone: string;
  target: string;
  events: SipEvent[];
  heard?: Audio;
  sent?: Audio;
  /** The phone's own output, shown when something failed. */
  log: string;
}

/** "SIP/2.0 200 OK" + "INVITE" → "200 OK (INVITE)"; a request line → its method. */
export function sipLabel(startLine: string, cseqMethod: string | undefined): string | undefined {
  const response = /^SIP\/2\.0 (\d{3} .*)$/.exec(startLine.trim());
  if (response) return cseqMethod ? `${response[1]} (${cseqMethod})` : response[1];
  const request = /^([A-Z]+) \S+ SIP\/2\.0$/.exec(startLine.trim());
  return request?.[1];
}
