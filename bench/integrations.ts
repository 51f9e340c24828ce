/**
 * `npm run bench:integrations`: the integration runner against a real HTTP upstream in a child process.
 *
 * 1. Decision time: --calls (500) concurrent calls against an upstream answering after a uniform random
 *    50–2000 ms, budget --budget (500) ms, for --rounds rounds. Prints decision time minus budget (p50, p99,
 *    max), over all calls and over the timed-out ones. Target: p99 <= budget + 5 ms.
 * 2. Overhead: --iterations sequential calls to a fast upstream (immediate JSON), alternating the runner with raw
 *    undici (the same Pool settings, `request` + `body.json()`). Prints p50/p99 of both and the difference.
 *    Target: overhead p50 <= 0.3 ms.
 * Writes bench/results/integrations.json.
 *
 * 3. Expiry → operator INVITE: --calls concurrent calls whose integration (onFailure: transfer) expires against the
 *    slow upstream (latency ≥ budget + 200 ms here, so every one times out); time from each budget's expiry to its
 *    INVITE arriving at an operator in another process (bench/transfer-expiry.ts). Target: p99 <= 20 ms.
 *
 *   npm run bench:integrations -- --calls 500 --budget 500 --rounds 3 --iterations 3000
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { IntegrationRunner, parseIntegration, type IntegrationResult } from '../src/integrations/index.js';
import { expiryToInvite } from './transfer-expiry.js';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '500' },
    budget: { type: 'string', default: '500' },
    rounds: { type: 'string', default: '3' },
    iterations: { type: 'string', default: '3000' },
    'min-latency': { type: 'string', default: '50' },
    'max-latency': { type: 'string', default: '2000' },
  },
});
const calls = Number(values.calls);
const budget = Number(values.budget);
const rounds = Number(values.rounds);
const iterations = Number(values.iterations);
const minLatency = Number(values['min-latency']);
const maxLatency = Number(values['max-latency']);
const root = new URL('..', import.meta.url).pathname;

// The upstream runs in its own process so its timers and sockets do not share our event loop.
const UPSTREAM = `
const http = require('node:http');
const [min, max] = process.argv.slice(1).map(Number);
const body = JSON.stringify({ order: { status: 'shipped', eta: '2024-05-01', lines: [1, 2, 3] } });
const server = http.createServer((req, res) => {
  const send = () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }); res.end(body); };
  if (req.url.startsWith('/slow')) setTimeout(send, min + Math.random() * (max - min)); else send();
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

function startUpstream(min = minLatency, max = maxLatency): Promise<{ child: ChildProcess; origin: string }> {
  const child = spawn(process.execPath, ['-e', UPSTREAM, String(min), String(max)], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout?.once('data', (d: Buffer) => resolve({ child, origin: `http://127.0.0.1:${d.toString().trim()}` }));
    child.once('exit', (code) => reject(new Error(`upstream exited ${code}`)));
  });
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

function stats(samples: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p99: pct(s, 99), max: s[s.length - 1] ?? NaN };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const f = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '-');

async function decisionTime(origin: string) {
  const runner = new IntegrationRunner({
    integrations: [parseIntegration({
      name: 'slow', request: { url: `${origin}/slow/{{params.id}}` }, params: { id: { pattern: '^[0-9]+$' } },
      response: { map: { status: '$.order.status' } }, budgetMs: budget, maxConcurrent: calls,
      breaker: { failures: 1_000_000 }, // measure the deadline, not the breaker
    })],
  });
  const all: number[] = [];
  const timedOut: number[] = [];
  const statuses: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    const done: Promise<void>[] = [];
    for (let i = 0; i < calls; i++) {
      const t0 = performance.now();
      let decided = 0;
      let result: IntegrationResult | undefined;
      const p = runner.run('slow', { id: String(i) }, { id: `b${i}`, call: { id: `c${i}` } }, (e) => {
        if (e.event === 'integrationResult') { decided = performance.now(); result = e.integrationResult; }
      });
      done.push(p.then(() => {
        const over = decided - t0 - budget;
        all.push(over);
        const status = result?.status ?? 'none';
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (status === 'timeout') timedOut.push(over);
      }));
    }
    await Promise.all(done);
    const round = stats(all.slice(-calls));
    console.log(`  round ${r + 1}: decision − budget p50 ${f(round.p50)} ms, p99 ${f(round.p99)} ms, max ${f(round.max)} ms`);
    await sleep(maxLatency + 200); // let the upstream finish the abandoned requests
  }
  await runner.close();
  return { all: stats(all), timedOut: stats(timedOut), statuses };
}

async function overhead(origin: string) {
  const runner = new IntegrationRunner({
    integrations: [parseIntegration({
      name: 'fast', request: { url: `${origin}/fast/{{params.id}}` }, params: { id: { pattern: '^[0-9]+$' } },
      response: { map: { status: '$.order.status' } }, budgetMs: 1000, maxConcurrent: 1,
    })],
  });
  const pool = new Pool(origin, { connections: 1, pipelining: 1, keepAliveTimeout: 4000, headersTimeout: 0, bodyTimeout: 0 });
  const raw = async (i: number): Promise<unknown> => {
    const res = await pool.request({ path: `/fast/${i}`, method: 'GET', headers: { accept: 'application/json' } });
    return res.body.json();
  };
  const viaRunner = (i: number): Promise<IntegrationResult> => runner.run('fast', { id: String(i) }, { id: `o${i}`, call: { id: 'c' } }, () => undefined);
  for (let i = 0; i < 500; i++) { await raw(i); await viaRunner(i); } // warm-up: JIT, connections
  const rawMs: number[] = [];
  const runMs: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const rawFirst = i % 2 === 0;
    for (const which of rawFirst ? ['raw', 'run'] : ['run', 'raw']) {
      const t0 = performance.now();
      if (which === 'raw') { await raw(i); rawMs.push(performance.now() - t0); } else {
        const r = await viaRunner(i);
        if (r.status !== 'ok') throw new Error(`runner answered ${r.status}`);
        runMs.push(performance.now() - t0);
      }
    }
  }
  await pool.close();
  await runner.close();
  const r = stats(rawMs);
  const s = stats(runMs);
  return { raw: r, runner: s, overheadP50: s.p50 - r.p50, overheadP99: s.p99 - r.p99 };
}

async function main(): Promise<void> {
  const { child, origin } = await startUpstream();
  // For the transfer figure every call must time out: an upstream slower than the budget.
  const slow = await startUpstream(budget + 200, budget + 1000);
  const slowOrigin = slow.origin;
  try {
    console.log(`decision time: ${calls} concurrent calls × ${rounds} rounds, upstream ${minLatency}–${maxLatency} ms, budget ${budget} ms`);
    const d = await decisionTime(origin);
    console.log(`overhead: ${iterations} sequential calls each, runner vs raw undici, fast upstream`);
    const o = await overhead(origin);
    console.log(`expiry → operator INVITE: ${calls} concurrent calls, budget ${budget} ms, onFailure: transfer`);
    const e = await expiryToInvite(slowOrigin, calls, budget, 3000);
    const x = stats(e.samples);
    console.log('');
    console.log('| measure | n | p50 (ms) | p99 (ms) | max (ms) | target |');
    console.log('| --- | ---: | ---: | ---: | ---: | --- |');
    console.log(`| decision − budget, all calls | ${d.all.n} | ${f(d.all.p50)} | ${f(d.all.p99)} | ${f(d.all.max)} | p99 ≤ 5 |`);
    console.log(`| decision − budget, timeouts | ${d.timedOut.n} | ${f(d.timedOut.p50)} | ${f(d.timedOut.p99)} | ${f(d.timedOut.max)} | p99 ≤ 5 |`);
    console.log(`| raw undici, fast upstream | ${o.raw.n} | ${f(o.raw.p50, 3)} | ${f(o.raw.p99, 3)} | ${f(o.raw.max, 3)} | |`);
    console.log(`| runner, fast upstream | ${o.runner.n} | ${f(o.runner.p50, 3)} | ${f(o.runner.p99, 3)} | ${f(o.runner.max, 3)} | |`);
    console.log(`| overhead (runner − raw) | | ${f(o.overheadP50, 3)} | ${f(o.overheadP99, 3)} | | p50 ≤ 0.3 |`);
    console.log(`| budget expiry → operator INVITE | ${x.n} | ${f(x.p50)} | ${f(x.p99)} | ${f(x.max)} | p99 ≤ 20 |`);
    console.log(`statuses: ${JSON.stringify(d.statuses)}; transfers started ${e.transfersStarted}, INVITEs seen ${e.invitesSeen} of ${calls}`);
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/integrations.json'), JSON.stringify({
      date: new Date().toISOString(), node: process.version, calls, budget, rounds, iterations, upstreamLatencyMs: [minLatency, maxLatency],
      decisionMinusBudgetMs: d, overheadMs: o, expiryToInviteMs: { ...x, transfersStarted: e.transfersStarted, invitesSeen: e.invitesSeen },
    }, null, 2));
  } finally {
    child.kill();
    slow.child.kill();
  }
}

main().then(() => process.exit(0), (e: unknown) => {
  console.error(e);
  process.exit(1);
});
