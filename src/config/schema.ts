import { Type, type Static } from '@sinclair/typebox';
import { FilledByLoader, StringEnum, WithDefault, WithEmptyDefault } from './schema-helpers.js';

/**
 * The schema of switchboard.yaml: the TypeScript type of the loaded config and the JSON Schema published as
 * docs/schema/switchboard.schema.json (regenerate with `npm run schema`). Keys are a public interface: add
 * keys with defaults, never rename. `format`s are checked by the loader (see formats.ts).
 */

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Millis = (description: string) => Type.Integer({ minimum: 1, description });

export const TRANSPORTS = ['udp', 'tcp', 'tls'] as const;
export const Transport = StringEnum(TRANSPORTS, { description: 'SIP transport.' });

export const Listener = Type.Object({
  transport: Transport,
  host: Type.String({ format: 'ip-address', description: 'Local IP address to bind (0.0.0.0 or :: for all).' }),
  port: Port,
}, { additionalProperties: false, description: 'One SIP listening socket.' });

/** RFC 3261 §17 timer values. B, F, H and J default to 64*T1 (computed by the transaction layer). */
export const SipTimers = Type.Object({
  t1Ms: WithDefault(Millis('T1: round-trip time estimate, RFC 3261 §17.1.1.1. Default 500.'), 500),
  t2Ms: WithDefault(Millis('T2: longest retransmit interval for non-INVITE requests and INVITE responses, RFC 3261 §17.1.2.2. Default 4000.'), 4000),
  t4Ms: WithDefault(Millis('T4: longest time a message stays in the network, RFC 3261 §17.1.2.2. Default 5000.'), 5000),
  timerBMs: Type.Optional(Millis('Timer B: INVITE client transaction timeout, RFC 3261 §17.1.1.2. Default 64*T1.')),
  timerFMs: Type.Optional(Millis('Timer F: non-INVITE client transaction timeout, RFC 3261 §17.1.2.2. Default 64*T1.')),
  timerHMs: Type.Optional(Millis('Timer H: wait for the ACK of a final INVITE response, RFC 3261 §17.2.1. Default 64*T1.')),
  timerJMs: Type.Optional(Millis('Timer J: wait for request retransmissions in a non-INVITE server transaction (UDP), RFC 3261 §17.2.2. Default 64*T1.')),
}, { additionalProperties: false, description: 'SIP transaction timers (RFC 3261 §17, Table 4).' });

export const SipTls = Type.Object({
  cert: Type.String({ minLength: 1, description: 'PEM certificate (chain) file; relative paths resolve against the config file directory.' }),
  key: Type.String({ minLength: 1, description: 'PEM private key file.' }),
  ca: Type.Optional(Type.String({ minLength: 1, description: 'PEM CA bundle used to verify client certificates (mTLS).' })),
  minVersion: WithDefault(StringEnum(['TLSv1.2', 'TLSv1.3'] as const, { description: 'Oldest TLS version accepted. Default TLSv1.2.' }), 'TLSv1.2'),
  requestClientCert: WithDefault(Type.Boolean({ description: 'Ask TLS clients for a certificate (needed by trunks with tlsClientCert.required). Default false.' }), false),
}, { additionalProperties: false, description: 'Certificate and key for the TLS listener.' });

export const SessionTimers = Type.Object({
  enabled: WithDefault(Type.Boolean({ description: 'Offer and honour session timers. Default true.' }), true),
  sessionExpires: WithDefault(Type.Integer({ minimum: 90, description: 'Session-Expires in seconds, RFC 4028 §4. Default 1800.' }), 1800),
  minSE: WithDefault(Type.Integer({ minimum: 90, description: 'Min-SE in seconds; RFC 4028 §5 forbids less than 90. Default 90.' }), 90),
}, { additionalProperties: false, description: 'SIP session timers (RFC 4028).' });

export const RateLimit = Type.Object({
  perSecond: WithDefault(Type.Integer({ minimum: 1, description: 'Sustained out-of-dialog requests per second per source address (in-dialog requests, ACK and CANCEL are not counted). Default 500.' }), 500),
  burst: WithDefault(Type.Integer({ minimum: 1, description: 'Token bucket size per source address. Default 1000.' }), 1000),
}, { additionalProperties: false, description: 'Per-source-address limit on incoming SIP requests.' });

