/**
 * The demo call placed by SIPp over UDP: a uac scenario (INVITE with our SDP, 100/180/183 optional, 200, ACK,
 * talk, BYE) written here with the RTP port of an RtpPhone, which does the audio. SIPp's message trace
 * (-trace_msg) gives the call flow with timestamps.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sipLabel, type CallObservation, type SipEvent } from './call-observation.js';
import { callerTone } from './caller-tone.js';
import { RtpPhone } from './rtp-phone.js';

export function hasSipp(): boolean {
  return spawnSync('sh', ['-c', 'command -v sipp'], { stdio: 'ignore' }).status === 0;
}

export interface SippDemoCall {
  host: string;
  /** Switchboard's UDP port. */
  port: number;
  service: string;
  localPort: number;
  rtpPort: number;
  seconds: number;
}

const headers = (method: string, cseq: string) => `
      ${method} [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      [last_From:]
      [last_To:]
      Call-ID: [call_id]
      CSeq: ${cseq}
      Max-Forwards: 70
      Content-Length: 0`;

function scenario(rtpPort: number, seconds: number): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="switchboard demo call">
  <send retrans="500"><![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: <sip:demo@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:demo@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=- 1 1 IN IP4 [local_ip]
      s=-
      c=IN IP4 [local_ip]
      t=0 0
      m=audio ${rtpPort} RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000
      a=ptime:20
  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[${headers('ACK', '1 ACK')}
  ]]></send>
  <pause milliseconds="${seconds * 1000}"/>
  <send retrans="500"><![CDATA[${headers('BYE', '2 BYE')}
  ]]></send>
  <recv response="200"/>
</scenario>
`;
}

export async function callWithSipp(c: SippDemoCall): Promise<CallObservation> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-demo-'));
  writeFileSync(join(dir, 'demo.xml'), scenario(c.rtpPort, c.seconds));
  const tone = callerTone(c.seconds + 1);
  const phone = new RtpPhone(tone);
  await phone.bind(c.rtpPort);
  const trace = join(dir, 'messages.log');
  const args = [
    `${c.host}:${c.port}`, '-sf', join(dir, 'demo.xml'), '-t', 'u1', '-m', '1', '-s', c.service,
    '-i', '127.0.0.1', '-p', String(c.localPort), '-nostdin', '-trace_msg', '-message_file', trace,
    '-timeout', `${c.seconds + 20}s`, '-timeout_error',
  ];
  const output = await new Promise<string>((resolve) => {
    const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const keep = (d: Buffer) => { out = (out + d.toString()).slice(-20000); };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('close', () => resolve(out));
  });
  phone.close();
  const events = existsSync(trace) ? traceEvents(readFileSync(trace, 'utf8')) : [];
  const inviteAt = events.length > 0 ? (events[0] as SipEvent).atMs : 0;
  for (const e of events) e.atMs -= inviteAt;
  const heard = phone.heard();
  return {
    phone: 'SIPp over UDP (audio: this script, PCMU)', target: `sip:${c.service}@${c.host}:${c.port}`, events,
    ...(heard ? { heard: { rate: 8000, samples: heard.samples, startMs: heard.firstAt - inviteAt } } : {}),
    ...(phone.firstSentAt !== undefined ? { sent: { rate: 8000, samples: phone.sent(), startMs: phone.firstSentAt - inviteAt } } : {}),
    log: output,
  };
}

/** SIPp's -trace_msg file: "-----… 2026-11-21 00:52:01.153458", "UDP message sent|received …", blank, message. */
function traceEvents(text: string): SipEvent[] {
  const events: SipEvent[] = [];
  for (const block of text.split(/^-{20,}/m).slice(1)) {
    const lines = block.split('\n');
    const stamp = /(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(lines[0] ?? '');
    const dir = /message (sent|received)/.exec(lines[1] ?? '');
    const start = lines.slice(2).find((l) => l.trim() !== '');
    if (!stamp || !dir || !start) continue;
    const cseq = /^CSeq:\s*\d+\s+([A-Z]+)/im.exec(block)?.[1];
    const label = sipLabel(start, cseq);
    // SIPp stamps in local time; Date.now() (the RTP side) is on the same clock.
    if (label) events.push({ atMs: new Date(`${stamp[1]}T${stamp[2]}`).getTime(), direction: dir[1] === 'sent' ? 'out' : 'in', label });
  }
  return events;
}
