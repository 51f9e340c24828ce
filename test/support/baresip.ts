/**
 * Runs baresip (package baresip-core) as a headless phone: writes a config directory, dials, and quits
 * after a set time (hanging up with BYE). See ../shared/test-peers.md for the settings that matter.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CERTS } from './switchboard.js';

export function hasBaresip(): boolean {
  return spawnSync('sh', ['-c', 'command -v baresip'], { stdio: 'ignore' }).status === 0;
}

export interface BaresipCall {
  /** URI to dial, e.g. sip:200@127.0.0.1:25061;transport=tls; absent: wait for a call and answer it. */
  target?: string;
  /** Local SIP port (its TLS listener is this + 1). */
  sipPort: number;
  /** 8 kHz mono S16 WAV to send. */
  sourceWav: string;
  /** Seconds before baresip quits (hanging up). */
  seconds: number;
  /** mediaenc account option, e.g. srtp-mand. */
  mediaenc?: string;
  codecs?: string;
  /** Called once baresip is listening ("baresip is ready."). */
  onReady?: () => void;
}

export interface BaresipResult {
  output: string;
  established: boolean;
  /** Files recorded by the sndfile module (…-dec.wav: what it heard, …-enc.wav: what it sent). */
  recordings: string[];
  dir: string;
}

export function runBaresip(c: BaresipCall): Promise<BaresipResult> {
  const dir = mkdtempSync(join(tmpdir(), 'baresip-'));
  const config = [
    `sip_listen 127.0.0.1:${c.sipPort}`,
    `sip_cafile ${join(CERTS, 'ca.crt')}`,
    'net_interface 127.0.0.1',
    `audio_source aufile,${c.sourceWav}`,
    'audio_player aubridge,nil',
    'audio_alert aubridge,nil',
    'rtcp_mux no',
    `snd_path ${dir}`,
    ...(c.target ? [] : [`sip_certificate ${join(dir, 'cert.pem')}`]),
    'module_path /usr/lib/baresip/modules',
    'module stdio.so', 'module g711.so', 'module aufile.so', 'module aubridge.so', 'module srtp.so', 'module sndfile.so',
    'module_app account.so', 'module_app menu.so',
  ].join('\n');
  writeFileSync(join(dir, 'config'), `${config}\n`);
  if (!c.target) writeFileSync(join(dir, 'cert.pem'), Buffer.concat([readFileSync(join(CERTS, 'server.crt')), readFileSync(join(CERTS, 'server.key'))]));
  const opts = [`audio_codecs=${c.codecs ?? 'pcmu'}`, ...(c.mediaenc ? [`mediaenc=${c.mediaenc}`] : []), ...(c.target ? [] : ['answermode=auto'])].join(';');
  writeFileSync(join(dir, 'accounts'), `<sip:caller@127.0.0.1;transport=tls>;regint=0;${opts}\n`);
  return new Promise((resolve) => {
    const args = ['-f', dir, ...(c.target ? ['-e', `/dial ${c.target}`] : []), '-t', String(c.seconds)];
    const child = spawn('baresip', args, {
      env: { ...process.env, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let ready = false;
    child.stdout.on('data', (d: Buffer) => {
      output += d.toString();
      if (!ready && output.includes('baresip is ready')) {
        ready = true;
        c.onReady?.();
      }
    });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    const kill = setTimeout(() => child.kill('SIGKILL'), (c.seconds + 10) * 1000);
    child.on('close', () => {
      clearTimeout(kill);
      const recordings = readdirSync(dir).filter((f) => f.endsWith('.wav')).map((f) => join(dir, f));
      resolve({ output, established: /Call established/.test(output), recordings, dir });
    });
  });
}
