import type { KeyPath } from './config-error.js';
import { displayPath, whyNotReadable } from './file-checks.js';
import type { Config, SipTransport } from './schema.js';

/**
 * Checks across keys that JSON Schema cannot express. They run on a config that passed the schema,
 * with defaults filled and paths already resolved.
 */
export interface RuleProblem {
  path: KeyPath;
  message: string;
}

export interface RuleContext {
  /** For naming files in problems. */
  cwd: string;
}

export async function checkConfigRules(config: Config, ctx: RuleContext): Promise<RuleProblem[]> {
  const problems: RuleProblem[] = [];
  const add = (path: KeyPath, message: string) => problems.push({ path, message });
  checkListeners(config, add);
  checkTimers(config, add);
  checkMedia(config, add);
  checkTrunks(config, add);
  checkEngine(config, add);
  await checkTlsFiles(config, ctx, add);
  return problems;
}

type Add = (path: KeyPath, message: string) => void;

function checkEngine(config: Config, add: Add): void {
  if (config.engine !== 'drachtio') return;
  if (!config.drachtio) add(['drachtio'], 'is required with engine: drachtio (host, port, secret of drachtio-server)');
  if (!config.freeswitch) add(['freeswitch'], 'is required with engine: drachtio (at least one FreeSWITCH event socket)');
}

function checkListeners(config: Config, add: Add): void {
  const seen = new Map<string, number>();
  config.sip.listen.forEach((l, i) => {
    // UDP and a stream transport may share a port; TCP and TLS both need the TCP port.
    const socketKind = l.transport === 'udp' ? 'udp' : 'tcp';
    const key = `${socketKind} ${l.host} ${l.port}`;
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, i);
      return;
    }
    const other = config.sip.listen[earlier];
    add(['sip', 'listen', i], other?.transport === l.transport
      ? `duplicates sip.listen[${earlier}]`
      : `${l.transport} cannot share ${l.host}:${l.port} with the ${other?.transport ?? ''} listener sip.listen[${earlier}]`);
  });
  const tlsIndex = config.sip.listen.findIndex((l) => l.transport === 'tls');
  if (tlsIndex >= 0 && !config.sip.tls) add(['sip', 'tls'], `is required by the tls listener sip.listen[${tlsIndex}] (cert and key)`);
}

function checkTimers(config: Config, add: Add): void {
  const t = config.sip.timers;
  // RFC 3261 §17.1.2.2: retransmit intervals double from T1 up to T2, so T2 below T1 makes no sense.
  if (t.t2Ms < t.t1Ms) add(['sip', 'timers', 't2Ms'], `must not be less than t1Ms (${t.t1Ms})`);
  const st = config.sip.sessionTimers;
  // RFC 4028 §4: Session-Expires MUST NOT be lower than Min-SE.
  if (st.sessionExpires < st.minSE) add(['sip', 'sessionTimers', 'sessionExpires'], `must not be less than minSE (${st.minSE})`);
}

function checkMedia(config: Config, add: Add): void {
  const { portMin, portMax } = config.media;
  // RTP takes an even port and RTCP the next one (RFC 3550 §11), so the range needs at least one pair.
  if (portMax <= portMin) add(['media', 'portMax'], `must be greater than media.portMin (${portMin})`);
}

function checkTrunks(config: Config, add: Add): void {
  const listening = new Set<SipTransport>(config.sip.listen.map((l) => l.transport));
  const names = new Map<string, number>();
  config.trunks.forEach((trunk, i) => {
    const earlier = names.get(trunk.name);
    if (earlier === undefined) names.set(trunk.name, i);
    else add(['trunks', i, 'name'], `"${trunk.name}" is already the name of trunks[${earlier}]`);
    trunk.transports.forEach((t, j) => {
      // With engine: drachtio, drachtio-server owns the SIP sockets (its own contacts), not sip.listen.
      if (config.engine === 'embedded' && !listening.has(t)) add(['trunks', i, 'transports', j], `no ${t} listener in sip.listen`);
    });
    if (trunk.tlsClientCert.required) {
      if (!trunk.transports.includes('tls')) add(['trunks', i, 'tlsClientCert', 'required'], 'needs tls in the trunk transports');
      if (!config.sip.tls?.requestClientCert) add(['trunks', i, 'tlsClientCert', 'required'], 'needs sip.tls.requestClientCert: true');
    }
  });
}

async function checkTlsFiles(config: Config, ctx: RuleContext, add: Add): Promise<void> {
  const tls = config.sip.tls;
  if (!tls) return;
  const files: [key: 'cert' | 'key' | 'ca', path: string | undefined][] = [['cert', tls.cert], ['key', tls.key], ['ca', tls.ca]];
  for (const [key, abs] of files) {
    if (abs === undefined) continue;
    const why = await whyNotReadable(abs);
    if (why !== undefined) add(['sip', 'tls', key], `cannot read ${displayPath(abs, ctx.cwd)}: ${why}`);
  }
}