export const Sip = Type.Object({
  listen: Type.Array(Listener, { minItems: 1, description: 'Sockets to listen on.' }),
  publicAddress: Type.String({ format: 'host', description: 'IP address or host name written into Via, Contact and SDP.' }),
  tls: Type.Optional(SipTls),
  unknownSources: WithDefault(StringEnum(['drop', 'reject'] as const, { description: 'Requests from addresses of no trunk: drop silently, or reject with 403. Default drop.' }), 'drop'),
  timers: WithEmptyDefault(SipTimers),
  maxMessageBytes: WithDefault(Type.Integer({ minimum: 1024, maximum: 1048576, description: 'Largest SIP message accepted, in bytes. Default 65535.' }), 65535),
  userAgent: WithDefault(Type.String({ minLength: 1, description: 'User-Agent and Server header value. Default "Switchboard".' }), 'Switchboard'),
  sessionTimers: WithEmptyDefault(SessionTimers),
  rateLimit: WithEmptyDefault(RateLimit),
  nonceTtlSeconds: WithDefault(Type.Integer({ minimum: 1, description: 'Lifetime of a digest nonce, in seconds. Default 300.' }), 300),
  digestSecret: FilledByLoader(Type.String({ minLength: 16, description: 'Secret that signs digest nonces. Default: random per process (set it when several instances share trunks).' })),
}, { additionalProperties: false, description: 'SIP signalling.' });

export const Media = Type.Object({
  host: WithDefault(Type.String({ format: 'ip-address', description: 'Local IP address RTP sockets bind to. Default 127.0.0.1.' }), '127.0.0.1'),
  portMin: WithDefault(Type.Integer({ minimum: 1, maximum: 65535, multipleOf: 2, description: 'First RTP port (even; RTCP uses the next odd port). Default 20000.' }), 20000),
  portMax: WithDefault(Type.Integer({ minimum: 1, maximum: 65535, description: 'Last RTP/RTCP port. Default 29999.' }), 29999),
  workers: Type.Optional(Type.Integer({ minimum: 0, maximum: 64, description: 'Media worker threads (the data plane). Default: one per CPU core (media-heavy loads such as SRTP or agent calls need them); 0 runs media on the main thread.' })),
  codecs: WithDefault(Type.Array(StringEnum(['PCMU', 'PCMA', 'G722'] as const), { minItems: 1, uniqueItems: true, description: 'Audio codecs in preference order. Default [PCMU, PCMA, G722].' }), ['PCMU', 'PCMA', 'G722']),
  ptimeMs: WithDefault(Type.Integer({ minimum: 10, maximum: 60, multipleOf: 10, description: 'Packetisation time we send unless the peer asks for another. Default 20.' }), 20),
  symmetricRtp: WithDefault(Type.Boolean({ description: 'Send RTP to where the caller\'s media actually comes from (NAT latching). Default true.' }), true),
  inactivityTimeoutSeconds: WithDefault(Type.Integer({ minimum: 0, description: 'End a call when no RTP arrives this long while receiving (hold does not count; 0 = never). Default 30.' }), 30),
  keepalive: WithDefault(StringEnum(['silence', 'none'] as const, { description: 'When the agent sends nothing: keep sending encoded silence (keeps PBX media timeouts quiet) or send nothing. Default silence.' }), 'silence'),
  jitterMinMs: WithDefault(Type.Integer({ minimum: 0, maximum: 1000, description: 'Shortest wait for a missing packet before it is concealed. Default 20.' }), 20),
  jitterMaxMs: WithDefault(Type.Integer({ minimum: 0, maximum: 1000, description: 'Longest wait for a missing packet (adaptive, from jitter). Default 120.' }), 120),
  rtcpIntervalMs: WithDefault(Type.Integer({ minimum: 1000, description: 'Mean RTCP report interval (randomised ±50 %). Default 5000.' }), 5000),
  recordDir: Type.Optional(Type.String({ minLength: 1, description: 'Record every call as <call id>-in.wav (caller) and -out.wav (sent), relative to this file. With engine: drachtio, FreeSWITCH records <call id>.wav (both directions) into this directory on its own host.' })),
}, { additionalProperties: false, description: 'RTP media ports (embedded engine).' });

export const Http = Type.Object({
  host: WithDefault(Type.String({ format: 'host', description: 'Address the HTTP server (/metrics, /healthz) binds to. Default 127.0.0.1.' }), '127.0.0.1'),
  port: WithDefault(Type.Integer({ minimum: 1, maximum: 65535, description: 'HTTP port. Default 8080.' }), 8080),
}, { additionalProperties: false, description: 'HTTP control server.' });

