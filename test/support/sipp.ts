/** Runs SIPp (the `sip-tester` package) as a child process and reads its verdict. */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePortPair } from './free-port.js';

export const SCENARIOS = fileURLToPath(new URL('../e2e/sipp/', import.meta.url));

export function hasSipp(): boolean {
  return spawnSync('sh', ['-c', 'command -v sipp'], { stdio: 'ignore' }).status === 0;
}

export interface SippRun {
  scenario: string; // file name under test/e2e/sipp/, or a built-in (-sn) name prefixed with "sn:"
  target: string; // host:port
  transport?: 'u1' | 't1';
  calls?: number;
  rate?: number;
  /** Local address SIPp binds (e.g. 127.0.0.2 to play an unknown source). */
  localIp?: string;
  localPort?: number;
  service?: string;
  extra?: string[];
  timeoutMs?: number;
}

export interface SippResult {
  code: number | null;
  successful: number;
  failed: number;
  output: string;
}

export async function runSipp(r: SippRun): Promise<SippResult> {
  // SIPp binds 5060 by default, which `npm start` (or another run) may hold: always give it a free port.
  const localPort = r.localPort ?? await freePortPair();
  const args = [
    r.target,
    ...(r.scenario.startsWith('sn:') ? ['-sn', r.scenario.slice(3)] : ['-sf', `${SCENARIOS}${r.scenario}`]),
    '-t', r.transport ?? 'u1',
    '-m', String(r.calls ?? 1),
    '-r', String(r.rate ?? 10),
    '-s', r.service ?? '100',
    '-i', r.localIp ?? '127.0.0.1',
    '-p', String(localPort),
    '-nostdin', '-timeout', `${Math.ceil((r.timeoutMs ?? 30000) / 1000)}s`, '-timeout_error',
    '-max_recv_loops', '1000',
    ...(r.extra ?? []),
  ];
  return new Promise((resolve) => {
    const child = spawn('sipp', args, { cwd: '/tmp', stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-20000); });
    child.stderr.on('data', (d: Buffer) => { output = (output + d.toString()).slice(-20000); });
    const kill = setTimeout(() => child.kill('SIGKILL'), (r.timeoutMs ?? 30000) + 10000);
    child.on('close', (code) => {
      clearTimeout(kill);
      resolve({ code, successful: lastCount(output, 'Successful call'), failed: lastCount(output, 'Failed call'), output });
    });
  });
}

/** SIPp's final screen has rows like "Successful call |   0 |   10". The last number is the cumulative count. */
export function lastCount(out: string, label: string): number {
  const rows = out.split('\n').filter((l) => l.includes(label));
  const last = rows[rows.length - 1];
  const nums = last?.match(/\d+/g);
  return nums ? Number(nums[nums.length - 1]) : 0;
}
