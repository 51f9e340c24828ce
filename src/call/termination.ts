/**
 * Every way a call can end, as one table: SIP status (before answer), termination reason and metric label.
 * Call code picks an outcome by name; nothing else invents status codes.
 */
import type { EndCause, Rejection } from '../engine/engine.js';

export const REJECTIONS = {
  trunkBusy: { status: 503, reason: 'Trunk Call Limit Reached', label: 'trunk_max_calls' },
  noRoute: { status: 404, reason: 'Not Found', label: 'no_route' },
  blacklisted: { status: 603, reason: 'Decline', label: 'blacklisted' },
  draining: { status: 503, reason: 'Service Unavailable', label: 'draining' },
  integrationFailed: { status: 480, reason: 'Integration Failed', label: 'integration_failed' },
  internal: { status: 500, reason: 'Server Internal Error', label: 'internal_error' },
} as const satisfies Record<string, Rejection>;

export type Outcome = Rejection['label'] | 'caller_cancelled' | `ended_${EndCause}`;

export function endedLabel(cause: EndCause): Outcome {
  return `ended_${cause}`;
}
