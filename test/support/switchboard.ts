/**
 * Starts a real Switchboard in this process on test ports with a config written to a temp directory, the way
 * an admin would write it. Returns it with a stop() that always cleans up.
 */
import { cpSync, mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSwitchboard, type Switchboard } from '../../src/switchboard.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';

export const CERTS = fileURLToPath(new URL('../../certs/', import.meta.url));

export interface TestSwitchboardOptions {
  /** Copy the shipped dialplans/prompts/ beside the test dialplan. */
  prompts?: boolean;
  sipPort: number;
  httpPort: number;
  mediaPortMin?: number;
  /** YAML lines appended under `trunks:` (defaults to one open trunk "pbx" for 127.0.0.1). */
  trunks?: string;
  /** YAML for extra top-level keys (e.g. `calls: { maxDurationSeconds: 1 }`). */
  extra?: string;
  /** Dialplan file content. */
  dialplan?: string;
  /** Extra keys for the `media:` map, as YAML flow entries (e.g. "recordDir: /tmp/x, workers: 1"). */
  media?: string;
  env?: Record<string, string>;
}

export interface TestSwitchboard {
  sb: Switchboard;
  dir: string;
  configPath: string;
  stop(): Promise<void>;
}

export const DEFAULT_TRUNKS = `
  - name: pbx
    addresses: [127.0.0.1/32]
    srtp: optional
    maxCalls: 1000`;

export const DEFAULT_DIALPLAN = `
routes:
  - name: test
    match: { trunk: pbx, to: ".*" }
    lineTest: { kind: echo }
    agent: { url: "ws://127.0.0.1:1/none", protocol: twilio }
`;

export function writeConfig(o: TestSwitchboardOptions): { dir: string; configPath: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sb-test-'));
  mkdirSync(join(dir, 'dialplans'));
  writeFileSync(join(dir, 'dialplans', 'test.yaml'), o.dialplan ?? DEFAULT_DIALPLAN);
  if (o.prompts) cpSync(fileURLToPath(new URL('../../dialplans/prompts/', import.meta.url)), join(dir, 'dialplans', 'prompts'), { recursive: true });
  const mediaMin = o.mediaPortMin ?? 10000;
  const yaml = `
sip:
  listen:
    - { transport: udp, host: 127.0.0.1, port: ${o.sipPort} }
    - { transport: tcp, host: 127.0.0.1, port: ${o.sipPort} }
    - { transport: tls, host: 127.0.0.1, port: ${o.sipPort + 1} }
  publicAddress: 127.0.0.1
  tls: { cert: ${join(CERTS, 'server.crt')}, key: ${join(CERTS, 'server.key')}, ca: ${join(CERTS, 'ca.crt')} }
  unknownSources: drop
media: { host: 127.0.0.1, portMin: ${mediaMin}, portMax: ${mediaMin + 3999}${o.media ? `, ${o.media}` : ''} }
http: { host: 127.0.0.1, port: ${o.httpPort} }
log: { level: ${process.env.SB_TEST_LOG ?? 'silent'} }
dialplans: dialplans/
trunks:${o.trunks ?? DEFAULT_TRUNKS}
${o.extra ?? ''}
`;
  const configPath = join(dir, 'switchboard.yaml');
  writeFileSync(configPath, yaml);
  return { dir, configPath };
}

export async function startTestSwitchboard(o: TestSwitchboardOptions): Promise<TestSwitchboard> {
  const { dir, configPath } = writeConfig(o);
  const level = process.env.SB_TEST_LOG;
  const sb = await startSwitchboard({
    configPath, env: { ...o.env }, watchDialplans: false,
    logger: level ? createLogger({ level, redact: false }) : silentLogger(),
  });
  return {
    sb, dir, configPath,
    async stop() {
      await sb.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
