/**
 * `npm run fuzz`: mutation fuzzing of the SIP message layer (parser, views, validation, response building,
 * serialization, stream framing). See oracle.ts for what must hold and mutators.ts for how inputs are made.
 *
 *   npm run fuzz -- [--runs N] [--seed N] [--time S] [--hang-ms N]
 *
 * Prints progress every 100k inputs and a summary line; exits 1 if any crash or hang was found, after saving
 * each distinct one under test/fuzz/crashes/ and printing it as base64.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadCorpus, runFuzz, DEFAULT_FUZZ_OPTIONS, type Finding, type FuzzProgress } from './fuzz-loop.js';

const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));
const CRASH_DIR = fileURLToPath(new URL('./crashes/', import.meta.url));

function positiveNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`--${name} must be a non-negative number, got ${text}`);
  return n;
}

function outcomeTable(outcomes: ReadonlyMap<string, number>): string {
  return [...outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}=${v}`).join(', ');
}

function printProgress(p: FuzzProgress): void {
  console.log(
    `[${p.inputs}] ${Math.round(p.inputsPerSecond)} inputs/s, max ${p.maxMs.toFixed(1)} ms, ` +
      `${p.crashes} crashes, ${p.hangs} hangs, corpus ${p.corpusSize}; outcomes: ${outcomeTable(p.outcomes)}`,
  );
}

function saveFinding(f: Finding): void {
  mkdirSync(CRASH_DIR, { recursive: true });
  const hash = createHash('sha1').update(f.input).digest('hex').slice(0, 12);
  const path = `${CRASH_DIR}${f.kind}-${f.stage}-${hash}.sip`;
  writeFileSync(path, f.input);
  console.log(`\n${f.kind.toUpperCase()} at input #${f.index} (stage ${f.stage}${f.location ? `, ${f.location}` : ''}): ${f.message}`);
  console.log(`  ${f.input.length} bytes, ${f.ms.toFixed(1)} ms, framer chunk seed ${f.chunkSeed}, saved to ${path}`);
  console.log(`  base64: ${f.input.toString('base64')}\n`);
}

function main(): number {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, seed: { type: 'string' }, time: { type: 'string' }, 'hang-ms': { type: 'string' } },
    strict: true,
  });
  const time = values.time === undefined ? undefined : positiveNumber('time', values.time, 0) * 1000;
  const seeds = loadCorpus(CORPUS_DIR);
  const report = runFuzz(seeds, {
    runs: positiveNumber('runs', values.runs, DEFAULT_FUZZ_OPTIONS.runs),
    seed: positiveNumber('seed', values.seed, DEFAULT_FUZZ_OPTIONS.seed),
    hangMs: positiveNumber('hang-ms', values['hang-ms'], DEFAULT_FUZZ_OPTIONS.hangMs),
    ...(time !== undefined ? { timeLimitMs: time } : {}),
    onProgress: printProgress,
    onFinding: saveFinding,
  });
  console.log(`outcomes: ${outcomeTable(report.outcomes)}`);
  for (const f of report.findings) console.log(`finding: ${f.signature} (first at input #${f.index}, ${f.input.length} bytes)`);
  console.log(
    `fuzz: ${report.inputs} inputs, ${report.crashes} crashes, ${report.hangs} hangs, ` +
      `${Math.round(report.inputsPerSecond)} inputs/s, max ${report.maxMs.toFixed(1)} ms`,
  );
  return report.crashes > 0 || report.hangs > 0 ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (err) {
  // Bad command-line arguments (parseArgs or the number checks above): a message, not a stack trace.
  console.error(`fuzz: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 2;
}
