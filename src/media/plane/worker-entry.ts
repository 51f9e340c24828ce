/** The media worker: one MediaHost driven through the parent port. */
import { parentPort, workerData } from 'node:worker_threads';
import { realTimers } from '../../shared/timers.js';
import { MediaHost } from './media-host.js';
import type { PlaneCommand } from './protocol.js';

interface WorkerInit {
  host: string;
  portMin: number;
  portMax: number;
}

const init = workerData as WorkerInit;
const port = parentPort;
if (port) {
  const host = new MediaHost({ ...init, timers: realTimers, emit: (ev) => port.postMessage(ev) });
  port.on('message', (cmd: PlaneCommand) => {
    void host.handle(cmd).then(() => {
      if (cmd.op === 'shutdown') port.postMessage({ ev: 'shutdown-done' });
    });
  });
}
