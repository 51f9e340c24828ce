/** The engine contract (test/contract/engine-contract.ts) on the embedded engine: always run. */
import { engineContract } from '../contract/engine-contract.js';
import { startTestSwitchboard } from '../support/switchboard.js';

const SIP_PORT = 26900;

engineContract('embedded', async (dialplan) => {
  const sw = await startTestSwitchboard({ sipPort: SIP_PORT, httpPort: 29950, dialplan });
  return { sb: sw.sb, sipHost: '127.0.0.1', sipPort: SIP_PORT, stop: () => sw.stop() };
}, false);
