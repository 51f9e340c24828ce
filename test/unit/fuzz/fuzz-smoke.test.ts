/**
 * The SIP fuzzer's core loop (test/fuzz/fuzz-loop.ts) run briefly so CI exercises it: ~2,000 real inputs over the
 * seed corpus, plus fake targets that prove a crash and a hang are caught and reported with their input.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadCorpus, runFuzz, type FuzzTarget } from '../../fuzz/fuzz-loop.js';
import { mutate, DEFAULT_LIMITS } from '../../fuzz/mutators.js';
import { Prng } from '../../fuzz/prng.js';

const seeds = loadCorpus(fileURLToPath(new URL('../../fuzz/corpus/', import.meta.url)));

/**
 * Signatures of open src/ bugs that the fuzzer has found and test/unit/fuzz/regressions.test.ts pins as todo
 * tests; any other finding fails this test. Add one while a fix is pending, remove it when the fix lands.
 */
const KNOWN_BUGS: readonly RegExp[] = [];

/** A target that records each input and returns a fixed outcome. */
function fakeTarget(onInput: (text: string) => void): FuzzTarget {
  return (input) => {
    onInput(input.toString('latin1'));
    return { outcome: 'fake', signature: 'fake', stageMs: {} };
  };
}

describe('SIP fuzzer core loop', () => {
  it('runs 2,000 inputs over the seed corpus with no crash, invariant break or hang', () => {
    // A hang threshold of 1 s: the 50 ms check is for `npm run fuzz`, too tight for a loaded CI machine.
    const report = runFuzz(seeds, { seed: 1, runs: 2000, hangMs: 1000 });
    assert.equal(report.inputs, 2000);
    assert.equal(report.hangs, 0);
    const unknown = report.findings.filter((f) => !KNOWN_BUGS.some((re) => re.test(f.signature)));
    assert.deepEqual(unknown.map((f) => `${f.signature} (input #${f.index}, base64 ${f.input.toString('base64')})`), []);
    for (const outcome of ['drop', 'request 400', 'request error 400', 'request process', 'request 405', 'response usable']) {
      assert.ok((report.outcomes.get(outcome) ?? 0) > 0, `no input reached outcome "${outcome}"`);
    }
    assert.ok(report.corpusSize > seeds.length, 'inputs with new outcomes join the corpus');
  });

  it('replays the same inputs for the same seed', () => {
    const seen = (seed: number): string[] => {
      const texts: string[] = [];
      runFuzz(seeds, { seed, runs: 300, target: fakeTarget((t) => texts.push(t)) });
      return texts;
    };
    const a = seen(7);
    assert.equal(a.length, 300);
    assert.deepEqual(a.slice(0, seeds.length), seeds, 'every seed runs unmutated first');
    assert.deepEqual(seen(7), a);
    assert.notDeepEqual(seen(8), a);
  });

  it('mutates deterministically from a Prng seed', () => {
    const ctx = { corpus: seeds, limits: DEFAULT_LIMITS };
    const base = seeds[0] as string;
    assert.equal(mutate(new Prng(42), base, ctx), mutate(new Prng(42), base, ctx));
  });

  it('reports a throwing target as one crash per distinct signature, with the input', () => {
    const target: FuzzTarget = (input) => {
      if (input.includes('REFER ')) throw new TypeError('boom at 12');
      return { outcome: 'ok', signature: 'ok', stageMs: {} };
    };
    const report = runFuzz(seeds, { seed: 3, runs: 500, target });
    assert.ok(report.crashes >= 1);
    assert.equal(report.findings.length, 1, 'crashes with one signature are reported once');
    const [f] = report.findings;
    assert.equal(f?.kind, 'crash');
    assert.equal(f?.stage, 'oracle');
    assert.equal(f?.message, 'exception: TypeError: boom at 12');
    assert.ok(f?.input.includes('REFER '));
  });

  it('reports an input slower than hangMs on every retry as a hang, and a one-off slow run as noise', () => {
    let now = 0;
    let runs = 0;
    const clock = (): number => now;
    const slow: FuzzTarget = (input) => {
      if (input.includes('NOTIFY ')) now += 80; // always slow
      else if (input.includes('BYE ') && runs++ === 0) now += 80; // slow once (a GC pause), fast on retry
      else now += 1;
      return { outcome: 'ok', signature: 'ok', stageMs: { parse: 80 } };
    };
    const report = runFuzz(seeds, { seed: 5, runs: seeds.length, target: slow, clock, hangMs: 50, hangRetries: 2 });
    const slowSeeds = seeds.filter((s) => s.includes('NOTIFY '));
    assert.ok(slowSeeds.length > 0 && seeds.some((s) => s.includes('BYE ') && !s.includes('NOTIFY ')));
    assert.equal(report.hangs, slowSeeds.length, 'only the always-slow inputs count as hangs');
    assert.equal(report.findings.length, 1);
    assert.equal(report.findings[0]?.kind, 'hang');
    assert.equal(report.findings[0]?.input.toString('latin1'), slowSeeds[0]);
    assert.equal(report.findings[0]?.ms, 80);
    assert.equal(report.maxMs, 80);
  });
});
