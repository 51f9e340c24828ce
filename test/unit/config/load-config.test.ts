import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { isSwitchboardError } from '../../../src/shared/errors.js';
import { ConfigError } from '../../../src/config/config-error.js';
import { loadConfig } from '../../../src/config/load-config.js';

const fixtures = fileURLToPath(new URL('../../fixtures/config/', import.meta.url)).replace(/\/$/, '');
const SECRET = 'fixed-secret-for-tests-0123456789';
const load = (file: string, env: Record<string, string | undefined> = {}) =>
  loadConfig(file, env, { cwd: fixtures, randomSecret: () => SECRET });

async function problemsOf(file: string, env: Record<string, string | undefined> = {}): Promise<string[]> {
  try {
    await load(file, env);
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    assert.equal(e.code, 'CONFIG_INVALID');
    assert.equal(e.message, e.problems.join('\n'));
    return e.problems;
  }
  assert.fail(`${file} loaded without problems`);
}

describe('loadConfig', () => {
  it('loads the smallest valid config with every default filled and paths resolved', async () => {
    const config = await load('valid.yaml');
    assert.deepEqual(config, {
      engine: 'embedded',
      log: { level: 'info', redact: true },
      sip: {
        listen: [
          { transport: 'udp', host: '127.0.0.1', port: 5060 },
          { transport: 'tls', host: '::1', port: 5061 },
        ],
        publicAddress: 'sbc.example.com',
        tls: {
          cert: join(fixtures, 'tls/server.crt'),
          key: join(fixtures, 'tls/server.key'),
          minVersion: 'TLSv1.2',
          requestClientCert: false,
        },
        unknownSources: 'drop',
        timers: { t1Ms: 500, t2Ms: 4000, t4Ms: 5000 },
        maxMessageBytes: 65535,
        userAgent: 'Switchboard',
        sessionTimers: { enabled: true, sessionExpires: 1800, minSE: 90 },
        rateLimit: { perSecond: 500, burst: 1000 },
        nonceTtlSeconds: 300,
        digestSecret: SECRET,
      },
      media: {
        host: '127.0.0.1', portMin: 20000, portMax: 29999, codecs: ['PCMU', 'PCMA', 'G722'], ptimeMs: 20, symmetricRtp: true,
        inactivityTimeoutSeconds: 30, keepalive: 'silence', jitterMinMs: 20, jitterMaxMs: 120, rtcpIntervalMs: 5000,
      },
      http: { host: '127.0.0.1', port: 8080 },
      dialplans: join(fixtures, 'dialplans/valid'),
      trunks: [{
        name: 'pbx',
        addresses: ['127.0.0.1/32', '::1/128'],
        transports: ['udp', 'tls'],
        srtp: 'optional',
        maxCalls: 100,
        tlsClientCert: { required: false, subjects: [] },
      }],
      shutdown: { graceSeconds: 30 },
      calls: { maxDurationSeconds: 3600, ringingTimeoutMs: 30000 },
      agents: { maxBufferedBytes: 131072 },
      demo: { agent: { enabled: false, host: '127.0.0.1', port: 8765, echoDelayMs: 400 } },
    });
  });

  it('resolves tls files and the dialplans directory against the config file, not the working directory', async () => {
    const repoRoot = join(fixtures, '../../..');
    const config = await loadConfig('test/fixtures/config/valid.yaml', {}, { cwd: repoRoot });
    assert.equal(config.sip.tls?.cert, join(fixtures, 'tls/server.crt'));
    assert.equal(config.sip.tls?.key, join(fixtures, 'tls/server.key'));
    assert.equal(config.dialplans, join(fixtures, 'dialplans/valid'));
  });

  it('gives each process a random digest secret when sip.digestSecret is not set', async () => {
    const a = await loadConfig('valid.yaml', {}, { cwd: fixtures });
    const b = await loadConfig('valid.yaml', {}, { cwd: fixtures });
    assert.match(a.sip.digestSecret, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a.sip.digestSecret, b.sip.digestSecret);
  });

  it('reports a trunk address that is not a CIDR with file, line and key path', async () => {
    assert.deepEqual(await problemsOf('bad-cidr.yaml'), [
      'bad-cidr.yaml:14: trunks[0].addresses[1]: "10.0.0.300/8" is not a valid CIDR',
      'bad-cidr.yaml:15: trunks[0].addresses[2]: "2001:db8::/129" is not a valid CIDR',
    ]);
  });

  it('reports every value the schema refuses, one line each, in line order', async () => {
    assert.deepEqual(await problemsOf('bad-values.yaml'), [
      'bad-values.yaml:2: engine: must be one of embedded, drachtio (got "asterisk")',
      'bad-values.yaml:5: sip.listen[0].port: must be <= 65535 (got 70000)',
      'bad-values.yaml:6: sip.listen[1].transport: must be one of udp, tcp, tls (got "tlss")',
      'bad-values.yaml:6: sip.listen[1].host: "localhost" is not an IP address',
      'bad-values.yaml:7: sip.publicAddress: "bad_host!" is not an IP address or host name',
      'bad-values.yaml:8: sip.unknownSource: is not a known key',
      'bad-values.yaml:9: sip.timers.t1Ms: must be >= 1 (got 0)',
      'bad-values.yaml:10: media.portMin: must be even (got 20001)',
      'bad-values.yaml:11: http.port: must be an integer (got "eighty")',
      'bad-values.yaml:13: trunks[0].name: is required',
      'bad-values.yaml:13: trunks[0].addresses: must have at least 1 item',
      'bad-values.yaml:14: trunks[0].srtp: must be one of off, optional, required (got "maybe")',
      'bad-values.yaml:15: trunks[0].digest.password: is required',
    ]);
  });

  it('reports keys that disagree: shared sockets, unreadable tls files, timer order, port range, duplicate trunks', async () => {
    assert.deepEqual(await problemsOf('bad-rules.yaml'), [
      'bad-rules.yaml:6: sip.listen[2]: tls cannot share 127.0.0.1:5070 with the tcp listener sip.listen[1]',
      'bad-rules.yaml:7: sip.listen[3]: duplicates sip.listen[0]',
      'bad-rules.yaml:9: sip.tls.cert: cannot read tls/missing.crt: file not found',
      'bad-rules.yaml:10: sip.timers.t2Ms: must not be less than t1Ms (500)',
      'bad-rules.yaml:11: sip.sessionTimers.sessionExpires: must not be less than minSE (600)',
      'bad-rules.yaml:12: media.portMax: must be greater than media.portMin (30000)',
      'bad-rules.yaml:17: trunks[1].name: "pbx" is already the name of trunks[0]',
      'bad-rules.yaml:20: trunks[1].tlsClientCert.required: needs tls in the trunk transports',
      'bad-rules.yaml:20: trunks[1].tlsClientCert.required: needs sip.tls.requestClientCert: true',
    ]);
  });

  it('requires sip.tls for a tls listener and a listener for every trunk transport', async () => {
    assert.deepEqual(await problemsOf('tls-without-files.yaml'), [
      'tls-without-files.yaml:2: sip.tls: is required by the tls listener sip.listen[0] (cert and key)',
      'tls-without-files.yaml:9: trunks[0].transports[1]: no udp listener in sip.listen',
    ]);
  });

  it('reports bad YAML syntax as one line with the line number', async () => {
    assert.deepEqual(await problemsOf('bad-syntax.yaml'), [
      'bad-syntax.yaml:5: YAML syntax error: All mapping items must start at the same column',
    ]);
  });

  it('reports a missing file as one line with code CONFIG_UNREADABLE', async () => {
    const err = await load('missing.yaml').then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof ConfigError);
    assert.ok(isSwitchboardError(err, 'CONFIG_UNREADABLE'));
    assert.deepEqual(err.problems, ['missing.yaml: file not found']);
  });

  it('substitutes ${VAR} and ${VAR:-default}, coercing a substituted port to a number', async () => {
    const config = await load('env.yaml', {
      SIP_HOST: '', SIP_PORT: '5080', PUBLIC_ADDRESS: 'sbc.example.com', PBX_PASSWORD: 's3cret',
    });
    assert.deepEqual(config.sip.listen, [{ transport: 'udp', host: '127.0.0.1', port: 5080 }]);
    assert.equal(config.sip.publicAddress, 'sbc.example.com');
    assert.equal(config.sip.userAgent, 'Switchboard ${not-a-variable}');
    assert.deepEqual(config.trunks[0]?.digest, { realm: 'switchboard', username: 'pbx', password: 's3cret', algorithms: ['MD5', 'SHA-256'] });
  });

  it('uses a set variable instead of the default', async () => {
    const config = await load('env.yaml', {
      SIP_HOST: '127.0.0.2', SIP_PORT: '5080', PUBLIC_ADDRESS: '192.0.2.1', PBX_PASSWORD: 'x',
    });
    assert.equal(config.sip.listen[0]?.host, '127.0.0.2');
  });

  it('names the key of every unset variable without default, and nothing else about those keys', async () => {
    assert.deepEqual(await problemsOf('env.yaml'), [
      'env.yaml:3: sip.listen[0].port: environment variable SIP_PORT is not set',
      'env.yaml:4: sip.publicAddress: environment variable PUBLIC_ADDRESS is not set',
      'env.yaml:10: trunks[0].digest.password: environment variable PBX_PASSWORD is not set',
    ]);
  });
});
