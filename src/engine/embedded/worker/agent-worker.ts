/** The embedded engine's media worker: media sessions plus their agent links, on one thread. */
import { runMediaWorker } from '../../../media/plane/worker-entry.js';
import { AgentApps } from '../../agent-plane/agent-apps.js';

runMediaWorker(new AgentApps());
