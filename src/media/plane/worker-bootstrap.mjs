// Loads the TypeScript worker entry through tsx, whatever way the main thread was started.
import { register } from 'tsx/esm/api';

register();
const { runMediaWorker } = await import('./worker-entry.ts');
runMediaWorker();
