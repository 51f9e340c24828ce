/**
 * Integrations: outbound HTTP calls made for a call (caller enrichment, agent tool calls, call-end reports),
 * each under a time budget. See README.md in this folder for the dialplan keys.
 */
export { IntegrationSchema, IntegrationAuthSchema, IntegrationParamSchema, HTTP_METHODS } from './schema.js';
export type { IntegrationDefinition, IntegrationAuth, IntegrationParam, IntegrationTrigger, HttpMethod } from './schema.js';
export { parseIntegration, compileDefinition, IDEMPOTENT_METHODS } from './definition.js';
export { IntegrationRunner } from './integration-runner.js';
export type { IntegrationRunnerOptions, IntegrationMetrics, RunContext } from './integration-runner.js';
export type { Emit, IntegrationEvent, IntegrationResult, IntegrationStatus, IntegrationError } from './decision.js';
export { MemoryCache, cacheKey } from './cache.js';
export type { IntegrationCache, CachedAnswer } from './cache.js';
export type { BreakerState } from './breaker.js';
export type { CallFields } from './template.js';
export type { MappedData } from './response-map.js';
