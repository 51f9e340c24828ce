import { Type, type Static } from '@sinclair/typebox';
import { IntegrationSchema, type IntegrationDefinition } from '../integrations/schema.js';
import { IntegerEnum, SINGLE_LINE, StringEnum, WithDefault, WithEmptyDefault } from './schema-helpers.js';

/**
 * The schema of one dialplan file (dialplans/*.yaml), published as docs/schema/dialplan.schema.json.
 * Route keys are a public interface: add keys with defaults, never rename.
 */

export const RouteMatch = Type.Object({
  trunk: Type.Optional(Type.String({ minLength: 1, description: 'Name of the trunk the call came from; any trunk when absent.' })),
  to: Type.Optional(Type.String({ description: 'Regular expression tested against the Request-URI user part; any when absent.' })),
  from: Type.Optional(Type.String({ description: 'Regular expression tested against the From URI user part; any when absent.' })),
}, { additionalProperties: false, description: 'All given conditions must hold. Regular expressions are unanchored: use ^ and $.' });

export const Agent = Type.Object({
  url: Type.String({ format: 'websocket-url', description: 'ws:// or wss:// URL of the voice-AI agent.' }),
  protocol: WithDefault(StringEnum(['twilio', 'l16'] as const, { description: 'Audio framing: twilio (Media Streams, 8 kHz mu-law) or l16 (raw 16-bit PCM). Default twilio.' }), 'twilio'),
  sampleRate: WithDefault(IntegerEnum([8000, 16000, 24000] as const, { description: 'Agent audio rate in Hz; twilio supports 8000 only. Default 8000.' }), 8000),
  headers: WithDefault(Type.Record(Type.String(), Type.String({ pattern: SINGLE_LINE }), { description: 'Extra HTTP headers of the WebSocket upgrade request.' }), {}),
  parameters: WithDefault(Type.Record(Type.String(), Type.Unsafe<string | number | boolean>({ type: ['string', 'number', 'boolean'] }), { description: 'Sent to the agent as customParameters of the `start` message.' }), {}),
}, { additionalProperties: false, description: 'The agent that takes the call.' });

const SipUri = Type.String({ pattern: '^sips?:\\S+$', description: 'A SIP or SIPS URI.' });

export const Ringback = Type.Object({
  frequencies: WithDefault(Type.Array(Type.Integer({ minimum: 100, maximum: 4000 }), { minItems: 1, maxItems: 3, description: 'Tone frequencies in Hz, summed. Default [425] (ETSI); [440, 480] is the North American ringback.' }), [425]),
  onMs: WithDefault(Type.Integer({ minimum: 100, maximum: 5000, description: 'Tone on. Default 1000.' }), 1000),
  offMs: WithDefault(Type.Integer({ minimum: 0, maximum: 5000, description: 'Tone off. Default 500: the caller is never left in more than half a second of silence.' }), 500),
  level: WithDefault(Type.Integer({ minimum: 100, maximum: 20000, description: 'Peak amplitude (16-bit scale). Default 6000 (about -15 dBFS).' }), 6000),
}, { additionalProperties: false, description: 'What the caller hears while the operator rings (after the agent falls silent).' });

