#!/usr/bin/env node
// `switchboard [start|check] [--config FILE]`: runs the TypeScript sources through tsx's loader.
import { register } from 'tsx/esm/api';

register();
await import('../src/main.ts');
