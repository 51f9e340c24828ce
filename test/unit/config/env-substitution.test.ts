import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { substituteEnv, substituteString } from '../../../src/config/env-substitution.js';

function sub(s: string, env: Record<string, string | undefined>): { value: string; problems: string[] } {
  const problems: string[] = [];
  const value = substituteString(s, env, (m) => problems.push(m));
  return { value, problems };
}

describe('environment substitution', () => {
  it('replaces ${NAME} with the variable, anywhere in the string and more than once', () => {
    assert.deepEqual(sub('Bearer ${TOKEN} (${USER}/${TOKEN})', { TOKEN: 't', USER: 'u' }), { value: 'Bearer t (u/t)', problems: [] });
  });

  it('keeps an empty variable empty for ${NAME}', () => {
    assert.deepEqual(sub('a${EMPTY}b', { EMPTY: '' }), { value: 'ab', problems: [] });
  });

  it('uses the default of ${NAME:-default} when the variable is unset or empty, like the shell', () => {
    assert.deepEqual(sub('${PORT:-5060}', {}), { value: '5060', problems: [] });
    assert.deepEqual(sub('${PORT:-5060}', { PORT: '' }), { value: '5060', problems: [] });
    assert.deepEqual(sub('${PORT:-5060}', { PORT: '5080' }), { value: '5080', problems: [] });
    assert.deepEqual(sub('${PASS:-}', {}), { value: '', problems: [] });
    assert.deepEqual(sub('${URL:-ws://h:1/x}', {}), { value: 'ws://h:1/x', problems: [] });
  });

  it('reports an unset variable without default', () => {
    assert.deepEqual(sub('x${MISSING}y', {}), { value: 'xy', problems: ['environment variable MISSING is not set'] });
  });

  it('reads $${ as a literal ${ and leaves lone $ alone', () => {
    assert.deepEqual(sub('$${HOME} costs $5', { HOME: '/root' }), { value: '${HOME} costs $5', problems: [] });
  });

  it('reports an unterminated or malformed reference', () => {
    assert.deepEqual(sub('a${OPEN', {}).problems, ['"${" without a closing "}" (write $${ for a literal ${)']);
    assert.deepEqual(sub('${1BAD}', {}).problems, ['"${1BAD}" is not a valid variable reference (expected ${NAME} or ${NAME:-default})']);
  });

  it('walks nested values, substituting strings only and naming the key path of each problem', () => {
    const input = { a: [{ b: '${X}' }, 5, true, null], c: { d: '${Y}', '${K}': 'keys are not substituted' } };
    const out = substituteEnv(input, { X: 'x' });
    assert.deepEqual(out.value, { a: [{ b: 'x' }, 5, true, null], c: { d: '', '${K}': 'keys are not substituted' } });
    assert.deepEqual(out.problems, [{ path: ['c', 'd'], message: 'environment variable Y is not set' }]);
    assert.deepEqual(input.a[0], { b: '${X}' }, 'the input is not modified');
  });
});
