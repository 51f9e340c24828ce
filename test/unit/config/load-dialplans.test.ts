import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { ConfigError } from '../../../src/config/config-error.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { loadDialplans } from '../../../src/config/load-dialplans.js';
import type { Config } from '../../../src/config/schema.js';

const fixtures = fileURLToPath(new URL('../../fixtures/config/', import.meta.url)).replace(/\/$/, '');

describe('loadDialplans', () => {
  let config: Config;
  before(async () => {
    config = await loadConfig('valid.yaml', {}, { cwd: fixtures });
  });

  async function problemsOf(dir: string, env: Record<string, string | undefined> = {}): Promise<string[]> {
    try {
      await loadDialplans(dir, config, env, { cwd: fixtures });
    } catch (e) {
      assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
      assert.equal(e.code, 'CONFIG_INVALID');
      return e.problems;
    }
    assert.fail(`${dir} loaded without problems`);
  }

  it('reads *.yaml files in name order, ignoring other files, and fills route defaults', async () => {
    const plans = await loadDialplans(config.dialplans, config, {}, { cwd: fixtures });
    assert.equal(plans.dir, join(fixtures, 'dialplans/valid'));
    assert.deepEqual(plans.files, ['dialplans/valid/10-main.yaml', 'dialplans/valid/20-fallback.yaml']);
    assert.deepEqual(plans.routes.map((r) => r.name), ['support', 'sales', 'fallback']);
    assert.deepEqual(plans.integrations.map((i) => [i.name, i.on, i.request.method, i.request.url]), [['crm', 'request', 'GET', 'http://127.0.0.1:9/crm']]);
    assert.deepEqual(plans.routes[0], {
      name: 'support',
      match: { trunk: 'pbx', to: '^\\+?100$' },
      agent: {
        url: 'ws://127.0.0.1:8765/stream',
        protocol: 'twilio',
        sampleRate: 8000,
        headers: { Authorization: 'Bearer dev-token' },
        parameters: { language: 'ro', priority: 2 },
      },
      operator: {
        uri: 'sip:200@127.0.0.1:5090', method: 'refer', fallback: 'bridge', ringTimeoutMs: 20000, referTimeoutMs: 30000,
        headers: {}, srtp: 'off', ringback: { frequencies: [425], onMs: 1000, offMs: 500, level: 6000 },
      },
      integrations: ['crm'],
      budgets: { agentConnectMs: 1000, integrationMs: 500 },
      blacklist: ['^\\+?37360000000$'],
      ringMs: 0,
    });
    assert.deepEqual(plans.routes[2], {
      name: 'fallback',
      match: { trunk: 'pbx' },
      agent: { url: 'ws://127.0.0.1:8765/fallback', protocol: 'twilio', sampleRate: 8000, headers: {}, parameters: {} },
      integrations: ['crm'],
      budgets: { agentConnectMs: 1500, integrationMs: 500 },
      blacklist: [],
      ringMs: 0,
    });
  });

  it('substitutes environment variables in dialplans', async () => {
    const plans = await loadDialplans('dialplans/valid', config, { AGENT_TOKEN: 'tok' }, { cwd: fixtures });
    assert.deepEqual(plans.routes[0]?.agent.headers, { Authorization: 'Bearer tok' });
  });

  it('returns a matcher over the routes of all files', async () => {
    const plans = await loadDialplans('dialplans/valid', config, {}, { cwd: fixtures });
    assert.deepEqual(plans.matcher.match({ trunk: 'pbx', to: '999', from: '1' }), { route: plans.routes[2] });
  });

  it('reports unknown trunks, regex errors, twilio sample rates, duplicate names and unknown integrations', async () => {
    assert.deepEqual(await problemsOf('dialplans/broken'), [
      'dialplans/broken/a.yaml:6: routes[0].match.trunk: unknown trunk "pbxx" (trunks: pbx)',
      'dialplans/broken/a.yaml:6: routes[0].match.to: Invalid regular expression: /^(100$/: Unterminated group',
      'dialplans/broken/a.yaml:7: routes[0].agent.sampleRate: must be 8000 with protocol twilio (got 16000)',
      'dialplans/broken/a.yaml:8: routes[0].blacklist[1]: Invalid regular expression: /[/: Unterminated character class',
      'dialplans/broken/a.yaml:10: routes[1].match.from: Invalid regular expression: /*/: Nothing to repeat',
      'dialplans/broken/a.yaml:12: routes[1].integrations[1]: unknown integration "billing" (defined: crm)',
      'dialplans/broken/b.yaml:2: integrations[0].name: "crm" is already defined in dialplans/broken/a.yaml',
      'dialplans/broken/b.yaml:4: routes[0].name: "support" is already the name of a route in dialplans/broken/a.yaml',
    ]);
  });

  it('reports schema problems (never echoing a header value), unset variables and YAML syntax errors of every file', async () => {
    assert.deepEqual(await problemsOf('dialplans/broken-schema'), [
      'dialplans/broken-schema/c.yaml:2: routes[0].name: "bad url" does not match ^[A-Za-z0-9][A-Za-z0-9_.-]*$',
      'dialplans/broken-schema/c.yaml:3: routes[0].agent.url: "http://127.0.0.1:8765/stream" is not a ws:// or wss:// URL',
      'dialplans/broken-schema/c.yaml:3: routes[0].agent.protocol: must be one of twilio, l16 (got "grpc")',
      'dialplans/broken-schema/c.yaml:3: routes[0].agent.headers.X-Token: must not contain line breaks',
      'dialplans/broken-schema/c.yaml:4: routes[0].operator.uri: "tel:+100" does not match ^sips?:\\S+$',
      'dialplans/broken-schema/c.yaml:5: routes[0].budgets.agentConnectMs: must be >= 1 (got 0)',
      'dialplans/broken-schema/c.yaml:6: routes[0].colour: is not a known key',
      'dialplans/broken-schema/c.yaml:7: extra: is not a known key',
      'dialplans/broken-schema/d.yml:5: routes[0].agent.headers.Authorization: environment variable AGENT_TOKEN is not set',
      'dialplans/broken-schema/e.yaml:4: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
  });

  it('reports a missing dialplans directory as one line', async () => {
    assert.deepEqual(await problemsOf('dialplans/nope'), ['dialplans/nope: cannot read the dialplan directory: not found']);
  });

  it('checks operator prompts: readable WAV files in <dir>/prompts/', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-prompts-'));
    mkdirSync(join(dir, 'prompts'));
    writeFileSync(join(dir, 'prompts', 'ok.wav'), Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE'), Buffer.alloc(32)]));
    writeFileSync(join(dir, 'prompts', 'text.wav'), 'hello');
    writeFileSync(join(dir, 'plan.yaml'), [
      'routes:',
      '  - name: a',
      '    agent: { url: "ws://127.0.0.1:1/a" }',
      '    operator: { uri: "sip:200@pbx", prompt: ok.wav, failurePrompt: missing.wav }',
      '  - name: b',
      '    agent: { url: "ws://127.0.0.1:1/b" }',
      '    operator: { uri: "sip:200@pbx", prompt: text.wav }',
      '',
    ].join('\n'));
    const problems = await problemsOf(dir);
    assert.equal(problems.length, 2, problems.join('\n'));
    assert.match(problems[0] ?? '', /plan\.yaml:4: routes\[0\]\.operator\.failurePrompt: prompts\/missing\.wav: /);
    assert.match(problems[1] ?? '', /plan\.yaml:7: routes\[1\]\.operator\.prompt: prompts\/text\.wav: is not a WAV file/);
  });
});
