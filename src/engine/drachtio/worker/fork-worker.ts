/** The drachtio engine's data-plane worker: a ForkHost (mod_audio_fork WebSocket server) with the agent links. */
import { parentPort, workerData } from 'node:worker_threads';
import { realTimers } from '../../../shared/timers.js';
import type { PlaneCommand } from '../../../media/plane/protocol.js';
import { AgentApps } from '../../agent-plane/agent-apps.js';
import { ForkHost } from './fork-host.js';

const init = workerData as { host: string; portMin: number };
const port = parentPort;
if (port) {
  const host = new ForkHost({ host: init.host, port: init.portMin, timers: realTimers, emit: (ev) => port.postMessage(ev), apps: new AgentApps() });
  port.on('message', (cmd: PlaneCommand) => {
    void host.handle(cmd).then(() => {
      if (cmd.op === 'shutdown') port.postMessage({ ev: 'shutdown-done' });
    });
  });
  host.ready().then(() => port.postMessage({ ev: 'ready' }), (e: unknown) => {
    throw e instanceof Error ? e : new Error(String(e)); // the DataPlane reports a worker that fails to boot
  });
}