export const Operator = Type.Object({
  uri: Type.Union([SipUri, Type.Array(SipUri, { minItems: 1, maxItems: 20 })], { description: 'The operator: one SIP URI, or a list hunted in order (bridge: each rings ringTimeoutMs; refer: the next is tried when one fails).' }),
  method: WithDefault(StringEnum(['refer', 'bridge'] as const, { description: 'refer: blind transfer by REFER back to the PBX (RFC 3515); bridge: Switchboard calls the operator and relays audio. Default bridge.' }), 'bridge'),
  fallback: WithDefault(StringEnum(['bridge', 'none'] as const, { description: 'When every REFER fails: bridge to the same operators, or give up (back to the agent / failurePrompt). Default bridge.' }), 'bridge'),
  ringTimeoutMs: WithDefault(Type.Integer({ minimum: 1000, maximum: 300000, description: 'How long each operator rings before the next is tried (bridge). Default 20000.' }), 20000),
  referTimeoutMs: WithDefault(Type.Integer({ minimum: 1000, maximum: 300000, description: 'How long to wait after 202 Accepted for the NOTIFY with the referred call\'s final status. Default 30000.' }), 30000),
  dtmfKey: Type.Optional(Type.String({ pattern: '^[0-9*#A-D]$', description: 'A key the caller presses to reach the operator ("press 0").' })),
  headers: WithDefault(Type.Record(Type.String({ pattern: '^[A-Za-z0-9!#$%&\'*+.^_`|~-]+$' }), Type.String({ pattern: SINGLE_LINE }), { description: 'Context headers for the operator\'s screen, added to the INVITE/REFER beside X-Switchboard-Call-Id and X-Switchboard-Reason.' }), {}),
  from: Type.Optional(Type.String({ pattern: '^(sips?:\\S+|.*<sips?:\\S+>.*)$', description: 'From of the bridged INVITE (URI or name-addr). Default: the caller\'s number at Switchboard\'s public address, so the operator sees who calls.' })),
  auth: Type.Optional(Type.Object({
    username: Type.String({ minLength: 1 }),
    password: Type.String({ minLength: 1, description: 'Use ${ENV_VAR}.' }),
  }, { additionalProperties: false, description: 'Digest credentials if the operator\'s PBX challenges the bridged INVITE (401/407).' })),
  srtp: WithDefault(StringEnum(['off', 'optional', 'required'] as const, { description: 'SRTP of the bridged call: off (RTP), optional (RTP with SDES crypto offered), required (RTP/SAVP). A sips: URI always uses required. Default off.' }), 'off'),
  prompt: Type.Optional(Type.String({ pattern: '^[^/\\\\]+\\.wav$', description: 'WAV file in dialplans/prompts/ played before transferring when no agent can say why (16-bit PCM, any rate).' })),
  failurePrompt: Type.Optional(Type.String({ pattern: '^[^/\\\\]+\\.wav$', description: 'WAV file in dialplans/prompts/ played before hanging up when no operator answered and no agent is left.' })),
  ringback: WithEmptyDefault(Ringback),
}, { additionalProperties: false, description: 'Where calls go when the agent hands over, fails, or an integration fails with onFailure: transfer.' });

export const Budgets = Type.Object({
  agentConnectMs: WithDefault(Type.Integer({ minimum: 1, description: 'Time allowed to connect the agent WebSocket. Default 1500.' }), 1500),
  integrationMs: WithDefault(Type.Integer({ minimum: 1, description: 'Time allowed for each integration call. Default 500.' }), 500),
}, { additionalProperties: false, description: 'Time budgets of the call setup steps.' });

export const Route = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Unique across all dialplan files; used in logs and metrics.' }),
  match: WithEmptyDefault(RouteMatch),
  agent: Agent,
  operator: Type.Optional(Operator),
  integrations: WithDefault(Type.Array(Type.String({ minLength: 1 }), { description: 'Names of integrations (defined in some dialplan file) used by this route.' }), []),
  budgets: WithEmptyDefault(Budgets),
  blacklist: WithDefault(Type.Array(Type.String(), { description: 'Regular expressions on the From user part; matching callers are rejected with 603 Decline.' }), []),
  lineTest: Type.Optional(Type.Object({
    kind: StringEnum(['echo', 'tone'] as const, { description: 'echo: the caller hears themself after delayMs; tone: a steady test tone (1004 Hz by default, the classic milliwatt line test).' }),
    delayMs: WithDefault(Type.Integer({ minimum: 0, maximum: 5000, description: 'Echo delay. Default 500.' }), 500),
    frequency: WithDefault(Type.Integer({ minimum: 100, maximum: 7000, description: 'Tone frequency in Hz. Default 1004.' }), 1004),
  }, { additionalProperties: false, description: 'Answer with a line test instead of the agent: checks the audio path of a trunk end to end.' })),
  ringMs: WithDefault(Type.Integer({ minimum: 0, maximum: 60000, description: 'Let the caller hear ringing at least this long before the call is answered (some PBX queues expect a ring). Default 0.' }), 0),
}, { additionalProperties: false, description: 'Routes are tried in file-name order, then in file order; the first match wins.' });


export const DialplanFileSchema = Type.Object({
  routes: WithDefault(Type.Array(Route), []),
  integrations: WithDefault(Type.Array(IntegrationSchema), []),
}, {
  additionalProperties: false,
  title: 'Switchboard dialplan',
  description: 'One file of the dialplans directory. String values may use ${ENV_VAR} or ${ENV_VAR:-default}.',
});

export type Route = Static<typeof Route>;
export type AgentConfig = Static<typeof Agent>;
export type IntegrationRef = IntegrationDefinition;
export type OperatorConfig = Static<typeof Operator>;
export type DialplanFile = Static<typeof DialplanFileSchema>;
