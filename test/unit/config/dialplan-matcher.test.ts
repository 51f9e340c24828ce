import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileDialplan } from '../../../src/config/dialplan-matcher.js';
import type { Route } from '../../../src/config/dialplan-schema.js';
import { isSwitchboardError } from '../../../src/shared/errors.js';

function route(name: string, match: Route['match'], blacklist: string[] = []): Route {
  return {
    name,
    match,
    agent: { url: 'ws://127.0.0.1:8765/stream', protocol: 'twilio', sampleRate: 8000, headers: {}, parameters: {} },
    integrations: [],
    budgets: { agentConnectMs: 1500, integrationMs: 500 },
    blacklist,
    ringMs: 0,
  };
}

const support = route('support', { trunk: 'pbx', to: '^\\+?100$' }, ['^\\+?37360000000$']);
const sales = route('sales', { to: '^\\+?1\\d\\d$', from: '^\\+?373' });
const fallback = route('fallback', { trunk: 'pbx' });
const matcher = compileDialplan([support, sales, fallback]);

describe('dialplan matcher', () => {
  it('picks the first route whose trunk, to and from all match', () => {
    assert.deepEqual(matcher.match({ trunk: 'pbx', to: '100', from: '37369000000' }), { route: support });
    assert.deepEqual(matcher.match({ trunk: 'pbx', to: '+100', from: '44' }), { route: support });
  });

  it('skips a route whose trunk differs even when the numbers match', () => {
    assert.deepEqual(matcher.match({ trunk: 'carrier', to: '100', from: '+37369000000' }), { route: sales });
  });

  it('skips a route whose from pattern does not match', () => {
    assert.deepEqual(matcher.match({ trunk: 'pbx', to: '150', from: '4420' }), { route: fallback });
  });

  it('treats absent conditions as matching anything', () => {
    assert.deepEqual(compileDialplan([route('any', {})]).match({ trunk: 'x', to: '', from: '' }), { route: route('any', {}) });
  });

  it('reports a blacklisted caller on the matched route instead of routing the call', () => {
    assert.deepEqual(matcher.match({ trunk: 'pbx', to: '100', from: '+37360000000' }), { blacklisted: support });
  });

  it('checks the blacklist of the matched route only', () => {
    // sales has no blacklist, so the caller blacklisted on support is routed when support does not match.
    assert.deepEqual(matcher.match({ trunk: 'carrier', to: '100', from: '37360000000' }), { route: sales });
  });

  it('returns undefined when no route matches', () => {
    assert.equal(matcher.match({ trunk: 'carrier', to: '999', from: '4420' }), undefined);
  });

  it('uses patterns unanchored, as written', () => {
    const m = compileDialplan([route('contains', { to: '555' })]);
    assert.notEqual(m.match({ trunk: 'pbx', to: '+15551234', from: '' }), undefined);
    assert.equal(m.match({ trunk: 'pbx', to: '+1554', from: '' }), undefined);
  });

  it('gives the same answer when asked twice (patterns keep no state between calls)', () => {
    const facts = { trunk: 'pbx', to: '100', from: '1' };
    assert.deepEqual(matcher.match(facts), matcher.match(facts));
  });

  it('refuses a route whose pattern does not compile, naming the route', () => {
    assert.throws(() => compileDialplan([route('broken', { to: '(' })]), (e: unknown) =>
      isSwitchboardError(e, 'CONFIG_INVALID') && e.message === 'route broken: Invalid regular expression: /(/: Unterminated group');
  });
});
