/**
 * The fuzzer's core loop, kept apart from the CLI so a unit test can run it. Each input is a seed (first pass),
 * a structure-aware generated message, or a stack of mutations of a corpus entry; it is run through the oracle
 * and timed. Inputs whose fine outcome signature is new join the corpus (cheap coverage feedback that keeps
 * the run deterministic: it depends on outcomes, never on timing).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from './prng.js';
import { DEFAULT_LIMITS, mutate, type MutationContext, type MutationLimits } from './mutators.js';
import { generateMessage } from './generator.js';
import { checkSipInput, FuzzFailure, type Clock, type OracleResult, type Stage } from './oracle.js';

export type FuzzTarget = (input: Buffer, rng: Prng, clock: Clock) => OracleResult;

export interface FuzzOptions {
  seed: number;
  runs: number;
  /** Stop early after this long (wall clock per `clock`); undefined = no limit. */
  timeLimitMs?: number;
  /** An input slower than this (on every retry) is a hang. */
  hangMs: number;
  /** Extra runs of an input that exceeded hangMs, to tell a hang from a GC pause. */
  hangRetries: number;
  progressEvery: number;
  /** Share of inputs built by the structure-aware generator. */
  generateRate: number;
  maxCorpus: number;
  maxCorpusEntryBytes: number;
  limits: MutationLimits;
  clock: Clock;
  target: FuzzTarget;
  onProgress?: (p: FuzzProgress) => void;
  /** Called once per distinct finding (crashes and hangs are deduplicated by signature). */
  onFinding?: (f: Finding) => void;
}

export const DEFAULT_FUZZ_OPTIONS: FuzzOptions = {
  seed: 1, runs: 1_000_000, hangMs: 50, hangRetries: 2, progressEvery: 100_000, generateRate: 0.05,
  maxCorpus: 2000, maxCorpusEntryBytes: 16 * 1024, limits: DEFAULT_LIMITS, clock: () => performance.now(), target: checkSipInput,
};

export interface Finding {
  kind: 'crash' | 'hang';
  signature: string;
  stage: Stage;
  message: string;
  location?: string;
  input: Buffer;
  /** Time of the input (for hangs: the fastest of its runs). */
  ms: number;
  /** Index of the input in the run, and the seed of its framer chunking. */
  index: number;
  chunkSeed: number;
}

export interface FuzzProgress {
  inputs: number;
  elapsedMs: number;
  inputsPerSecond: number;
  maxMs: number;
  crashes: number;
  hangs: number;
  corpusSize: number;
  outcomes: ReadonlyMap<string, number>;
}

export interface FuzzReport extends FuzzProgress {
  /** One entry per distinct signature, in the order found. */
  findings: Finding[];
}

/** Seed files of a corpus directory (README excluded), sorted by name, as byte strings. */
export function loadCorpus(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.toLowerCase().startsWith('readme'))
    .sort()
    .map((name) => readFileSync(join(dir, name)).toString('latin1'));
}

function failureSignature(f: FuzzFailure): string {
  return `crash:${f.stage}:${f.location ?? '-'}:${f.message.replace(/[0-9]+/g, 'N').slice(0, 120)}`;
}

function slowestStage(stageMs: OracleResult['stageMs']): Stage {
  let best: Stage = 'oracle';
  let bestMs = -1;
  for (const [stage, ms] of Object.entries(stageMs) as [Stage, number][]) if (ms > bestMs) [best, bestMs] = [stage, ms];
  return best;
}

export function runFuzz(seeds: readonly string[], overrides: Partial<FuzzOptions> = {}): FuzzReport {
  const o: FuzzOptions = { ...DEFAULT_FUZZ_OPTIONS, ...overrides };
  if (seeds.length === 0) throw new RangeError('the fuzzer needs at least one seed');
  const rng = new Prng(o.seed);
  const corpus = [...seeds];
  const ctx: MutationContext = { corpus, limits: o.limits };
  const seenSignatures = new Set<string>();
  const seenFindings = new Set<string>();
  const findings: Finding[] = [];
  const outcomes = new Map<string, number>();
  let crashes = 0;
  let hangs = 0;
  let maxMs = 0;
  const started = o.clock();

  const runOnce = (input: Buffer, chunkSeed: number): { ms: number; result?: OracleResult; failure?: FuzzFailure } => {
    const t0 = o.clock();
    try {
      const result = o.target(input, new Prng(chunkSeed), o.clock);
      return { ms: o.clock() - t0, result };
    } catch (err) {
      return { ms: o.clock() - t0, failure: FuzzFailure.fromError('oracle', err) };
    }
  };
  const report = (f: Finding): void => {
    if (seenFindings.has(f.signature)) return;
    seenFindings.add(f.signature);
    findings.push(f);
    o.onFinding?.(f);
  };
  const progress = (inputs: number): FuzzProgress => {
    const elapsedMs = o.clock() - started;
    return { inputs, elapsedMs, inputsPerSecond: elapsedMs > 0 ? (inputs * 1000) / elapsedMs : 0, maxMs, crashes, hangs, corpusSize: corpus.length, outcomes };
  };

  let i = 0;
  for (; i < o.runs; i++) {
    if (o.timeLimitMs !== undefined && i % 1000 === 0 && o.clock() - started > o.timeLimitMs) break;
    const text = i < seeds.length ? (seeds[i] as string) : rng.chance(o.generateRate) ? generateMessage(rng) : mutate(rng, rng.pick(corpus), ctx);
    const input = Buffer.from(text, 'latin1');
    const chunkSeed = rng.nextU32();
    let run = runOnce(input, chunkSeed);
    for (let retry = 0; retry < o.hangRetries && run.ms > o.hangMs && !run.failure; retry++) {
      const again = runOnce(input, chunkSeed);
      if (again.ms < run.ms) run = again;
    }
    maxMs = Math.max(maxMs, run.ms);
    const base = { input, ms: run.ms, index: i, chunkSeed };
    if (run.failure) {
      crashes++;
      const f = run.failure;
      report({ ...base, kind: 'crash', signature: failureSignature(f), stage: f.stage, message: `${f.kind}: ${f.message}`, ...(f.location ? { location: f.location } : {}) });
    } else if (run.result) {
      const { result } = run;
      outcomes.set(result.outcome, (outcomes.get(result.outcome) ?? 0) + 1);
      if (run.ms > o.hangMs) {
        hangs++;
        const stage = slowestStage(result.stageMs);
        const breakdown = Object.entries(result.stageMs).map(([s, ms]) => `${s} ${ms.toFixed(1)}`).join(', ');
        // Both parse stages run parseMessage on the same bytes: one signature, whichever measured slower.
        const family = stage === 'framed-parse' ? 'parse' : stage;
        report({ ...base, kind: 'hang', signature: `hang:${family}`, stage, message: `${input.length}-byte input took ${run.ms.toFixed(1)} ms (${breakdown} ms)` });
      }
      if (!seenSignatures.has(result.signature)) {
        seenSignatures.add(result.signature);
        if (i >= seeds.length && input.length <= o.maxCorpusEntryBytes) {
          if (corpus.length < o.maxCorpus) corpus.push(text);
          else if (corpus.length > seeds.length) corpus[seeds.length + rng.int(corpus.length - seeds.length)] = text;
        }
      }
    }
    if (o.onProgress && (i + 1) % o.progressEvery === 0) o.onProgress(progress(i + 1));
  }
  return { ...progress(i), findings };
}
