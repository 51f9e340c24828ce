/**
 * `npm run demo`: one scripted call to the built-in demo agent, reported for a human. Uses the Switchboard
 * already answering /healthz on the config's HTTP port, or starts one (and stops it afterwards); dials
 * sip:100 with baresip over TLS when it is installed, else with SIPp over UDP; then prints the call flow,
 * time to answer, first audio, the greeting's beeps and the echo's round trip. Exit 0 when every check
 * passes, 1 when one fails, 2 when the config is invalid or no phone is installed.
 *   npm run demo [-- --phone baresip|sipp] [--config FILE]
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../src/config/config-error.js';
import { processEnv } from '../src/config/env.js';
import { loadConfig } from '../src/config/load-config.js';
import type { Config } from '../src/config/schema.js';
import { callWithBaresip, hasBaresip } from './demo/baresip-call.js';
import type { CallObservation } from './demo/call-observation.js';
import { freePortPair } from '../test/support/free-port.js';
import { checkCall, formatReport, REPORT_DEFAULTS } from './demo/report.js';
import { callWithSipp, hasSipp } from './demo/sipp-call.js';
import { ensureSwitchboard, type RunningSwitchboard } from './demo/switchboard-process.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CALL_SECONDS = 6;
const SERVICE = '100';
const START_TIMEOUT_MS = 60_000;

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i === -1 ? undefined : process.argv[i + 1];
};
/** A wildcard bind address is reached at the loopback address. */
const reach = (host: string) => (host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host);

type Plan = { phone: 'baresip' | 'sipp'; intro: string; call: () => Promise<CallObservation> } | { phone: 'none'; why: string };

function plan(config: Config, wanted: string | undefined): Plan {
  const tls = config.sip.listen.find((l) => l.transport === 'tls');
  const udp = config.sip.listen.find((l) => l.transport === 'udp');
  const useBaresip = wanted === 'baresip' || (wanted !== 'sipp' && hasBaresip() && tls);
  if (useBaresip) {
    if (!hasBaresip()) return { phone: 'none', why: 'baresip is not installed (apt-get install baresip-core)' };
    if (!tls) return { phone: 'none', why: 'baresip dials over TLS, and the config has no tls listener' };
    const target = `sip:${SERVICE}@${reach(tls.host)}:${tls.port}`; // the account line adds ;transport=tls
    return {
      phone: 'baresip', intro: `baresip over TLS dials ${target} and plays a ${CALLER_TONE_TEXT}`,
      call: async () => callWithBaresip({
        target, switchboardPort: tls.port, localPort: await freePortPair(), seconds: CALL_SECONDS,
        caFile: config.sip.tls?.ca ?? join(ROOT, 'certs', 'ca.crt'),
      }),
    };
  }
  if (!hasSipp()) return { phone: 'none', why: 'neither baresip (baresip-core) nor SIPp (sip-tester) is installed' };
  if (!udp) return { phone: 'none', why: 'SIPp dials over UDP, and the config has no udp listener' };
  return {
    phone: 'sipp',
    intro: `SIPp over UDP dials sip:${SERVICE}@${reach(udp.host)}:${udp.port}; this script plays a ${CALLER_TONE_TEXT} as its RTP`,
    call: async () => callWithSipp({
      host: reach(udp.host), port: udp.port, service: SERVICE, localPort: await freePortPair(), rtpPort: await freePortPair(), seconds: CALL_SECONDS,
    }),
  };
}

const CALLER_TONE_TEXT = `1 kHz tone (with a 200 ms break) for ${CALL_SECONDS} s`;

async function main(): Promise<number> {
  const configPath = resolve(ROOT, arg('--config') ?? 'switchboard.yaml');
  let config: Config;
  try {
    config = await loadConfig(configPath, processEnv());
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const p of e.problems) process.stderr.write(`${p}\n`);
    return 2;
  }
  const p = plan(config, arg('--phone'));
  if (p.phone === 'none') {
    process.stderr.write(`npm run demo: ${p.why}\n`);
    return 2;
  }
  const healthUrl = `http://${reach(config.http.host)}:${config.http.port}/healthz`;
  const intro = ['Switchboard demo call'];
  if (!config.demo.agent.enabled) intro.push(`  note: demo.agent.enabled is false in ${configPath}; the call goes to whatever the dialplan routes sip:${SERVICE} to`);
  process.stdout.write(`Checking ${healthUrl} …\n`);
  const sb: RunningSwitchboard = await ensureSwitchboard(ROOT, healthUrl, START_TIMEOUT_MS);
  const stopOnSignal = () => void sb.stop().then(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  try {
    intro.push(`  Switchboard: ${sb.started ? 'started for this demo (node --import tsx src/main.ts)' : 'the one already running'}, ${healthUrl} ok`);
    intro.push(`  Phone: ${p.intro}`);
    process.stdout.write(`Calling (${CALL_SECONDS} s) …\n\n`);
    const observed = await p.call();
    const checks = checkCall(observed, { echoDelayMs: config.demo.agent.echoDelayMs, ...REPORT_DEFAULTS });
    process.stdout.write(`${formatReport(observed, checks, intro)}\n`);
    if (checks.some((c) => !c.ok)) {
      process.stdout.write(`\nLast lines from the phone:\n${observed.log.split('\n').slice(-30).join('\n')}\n`);
      return 1;
    }
    return 0;
  } finally {
    process.off('SIGINT', stopOnSignal);
    await sb.stop();
  }
}

main().then((code) => process.exit(code), (e: unknown) => {
  process.stderr.write(`npm run demo: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