export const Digest = Type.Object({
  realm: WithDefault(Type.String({ minLength: 1, description: 'Digest realm. Default "switchboard".' }), 'switchboard'),
  username: Type.String({ minLength: 1 }),
  password: Type.String({ minLength: 1, description: 'Use ${ENV_VAR} rather than writing the secret in the file.' }),
  algorithms: WithDefault(Type.Array(StringEnum(['MD5', 'SHA-256', 'SHA-512-256'] as const), { minItems: 1, uniqueItems: true, description: 'Challenge algorithms, most preferred first (RFC 8760). Default [MD5, SHA-256]: many PBXs and SIPp answer only the first challenge and know only MD5; use [SHA-256, MD5] when your PBX follows RFC 8760.' }), ['MD5', 'SHA-256']),
}, { additionalProperties: false, description: 'Challenge requests from this trunk with digest authentication (RFC 3261 §22).' });

export const TlsClientCert = Type.Object({
  required: WithDefault(Type.Boolean({ description: 'Refuse TLS connections of this trunk without a verified client certificate. Default false.' }), false),
  subjects: WithDefault(Type.Array(Type.String({ minLength: 1 }), { description: 'Accepted certificate subjects (CN or subjectAltName); empty accepts any verified certificate.' }), []),
}, { additionalProperties: false, description: 'Mutual TLS for this trunk.' });

export const Trunk = Type.Object({
  name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*$', description: 'Unique name, used by dialplans, logs and metrics.' }),
  addresses: Type.Array(Type.String({ format: 'cidr' }), { minItems: 1, description: 'Source addresses (CIDR, or a bare IP for one host) this trunk sends from.' }),
  transports: FilledByLoader(Type.Array(Transport, { minItems: 1, uniqueItems: true, description: 'Transports the trunk may use. Default: every transport with a listener.' })),
  srtp: WithDefault(StringEnum(['off', 'optional', 'required'] as const, { description: 'SRTP (RFC 4568 SDES) policy. Default optional.' }), 'optional'),
  digest: Type.Optional(Digest),
  maxCalls: WithDefault(Type.Integer({ minimum: 1, description: 'Concurrent call limit for this trunk. Default 100.' }), 100),
  tlsClientCert: WithEmptyDefault(TlsClientCert),
}, { additionalProperties: false, description: 'A PBX or carrier allowed to send calls.' });

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const Log = Type.Object({
  level: WithDefault(StringEnum(LOG_LEVELS, { description: 'Default info.' }), 'info'),
  redact: WithDefault(Type.Boolean({ description: 'Redact phone numbers, SIP URIs and secrets from logs. Default true.' }), true),
}, { additionalProperties: false, description: 'Logging.' });

export const Shutdown = Type.Object({
  graceSeconds: WithDefault(Type.Integer({ minimum: 0, description: 'On SIGTERM, how long calls in progress may continue before they are ended. Default 30.' }), 30),
}, { additionalProperties: false, description: 'Graceful shutdown.' });

export const Calls = Type.Object({
  maxDurationSeconds: WithDefault(Type.Integer({ minimum: 1, description: 'Calls are ended after this long. Default 3600.' }), 3600),
  ringingTimeoutMs: WithDefault(Type.Integer({ minimum: 1, description: 'How long an outgoing leg (e.g. to the operator) may ring before it is abandoned. Default 30000.' }), 30000),
}, { additionalProperties: false, description: 'Per-call limits.' });

export const Agents = Type.Object({
  maxBufferedBytes: WithDefault(Type.Integer({ minimum: 4096, description: 'Most bytes queued toward one agent before audio to it is dropped (a slow agent never grows memory). Default 131072.' }), 131072),
}, { additionalProperties: false, description: 'The WebSocket link to voice-AI agents.' });

export const DemoAgent = Type.Object({
  enabled: WithDefault(Type.Boolean({ description: 'Run the built-in demo agent beside Switchboard: a Twilio-dialect WebSocket bot that greets with three rising beeps, echoes the caller and answers DTMF keys with their tones. Default false.' }), false),
  host: WithDefault(Type.String({ format: 'ip-address', description: 'Address the demo agent listens on. Default 127.0.0.1.' }), '127.0.0.1'),
  port: WithDefault(Type.Integer({ minimum: 1, maximum: 65535, description: 'Port the demo agent listens on; point a route at ws://<host>:<port>/stream with protocol twilio. Default 8765.' }), 8765),
  echoDelayMs: WithDefault(Type.Integer({ minimum: 0, maximum: 10000, description: 'How long after speaking the caller hears themself, rounded to 20 ms frames. Default 400.' }), 400),
}, { additionalProperties: false, description: 'The built-in demo agent (for trying Switchboard without a bot).' });

export const Demo = Type.Object({
  agent: WithEmptyDefault(DemoAgent),
}, { additionalProperties: false, description: 'Demonstration helpers; none runs unless enabled.' });

