// Loads the TypeScript fork worker through tsx, whatever way the main thread was started.
import { register } from 'tsx/esm/api';

register();
await import('./fork-worker.ts');
