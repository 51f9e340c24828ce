/**
 * bench:integrations, third figure: time from an integration's budget expiry to the operator INVITE leaving.
 *
 * The control plane runs for real in this process: an in-process Switchboard (its SIP stack and media workers),
 * the IntegrationRunner against the slow upstream, and for each call the call layer's `Call` with the route's
 * operator (method bridge). Only the caller's leg is a stand-in (FakeLeg: it records what the call asks of it).
 * Each call's agent asks for the integration; at expiry the call transfers: TransferController → engine.originate
 * (media port on a worker) → INVITE over UDP to an "operator" in a child process, which stamps its arrival
 * (epoch µs clock shared by both processes) and rings (180) until Switchboard CANCELs it at ringTimeoutMs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Call } from '../src/call/call.js';
import type { InboundCallInfo } from '../src/engine/engine.js';
import type { EmbeddedEngine } from '../src/engine/embedded/embedded-engine.js';
import { IntegrationRunner, parseIntegration } from '../src/integrations/index.js';
import { silentLogger } from '../src/observability/logger.js';
import { realTimers } from '../src/shared/timers.js';
import { startTestSwitchboard } from '../test/support/switchboard.js';
import { FakeLeg } from '../test/unit/transfer/fake-leg.js';

const WARMUP_CALLS = 50;
const epochMs = (): number => performance.timeOrigin + performance.now();

const OPERATOR = `
const dgram = require('node:dgram');
const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
const seen = {};
const line = (text, n) => (new RegExp('\\r\\n(' + n + ':[^\\r]*)', 'i').exec(text) || [])[1];
const reply = (text, r, status, cseq) => {
  const res = ['SIP/2.0 ' + status, ...text.split('\\r\\n').filter((l) => /^Via:/i.test(l)), line(text, 'From'), line(text, 'To') + ';tag=op',
    line(text, 'Call-ID'), cseq || line(text, 'CSeq'), 'Content-Length: 0', '', ''].join('\\r\\n');
  s.send(res, r.port, r.address);
};
s.on('message', (m, r) => {
  const at = performance.timeOrigin + performance.now();
  const text = m.toString('latin1');
  if (text.startsWith('INVITE ')) {
    const id = /\\r\\nX-Switchboard-Call-Id: ([^\\r]+)/i.exec(text);
    if (id && !(id[1] in seen)) seen[id[1]] = at;
    reply(text, r, '180 Ringing'); // an operator's phone rings; Switchboard CANCELs at ringTimeoutMs
  } else if (text.startsWith('CANCEL ')) {
    reply(text, r, '200 OK');
    reply(text, r, '487 Request Terminated', line(text, 'CSeq').replace('CANCEL', 'INVITE'));
  }
});
process.on('message', (m) => { if (m === 'report') process.send(seen); });
s.bind(0, '127.0.0.1', () => process.send({ port: s.address().port }));
`;

function startOperator(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', OPERATOR], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve) => child.once('message', (m) => resolve({ child, port: (m as { port: number }).port })));
}

export interface ExpiryResult {
  samples: number[];
  invitesSeen: number;
  transfersStarted: number;
}

export async function expiryToInvite(origin: string, calls: number, budget: number, settleMs: number): Promise<ExpiryResult> {
  const op = await startOperator();
  const sw = await startTestSwitchboard({ sipPort: 27900, httpPort: 29900, mediaPortMin: 30000 });
  const runner = new IntegrationRunner({
    integrations: [parseIntegration({
      name: 'slow', request: { url: `${origin}/slow/{{params.id}}` }, params: { id: { pattern: '^[0-9]+$' } },
      response: { map: { status: '$.order.status' } }, budgetMs: budget, maxConcurrent: calls, onFailure: 'transfer',
      breaker: { failures: 1_000_000 },
    })],
  });
  const route = {
    name: 'bench', ringMs: 0, integrations: ['slow'],
    agent: { url: 'ws://127.0.0.1:1/none', protocol: 'twilio' as const, sampleRate: 8000 as const, headers: {}, parameters: {} },
    budgets: { agentConnectMs: 1000, integrationMs: budget },
    operator: {
      uri: `sip:operator@127.0.0.1:${op.port}`, method: 'bridge' as const, fallback: 'bridge' as const, ringTimeoutMs: 2000, referTimeoutMs: 5000,
      headers: {}, srtp: 'off' as const, ringback: { frequencies: [425], onMs: 1000, offMs: 500, level: 6000 },
    },
  };
  const expiry = new Map<string, number>();
  let transfersStarted = 0;
  try {
    // Warm-up (JIT, worker socket paths): a production server has placed calls before; then the measured herd.
    await wave(WARMUP_CALLS, 'warm');
    await new Promise((r) => setTimeout(r, budget + 2500)); // past the warm-up calls' ring timeout (CANCEL)
    expiry.clear();
    transfersStarted = 0;
    const profiler = process.env.BENCH_PROFILE ? await startProfile() : undefined;
    await wave(calls, 'call');
    await new Promise((r) => setTimeout(r, budget + 300));
    await profiler?.();
    await new Promise((r) => setTimeout(r, settleMs - 300));
    const seen = await new Promise<Record<string, number>>((resolve) => {
      op.child.once('message', (m) => resolve(m as Record<string, number>));
      op.child.send('report');
    });
    const samples = Object.entries(seen).flatMap(([id, at]) => {
      const e = expiry.get(id);
      return e === undefined ? [] : [at - e];
    });
    return { samples, invitesSeen: samples.length, transfersStarted };
  } finally {
    await runner.close();
    await sw.stop();
    op.child.kill();
  }

  async function wave(n: number, tag: string): Promise<void> {
    for (let i = 0; i < n; i++) {
      const id = `00000000-0000-4000-8000-${tag === 'warm' ? 'ffff' : '0000'}${String(i).padStart(8, '0')}`;
      const inbound: InboundCallInfo = {
        id, sipCallId: `${id}@bench`, trunk: 'pbx', from: { user: '+37369000001', uri: 'sip:+37369000001@pbx' }, to: { user: '100', uri: 'sip:100@sb' },
        requestUri: 'sip:100@sb', source: { address: '127.0.0.1', port: 5060, transport: 'udp' }, secureMedia: false, header: () => undefined,
      };
      const leg = new FakeLeg(id);
      new Call({
        inbound, leg, route, log: silentLogger(), timers: realTimers, runner, agentConnected: true,
        transferDeps: { originate: (req) => sw.sb.engine.originate(req), prepareOriginate: (req) => (sw.sb.engine as EmbeddedEngine).prepareOriginate(req), publicAddress: '127.0.0.1', promptPath: (n) => n },
        hooks: { dtmf: () => undefined, agent: () => undefined, integration: () => undefined, transfer: (e) => { if (e.type === 'transfer.started') transfersStarted++; } },
      });
      expiry.set(id, epochMs() + budget);
      leg.emitAgent({ type: 'control', event: { event: 'integration', integration: { id: `q${i}`, name: 'slow', params: { id: String(i) } } } });
    }
  }
}

/** BENCH_PROFILE=<file>: a CPU profile of the measured wave (open in Chrome DevTools). */
async function startProfile(): Promise<() => Promise<void>> {
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(process.env.BENCH_PROFILE as string, JSON.stringify(profile));
    session.disconnect();
  };
}
