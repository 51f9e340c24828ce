/** SIP INFO DTMF bodies: application/dtmf-relay ("Signal=5\r\nDuration=160") and application/dtmf ("5"). */
const DIGITS = /^[0-9*#A-Da-d]$/;

export function parseDtmfInfo(contentType: string | undefined, body: string): { digit: string; durationMs: number } | undefined {
  if (contentType === 'application/dtmf-relay') {
    const signal = /^\s*signal\s*=\s*(\S+)/im.exec(body)?.[1];
    const duration = Number(/^\s*duration\s*=\s*([0-9]+)/im.exec(body)?.[1] ?? 250);
    const digit = signal === '10' ? '*' : signal === '11' ? '#' : signal;
    return digit && DIGITS.test(digit) ? { digit: digit.toUpperCase(), durationMs: duration } : undefined;
  }
  if (contentType === 'application/dtmf') {
    const d = body.trim();
    return DIGITS.test(d) ? { digit: d.toUpperCase(), durationMs: 250 } : undefined;
  }
  return undefined;
}
