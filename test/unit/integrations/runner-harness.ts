import { parseIntegration } from '../../../src/integrations/definition.js';
import type { IntegrationEvent, IntegrationResult } from '../../../src/integrations/decision.js';
import { IntegrationRunner, type IntegrationRunnerOptions } from '../../../src/integrations/integration-runner.js';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.js';
import type { Timers } from '../../../src/shared/timers.js';
import { FakeTimers } from '../../support/fake-timers.js';

/** A runner over real sockets with fake timers (unless given others), its metrics and every event it emitted. */
export interface Harness<T extends Timers> {
  runner: IntegrationRunner;
  timers: T;
  metrics: Metrics;
  events: IntegrationEvent[];
  run(name: string, params?: unknown, id?: string): Promise<IntegrationResult>;
  close(): Promise<void>;
}

export const CALL = { id: 'call-1', from: '+40722000111', to: '100' };

export function harness(defs: Record<string, unknown>[], opts?: Partial<IntegrationRunnerOptions>): Harness<FakeTimers>;
export function harness<T extends Timers>(defs: Record<string, unknown>[], opts: Partial<IntegrationRunnerOptions> & { timers: T }): Harness<T>;
export function harness(defs: Record<string, unknown>[], opts: Partial<IntegrationRunnerOptions> = {}): Harness<Timers> {
  const timers = opts.timers ?? new FakeTimers();
  const metrics = createMetrics({ defaultMetrics: false });
  const runner = new IntegrationRunner({ ...opts, integrations: defs.map((d) => parseIntegration(d)), timers, metrics });
  const events: IntegrationEvent[] = [];
  return {
    runner, timers, metrics, events,
    run: (name, params = {}, id = 'req-1') => runner.run(name, params, { id, call: CALL }, (e) => events.push(e)),
    close: () => runner.close(),
  };
}

/** The results among the emitted events. */
export function results(events: IntegrationEvent[]): IntegrationResult[] {
  return events.flatMap((e) => (e.event === 'integrationResult' ? [e.integrationResult] : []));
}
