/**
 * The Switchboard the demo calls: the one already answering /healthz on the shipped config's HTTP port, or
 * one started here (`node --import tsx src/main.ts`, as `npm start` runs it) and stopped afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface RunningSwitchboard {
  /** True when this script started it (and will stop it). */
  started: boolean;
  stop(): Promise<void>;
}

export async function isHealthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

export async function ensureSwitchboard(root: string, healthUrl: string, startTimeoutMs: number): Promise<RunningSwitchboard> {
  if (await isHealthy(healthUrl)) return { started: false, stop: async () => undefined };
  if (spawnSync('node', ['scripts/ensure-certs.mjs'], { cwd: root, stdio: 'inherit' }).status !== 0) {
    throw new Error('could not make the dev TLS certificates (scripts/ensure-certs.mjs)');
  }
  const child = spawn('node', ['--import', 'tsx', 'src/main.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (d: Buffer) => { output = (output + d.toString()).slice(-8000); };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  child.on('exit', (code) => { exited = code; });
  const deadline = Date.now() + startTimeoutMs;
  while (!(await isHealthy(healthUrl))) {
    if (exited !== undefined || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Switchboard did not start (${exited !== undefined ? `exit ${exited}` : 'timed out'}):\n${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { started: true, stop: () => stopChild(child) };
}

/** SIGTERM drains (no calls are left by now), SIGKILL if it lingers. */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
