/**
 * SIPp as the PBX for `npm run bench:e2e -- --pbx sipp`: N concurrent calls from a real SIPp (the `sip-tester`
 * package), each playing the recorded speech SIPp ships (/usr/share/sip-tester/g711a.pcap: PCMA, 30 ms packets,
 * 7.05 s) in a loop for the whole hold time, then BYE. What comes back (the agent's echo) is received and thrown
 * away: SIPp cannot time it, so the round trip stays bench/media-load.ts's job; this run answers "do N real SIPp
 * calls with pcap audio go through at 0 failed, and at what CPU". pcap playback needs root (raw sockets).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastCount } from '../test/support/sipp.js';

export const SIPP_PCAP = '/usr/share/sip-tester/g711a.pcap';
const PCAP_MS = 7050;

export interface SippLoadOptions {
  /** host:port of Switchboard's SIP listener. */
  target: string;
  calls: number;
  /** Calls per second while placing them. */
  rate: number;
  /** How long each call stays up after its 200 OK. */
  holdSeconds: number;
  /** SIPp's own SIP port. */
  localPort: number;
  /** SIPp's RTP port (all calls share it; Switchboard latches on what arrives). */
  mediaPort: number;
  /** Request-URI user the route matches. */
  service: string;
}

export interface SippVerdict {
  code: number | null;
  successful: number;
  failed: number;
  /** The end of SIPp's screen, for a failure report. */
  output: string;
}

export interface SippLoad {
  pid: number;
  done: Promise<SippVerdict>;
  kill(): void;
}

/** The scenario: INVITE with PCMA at 30 ms, ACK, the pcap played back to back for the hold time, BYE. */
function scenario(holdSeconds: number): string {
  const plays = Math.max(1, Math.ceil((holdSeconds * 1000) / PCAP_MS));
  const play = `  <nop><action><exec play_pcap_audio="${SIPP_PCAP}"/></action></nop>\n  <pause milliseconds="${PCAP_MS}"/>\n`;
  const dialog = (method: string, cseq: string) => `      ${method} [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      [routes]
      From: "pbx" <sip:+37369000001@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: ${cseq}
      Max-Forwards: 70
      Content-Length: 0`;
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="bench e2e: pcap speech for the hold time">
  <send retrans="500">
    <![CDATA[
      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch];rport
      From: "pbx" <sip:+37369000001@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:pbx@[local_ip]:[local_port];transport=[transport]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=pbx 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-16
      a=ptime:30
      a=sendrecv
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true" rrs="true"/>
  <send>
    <![CDATA[
${dialog('ACK', '1 ACK')}
    ]]>
  </send>
${play.repeat(plays)}  <send retrans="500">
    <![CDATA[
${dialog('BYE', '2 BYE')}
    ]]>
  </send>
  <recv response="200" crlf="true"/>
</scenario>
`;
}

export function startSippLoad(o: SippLoadOptions): SippLoad {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-sipp-'));
  const file = join(dir, 'uac-pcap-hold.xml');
  writeFileSync(file, scenario(o.holdSeconds));
  const setupSeconds = o.calls / o.rate;
  const args = [
    o.target, '-sf', file, '-t', 'u1', '-m', String(o.calls), '-l', String(o.calls), '-r', String(o.rate),
    '-s', o.service, '-i', '127.0.0.1', '-p', String(o.localPort), '-mp', String(o.mediaPort),
    '-nostdin', '-trace_screen', '-timeout', `${Math.ceil(setupSeconds + o.holdSeconds + 60)}s`, '-timeout_error', '-max_recv_loops', '2000',
  ];
  const child = spawn('sipp', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer): void => { output = (output + d.toString()).slice(-20_000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const done = new Promise<SippVerdict>((resolve) => {
    child.on('close', (code) => {
      // -trace_screen: SIPp writes its final screen (the call counters) to <scenario>_<pid>_screen.log.
      const screenFile = readdirSync(dir).find((f) => f.endsWith('_screen.log'));
      const screen = screenFile ? readFileSync(join(dir, screenFile), 'utf8') : output;
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, successful: lastCount(screen, 'Successful call'), failed: lastCount(screen, 'Failed call'), output: (output + screen).slice(-3000) });
    });
  });
  return { pid: child.pid as number, done, kill: () => child.kill('SIGKILL') };
}