export const Redis = Type.Object({
  url: Type.String({ pattern: '^rediss?://\\S+$', description: 'redis://[user:password@]host:port[/db] (rediss:// for TLS). Use ${ENV_VAR} for the password.' }),
  keyPrefix: WithDefault(Type.String({ description: 'Prefix of every key Switchboard writes. Default "switchboard:".' }), 'switchboard:'),
  commandTimeoutMs: WithDefault(Type.Integer({ minimum: 1, maximum: 10000, description: 'A Redis command slower than this fails (a cache lookup then goes to the upstream, inside the call\'s budget). Default 50.' }), 50),
}, { additionalProperties: false, description: 'Shared state: when set, the integration answer cache lives here (shared by all instances); otherwise in memory.' });

export const Drachtio = Type.Object({
  host: Type.String({ format: 'host', description: 'drachtio-server admin address (Switchboard connects to it: inbound connection mode).' }),
  port: WithDefault(Port, 9022),
  secret: Type.String({ minLength: 1, description: 'drachtio-server admin secret. Use ${ENV_VAR}.' }),
  tls: WithDefault(Type.Boolean({ description: 'TLS on the admin connection (drachtio-server configured with a TLS admin port). Default false.' }), false),
  fork: WithEmptyDefault(Type.Object({
    host: WithDefault(Type.String({ format: 'ip-address', description: 'Address the audio WebSocket server binds (FreeSWITCH mod_audio_fork connects to it). Default 127.0.0.1.' }), '127.0.0.1'),
    port: WithDefault(Type.Integer({ minimum: 1, maximum: 65000, multipleOf: 2, description: 'First port; each data-plane worker listens on its own (port, port+2, …). Default 9300.' }), 9300),
    address: Type.Optional(Type.String({ format: 'host', description: 'Address FreeSWITCH uses to reach it and the event socket it connects back to (default: host). Set it when FreeSWITCH runs on another machine or container.' })),
  }, { additionalProperties: false, description: 'The internal WebSocket endpoint FreeSWITCH forks call audio to.' })),
  eventListenAddress: Type.Optional(Type.String({ format: 'ip-address', description: 'Address FreeSWITCH\'s outbound event socket connects back to (drachtio-fsmrf listenAddress). Default: fork.host.' })),
}, { additionalProperties: false, description: 'engine: drachtio — the drachtio-server this instance serves (several instances may share one; it reconnects with backoff).' });

export const FreeswitchServer = Type.Object({
  address: Type.String({ format: 'host', description: 'FreeSWITCH event socket address.' }),
  port: WithDefault(Port, 8021),
  secret: WithDefault(Type.String({ minLength: 1, description: 'Event socket password. Default ClueCon (change it).' }), 'ClueCon'),
  retryMs: WithDefault(Type.Integer({ minimum: 100, description: 'A media server that fails is out of rotation and reconnected after this long. Default 5000.' }), 5000),
}, { additionalProperties: false });

export const ConfigSchema = Type.Object({
  engine: WithDefault(StringEnum(['embedded', 'drachtio'] as const, { description: 'SIP/media engine: the embedded stack, or drachtio + FreeSWITCH. Default embedded.' }), 'embedded'),
  log: WithEmptyDefault(Log),
  sip: Sip,
  media: WithEmptyDefault(Media),
  http: WithEmptyDefault(Http),
  dialplans: WithDefault(Type.String({ minLength: 1, description: 'Directory of dialplan *.yaml files, relative to this file. Default dialplans/.' }), 'dialplans/'),
  trunks: Type.Array(Trunk, { minItems: 1 }),
  shutdown: WithEmptyDefault(Shutdown),
  calls: WithEmptyDefault(Calls),
  agents: WithEmptyDefault(Agents),
  demo: WithEmptyDefault(Demo),
  redis: Type.Optional(Redis),
  drachtio: Type.Optional(Drachtio),
  freeswitch: Type.Optional(Type.Array(FreeswitchServer, { minItems: 1, description: 'engine: drachtio — media servers, chosen by load; one that fails is taken out of rotation and retried.' })),
}, {
  additionalProperties: false,
  title: 'Switchboard configuration',
  description: 'switchboard.yaml. String values may use ${ENV_VAR} or ${ENV_VAR:-default}; $${ is a literal ${.',
});

/**
 * The loaded configuration: defaults filled, environment variables substituted, paths (sip.tls.*, dialplans)
 * absolute, trunk addresses normalised to `address/prefix`, sip.digestSecret and trunk transports present.
 */
export type Config = Static<typeof ConfigSchema>;
export type SipTransport = Static<typeof Transport>;
export type ListenerConfig = Static<typeof Listener>;
export type TrunkConfig = Static<typeof Trunk>;
export type SipTimersConfig = Static<typeof SipTimers>;
export type DemoAgentConfig = Static<typeof DemoAgent>;
