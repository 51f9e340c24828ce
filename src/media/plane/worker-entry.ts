/** The media worker: one MediaHost driven through the parent port (with an optional AppProvider). */
import { parentPort, workerData } from 'node:worker_threads';
import { realTimers } from '../../shared/timers.js';
import type { AppProvider } from '../apps/media-app.js';
import { MediaHost } from './media-host.js';
import type { PlaneCommand } from './protocol.js';

interface WorkerInit {
  host: string;
  portMin: number;
  portMax: number;
}

export function runMediaWorker(apps?: AppProvider): void {
  const init = workerData as WorkerInit;
  const port = parentPort;
  if (!port) return;
  const host = new MediaHost({ ...init, timers: realTimers, emit: (ev) => port.postMessage(ev), ...(apps ? { apps } : {}) });
  port.on('message', (cmd: PlaneCommand) => {
    void host.handle(cmd).then(() => {
      if (cmd.op === 'shutdown') port.postMessage({ ev: 'shutdown-done' });
    });
  });
  port.postMessage({ ev: 'ready' });
}
