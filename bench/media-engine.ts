/**
 * The engine side of `npm run bench:media` and `npm run bench:e2e`: a Switchboard child process (its own config
 * in a temp directory: one open trunk for 127.0.0.0/8, a wide media port range, and one route for every call:
 * a line-test echo, or with `agent` a real agent WebSocket), its data-plane probe (GET /debug/media) and its
 * CPU per thread from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CLK_TCK = 100;

export interface EngineOptions {
  sipPort: number;
  httpPort: number;
  mediaPortMin: number;
  mediaPortMax: number;
  /** media.workers; undefined = Switchboard's default (one per core). */
  workers?: number;
  /** Write V8 CPU profiles (main thread and media workers) into this directory. */
  cpuProfDir?: string;
  /** Extra node flags for the child (e.g. --trace-gc, --max-semi-space-size=16); the media workers inherit them. */
  nodeArgs?: string[];
  /** Pin the engine to these CPUs (taskset -c), e.g. "1" while the generator runs on CPU 0. */
  cpus?: string;
  startTimeoutMs: number;
  /** Route every call to this agent (no line test): bench:e2e's echo agent. */
  agent?: BenchAgentRoute;
  /** engine: drachtio against running servers (calls then go to drachtio-server's SIP port, not sipPort). */
  drachtio?: { host: string; port: number; secret: string; freeswitch: { address: string; port: number; secret: string } };
}

export interface BenchAgentRoute {
  url: string;
  protocol: 'twilio' | 'l16';
  /** The route's budgets.agentConnectMs. */
  connectMs: number;
}

/** The bench dialplan: the agent route, or the line-test echo route (the agent URL is then never used). */
function routeYaml(agent: BenchAgentRoute | undefined): string {
  if (agent) {
    return `routes:
  - name: agent
    match: { trunk: pbx, to: ".*" }
    agent: { url: "${agent.url}", protocol: ${agent.protocol} }
    budgets: { agentConnectMs: ${agent.connectMs} }
`;
  }
  return `routes:
  - name: echo
    match: { trunk: pbx, to: ".*" }
    agent: { url: "ws://127.0.0.1:1/none" }
    lineTest: { kind: echo, delayMs: 0 }
`;
}

export interface LatencySummary { count: number; p50Ms: number; p99Ms: number; maxMs: number }

/** One data-plane thread's window, as GET /debug/media reports it. */
export interface ThreadProbe {
  arrivalToFrame: LatencySummary;
  pacingJitter: LatencySummary;
  /** Agent audio queued ahead of each frame as it left (ms). */
  sendQueue: LatencySummary;
  send: { underruns: number; late: number; trimmed: number };
  sessions: number;
  schedulerMaxLateMs: number;
}

export interface Engine {
  readonly pid: number;
  /** Data-plane latency windows per worker; reset=true starts a new window. */
  probe(reset: boolean): Promise<ThreadProbe[]>;
  /** Ask it to stop (SIGINT: live calls get a BYE) and wait for the exit; SIGKILL after `graceMs`. */
  stop(graceMs: number): Promise<void>;
}

function writeConfig(o: EngineOptions): { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-media-'));
  mkdirSync(join(dir, 'dialplans'));
  writeFileSync(join(dir, 'dialplans', 'bench.yaml'), routeYaml(o.agent));
  writeFileSync(join(dir, 'switchboard.yaml'), `
sip:
  listen: [{ transport: udp, host: 127.0.0.1, port: ${o.sipPort} }]
  publicAddress: 127.0.0.1
  rateLimit: { perSecond: 100000, burst: 100000 }
media:
  host: 127.0.0.1
  portMin: ${o.mediaPortMin}
  portMax: ${o.mediaPortMax}
  inactivityTimeoutSeconds: 0
${o.workers !== undefined ? `  workers: ${o.workers}\n` : ''}http: { host: 127.0.0.1, port: ${o.httpPort} }
log: { level: warn }
dialplans: dialplans/
trunks: [{ name: pbx, addresses: [127.0.0.0/8], srtp: optional, maxCalls: 100000 }]
${o.drachtio ? `engine: drachtio
drachtio: { host: ${o.drachtio.host}, port: ${o.drachtio.port}, secret: "${o.drachtio.secret}", fork: { host: 127.0.0.1, port: 9500 } }
freeswitch: [{ address: ${o.drachtio.freeswitch.address}, port: ${o.drachtio.freeswitch.port}, secret: "${o.drachtio.freeswitch.secret}" }]
` : ''}`);
  return { dir, path: join(dir, 'switchboard.yaml') };
}

