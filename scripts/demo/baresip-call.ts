/**
 * The demo call placed by baresip over TLS: it plays the caller tone, records what it hears (sndfile) and
 * prints a SIP trace (-s), each line of which is timestamped here as it arrives.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readWav } from '../../test/support/audio.js';
import { sipLabel, type CallObservation, type SipEvent } from './call-observation.js';
import { callerTone, writeWav } from './caller-tone.js';

export function hasBaresip(): boolean {
  return spawnSync('sh', ['-c', 'command -v baresip'], { stdio: 'ignore' }).status === 0;
}

export interface BaresipDemoCall {
  /** sip:100@127.0.0.1:5061;transport=tls */
  target: string;
  /** Switchboard's TLS port: trace lines toward it are the phone's. */
  switchboardPort: number;
  /** baresip's SIP port (its TLS listener is this + 1). */
  localPort: number;
  caFile: string;
  seconds: number;
}

const ANSI = /\x1b\[[0-9;]*m/g;

export function callWithBaresip(c: BaresipDemoCall): Promise<CallObservation> {
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-demo-'));
  writeWav(join(dir, 'caller.wav'), callerTone(c.seconds + 1));
  writeFileSync(join(dir, 'config'), [
    `sip_listen 127.0.0.1:${c.localPort}`, `sip_cafile ${c.caFile}`, 'net_interface 127.0.0.1',
    `audio_source aufile,${join(dir, 'caller.wav')}`, 'audio_player aubridge,nil', 'audio_alert aubridge,nil',
    'rtcp_mux no', `snd_path ${dir}`, 'module_path /usr/lib/baresip/modules',
    ...['stdio', 'g711', 'aufile', 'aubridge', 'sndfile'].map((m) => `module ${m}.so`),
    'module_app account.so', 'module_app menu.so', '',
  ].join('\n'));
  writeFileSync(join(dir, 'accounts'), '<sip:demo@127.0.0.1;transport=tls>;regint=0;audio_codecs=pcmu\n');

  const t0 = performance.now();
  const lines: Array<{ at: number; text: string }> = [];
  let partial = '';
  const onData = (d: Buffer): void => {
    const at = performance.now() - t0;
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) lines.push({ at, text: p.replace(ANSI, '').trimEnd() });
  };
  return new Promise((resolve) => {
    const child = spawn('baresip', ['-f', dir, '-s', '-e', `/dial ${c.target}`, '-t', String(c.seconds)], {
      env: { ...process.env, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', onData);
    child.stderr.on('data', () => undefined); // a once-a-second bitrate line
    const kill = setTimeout(() => child.kill('SIGKILL'), (c.seconds + 15) * 1000);
    child.on('close', () => {
      clearTimeout(kill);
      if (partial) lines.push({ at: performance.now() - t0, text: partial.replace(ANSI, '') });
      resolve(observe(c, dir, lines));
    });
  });
}

function observe(c: BaresipDemoCall, dir: string, lines: Array<{ at: number; text: string }>): CallObservation {
  const events = traceEvents(lines, c.switchboardPort);
  const invite = events.find((e) => e.direction === 'out' && e.label === 'INVITE')?.atMs ?? 0;
  for (const e of events) e.atMs -= invite;
  const lineAt = (re: RegExp) => lines.find((l) => re.test(l.text))?.at;
  const rtpAt = lineAt(/incoming rtp for 'audio' established/);
  const sourceAt = lineAt(/audio: source started/);
  const file = (suffix: string) => readdirSync(dir).find((f) => f.endsWith(suffix));
  const dec = file('-dec.wav');
  const enc = file('-enc.wav');
  return {
    phone: 'baresip over TLS', target: c.target, events,
    ...(dec && rtpAt !== undefined ? { heard: { ...readWav(join(dir, dec)), startMs: rtpAt - invite } } : {}),
    ...(enc && sourceAt !== undefined ? { sent: { ...readWav(join(dir, enc)), startMs: sourceAt - invite } } : {}),
    log: lines.map((l) => l.text).join('\n'),
  };
}

/**
 * baresip's SIP trace: a "#" line, then "TLS 127.0.0.1:a -> 127.0.0.1:b", the start line, headers, a blank
 * line, maybe a body.
 */
function traceEvents(lines: Array<{ at: number; text: string }>, switchboardPort: number): SipEvent[] {
  const events: SipEvent[] = [];
  for (let i = 0; i < lines.length; i++) {
    if ((lines[i] as { text: string }).text !== '#') continue;
    const route = /^\w+ \S+:(\d+) -> \S+:(\d+)$/.exec(lines[i + 1]?.text.trim() ?? '');
    const start = lines[i + 2];
    if (!route || !start) continue;
    let cseq: string | undefined;
    for (let j = i + 3; j < lines.length && (lines[j] as { text: string }).text !== ''; j++) {
      const m = /^CSeq:\s*\d+\s+([A-Z]+)/i.exec((lines[j] as { text: string }).text);
      if (m) cseq = m[1];
    }
    const label = sipLabel(start.text, cseq);
    if (label) events.push({ atMs: start.at, direction: Number(route[2]) === switchboardPort ? 'out' : 'in', label });
  }
  return events;
}
