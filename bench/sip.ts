/**
 * `npm run bench:sip`: SIPp's built-in `uac` scenario (INVITE with SDP, 1 s call, BYE) against a Switchboard
 * child process at rising call rates, each held for --duration seconds. Prints, per rate, calls completed and
 * failed, Switchboard's CPU (% of one core), per-call CPU and RSS, then the highest rate sustained with 0 failed
 * calls. Writes bench/results/sip.json. The calls are answered by a line-test echo with media.keepalive none: the
 * media sessions exist (ports bound on the data plane) but SIPp's uac sends no RTP, so nothing flows — this measures
 * signalling, like the drachtio-srf figure it is compared with. One SIPp instance tops out near 1,000 calls/s, so rates above
 * --shard-above are split over two SIPp instances.
 *
 *   npm run bench:sip -- --rates 200,400,600,700,800,1000 --duration 30
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cpuSeconds, rssBytes } from './proc-stats.js';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '100,200,400,600,700,800,900,1000,1200' },
    duration: { type: 'string', default: '30' },
    'shard-above': { type: 'string', default: '800' },
    port: { type: 'string', default: '35060' },
    'stop-on-failure': { type: 'boolean', default: true },
    /**
     * media.workers of the engine. Default 1: these calls carry no RTP, so one data-plane thread is plenty and the
     * figure measures signalling (with the product default, one worker per core, 700 calls/s cost 0.80 of a core here).
     */
    workers: { type: 'string', default: '1' },
  },
});
const rates = (values.rates ?? '').split(',').map(Number).filter((n) => n > 0);
const duration = Number(values.duration);
const shardAbove = Number(values['shard-above']);
const sipPort = Number(values.port);
const root = new URL('..', import.meta.url).pathname;

interface Row { rate: number; achieved: number; calls: number; ok: number; failed: number; cpuPct: number; cpuMsPerCall: number; rssMb: number }

function writeConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  mkdirSync(join(dir, 'dialplans'));
  writeFileSync(join(dir, 'dialplans', 'bench.yaml'), 'routes:\n  - name: bench\n    lineTest: { kind: echo }\n    agent: { url: "ws://127.0.0.1:1/none" }\n');
  writeFileSync(join(dir, 'switchboard.yaml'), `
sip:
  listen: [{ transport: udp, host: 127.0.0.1, port: ${sipPort} }]
  publicAddress: 127.0.0.1
  rateLimit: { perSecond: 100000, burst: 100000 }
media: { host: 127.0.0.1, portMin: 20000, portMax: 59999, keepalive: none${values.workers !== undefined ? `, workers: ${Number(values.workers)}` : ''} }
http: { host: 127.0.0.1, port: ${sipPort + 1000} }
log: { level: warn }
trunks: [{ name: pbx, addresses: [127.0.0.0/8], srtp: off, maxCalls: 100000 }]
`);
  return join(dir, 'switchboard.yaml');
}

function startSwitchboard(config: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts'), '--config', config], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('switchboard did not start')), 15000);
    // log level warn: wait for the HTTP port instead of a log line.
    const poll = setInterval(() => {
      fetch(`http://127.0.0.1:${sipPort + 1000}/healthz`).then((r) => {
        if (r.ok) { clearInterval(poll); clearTimeout(t); resolve(child); }
      }, () => undefined);
    }, 200);
    child.on('exit', (code) => { clearInterval(poll); clearTimeout(t); reject(new Error(`switchboard exited ${code}`)); });
  });
}

function sipp(rate: number, calls: number, localPort: number): Promise<{ ok: number; failed: number }> {
  const args = [`127.0.0.1:${sipPort}`, '-sn', 'uac', '-s', 'bench', '-r', String(rate), '-m', String(calls), '-d', '1000',
    '-p', String(localPort), '-nostdin', '-t', 'u1', '-max_recv_loops', '1000', '-timeout', `${duration + 60}s`];
  return new Promise((resolve) => {
    const c = spawn('sipp', args, { cwd: tmpdir(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-30000); });
    c.stderr.on('data', (d: Buffer) => { out = (out + d.toString()).slice(-30000); });
    c.on('close', () => resolve({ ok: count(out, 'Successful call'), failed: count(out, 'Failed call') }));
  });
}

function count(out: string, label: string): number {
  const rows = out.split('\n').filter((l) => l.includes(label));
  const nums = rows[rows.length - 1]?.match(/\d+/g);
  return nums ? Number(nums[nums.length - 1]) : 0;
}

async function main(): Promise<void> {
  const sb = await startSwitchboard(writeConfig());
  const pid = sb.pid as number;
  const rows: Row[] = [];
  try {
    for (const rate of rates) {
      const calls = rate * duration;
      const shards = rate > shardAbove ? 2 : 1;
      const cpu0 = cpuSeconds(pid);
      const t0 = performance.now();
      const results = await Promise.all(Array.from({ length: shards }, (_, i) => sipp(rate / shards, Math.round(calls / shards), 36000 + i * 10)));
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(pid) - cpu0;
      const ok = results.reduce((a, r) => a + r.ok, 0);
      const failed = results.reduce((a, r) => a + r.failed, 0) + Math.max(0, calls - ok - results.reduce((a, r) => a + r.failed, 0));
      const row = { rate, achieved: ok / Math.max(1, wall - 1), calls, ok, failed, cpuPct: (100 * cpu) / wall, cpuMsPerCall: (1000 * cpu) / Math.max(1, ok), rssMb: rssBytes(pid) / 2 ** 20 };
      rows.push(row);
      console.log(`${String(rate).padStart(6)} calls/s (achieved ${row.achieved.toFixed(0)})  ${String(ok).padStart(7)} ok  ${String(failed).padStart(5)} failed  CPU ${row.cpuPct.toFixed(1).padStart(5)} %  ${row.cpuMsPerCall.toFixed(3)} ms/call  RSS ${row.rssMb.toFixed(0)} MB`);
      if (failed > 0 && values['stop-on-failure']) break;
      await new Promise((r) => setTimeout(r, 3000)); // let 1 s calls and transactions drain between steps
    }
  } finally {
    sb.kill('SIGINT');
  }
  const best = rows.filter((r) => r.failed === 0).reduce<Row | undefined>((a, r) => (!a || r.rate > a.rate ? r : a), undefined);
  console.log('\n| rate (calls/s) | achieved | completed | failed | CPU % of a core | CPU ms/call | RSS MB |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.rate} | ${r.achieved.toFixed(0)} | ${r.ok} | ${r.failed} | ${r.cpuPct.toFixed(1)} | ${r.cpuMsPerCall.toFixed(3)} | ${r.rssMb.toFixed(0)} |`);
  console.log(best ? `\nhighest rate sustained for ${duration} s with 0 failed calls: ${best.rate} calls/s at ${best.cpuPct.toFixed(1)} % of a core` : '\nno rate completed without failures');
  mkdirSync(join(root, 'bench/results'), { recursive: true });
  writeFileSync(join(root, 'bench/results/sip.json'), JSON.stringify({ date: new Date().toISOString(), duration, rows, best }, null, 2));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
