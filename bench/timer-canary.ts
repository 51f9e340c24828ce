/**
 * A control for `npm run bench:media`: a separate, otherwise idle Node process that runs a 2 ms timer and
 * records how late it fires. The engine and the load generator share the host's cores; when this process
 * sees the same lateness as the engine's pacing, the jitter comes from the host (CPU contention, scheduling),
 * not from the engine's own work. Driven over the fork() IPC channel: 'start' resets, 'stop' replies with
 * { p50Ms, p99Ms, maxMs, count }.
 */
import { Histogram } from './histogram.js';

const PERIOD_MS = 2;
const late = new Histogram(0.1, 5000);
let measuring = false;
let due = performance.now() + PERIOD_MS;

function tick(): void {
  const now = performance.now();
  if (measuring) late.recordMs(now - due);
  due = Math.max(due + PERIOD_MS, now); // never catch up in bursts: lateness is measured per wake-up
  setTimeout(tick, Math.max(0, due - performance.now()));
}
setTimeout(tick, PERIOD_MS);

process.on('message', (m: unknown) => {
  if (m === 'start') {
    late.reset();
    measuring = true;
  } else if (m === 'stop') {
    measuring = false;
    process.send?.({ ...late.summary(), count: late.count });
  } else if (m === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