export async function startEngine(root: string, o: EngineOptions): Promise<Engine> {
  const { dir, path } = writeConfig(o);
  const prof = o.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', o.cpuProfDir] : [];
  const nodeArgs = [...prof, ...(o.nodeArgs ?? []), '--import', 'tsx', join(root, 'src/main.ts'), '--config', path];
  // taskset execs node, so the child's pid is the engine's.
  const [cmd, args] = o.cpus ? ['taskset', ['-c', o.cpus, process.execPath, ...nodeArgs]] : [process.execPath, nodeArgs];
  const child: ChildProcess = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${o.httpPort}`;
  await new Promise<void>((resolve, reject) => {
    const deadline = setTimeout(() => finish(new Error('switchboard did not start')), o.startTimeoutMs);
    // Log level warn: wait for the HTTP port rather than a log line.
    const poll = setInterval(() => {
      fetch(`${base}/healthz`).then((r) => { if (r.ok) finish(); }, () => undefined);
    }, 200);
    const onExit = (code: number | null): void => finish(new Error(`switchboard exited with ${code}`));
    child.once('exit', onExit);
    function finish(err?: Error): void {
      clearInterval(poll);
      clearTimeout(deadline);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
  });
  const pid = child.pid as number;
  return {
    pid,
    async probe(reset) {
      const r = await fetch(`${base}/debug/media${reset ? '?reset=1' : ''}`);
      if (!r.ok) throw new Error(`GET /debug/media answered ${r.status}`);
      const body = (await r.json()) as { threads: ThreadProbe[] };
      return body.threads;
    },
    async stop(graceMs) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ThreadCpu { tid: number; name: string; seconds: number }

/** utime + stime of every thread of a process (Linux /proc/<pid>/task), in seconds. */
export function threadCpu(pid: number): ThreadCpu[] {
  const out: ThreadCpu[] = [];
  for (const t of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.push({ tid: Number(t), name, seconds: (Number(f[11]) + Number(f[12])) / CLK_TCK });
    } catch {
      // the thread ended between readdir and read
    }
  }
  return out;
}

/** CPU seconds per thread spent between two threadCpu() snapshots, busiest first. */
export function threadCpuDelta(before: ThreadCpu[], after: ThreadCpu[]): ThreadCpu[] {
  const was = new Map(before.map((t) => [t.tid, t.seconds]));
  return after
    .map((t) => ({ tid: t.tid, name: t.name, seconds: t.seconds - (was.get(t.tid) ?? 0) }))
    .filter((t) => t.seconds > 0)
    .sort((a, b) => b.seconds - a.seconds);
}

/**
 * Datagrams the kernel dropped because a socket's receive buffer was full (the `drops` column of
 * /proc/net/udp), summed over the IPv4 sockets bound to a local port in [portMin, portMax].
 */
export function udpDrops(portMin: number, portMax: number): number {
  let drops = 0;
  for (const line of readFileSync('/proc/net/udp', 'utf8').split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const port = parseInt((f[1] ?? '').split(':')[1] ?? '', 16);
    if (port >= portMin && port <= portMax) drops += Number(f[f.length - 1]) || 0;
  }
  return drops;
}

/** Busy and total jiffies of the whole host (/proc/stat), to tell how much else ran during a window. */
export function hostCpu(): { busy: number; total: number; cores: number } {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const f = (lines[0] ?? '').split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = (f[3] ?? 0) + (f[4] ?? 0);
  return { busy: (total - idle) / CLK_TCK, total: total / CLK_TCK, cores: lines.filter((l) => /^cpu\d/.test(l)).length };
}
