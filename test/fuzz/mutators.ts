/**
 * Mutations over SIP messages. Inputs are handled as byte strings (one char per byte, latin1) so any byte
 * sequence survives, and so line/number/header edits stay cheap string operations. Every mutator draws its
 * randomness from the run's Prng, so a run is reproducible from its seed.
 */
import type { Prng } from './prng.js';

/** Limits that keep one input fast to run; `maxLongToken` is the "very long token" size. */
export interface MutationLimits {
  maxInputBytes: number;
  maxLongToken: number;
  maxRepeatedLines: number;
  /** Mutations stacked on one input: 1..maxStack, biased to few. */
  maxStack: number;
}

export const DEFAULT_LIMITS: MutationLimits = { maxInputBytes: 128 * 1024, maxLongToken: 10 * 1024, maxRepeatedLines: 1000, maxStack: 5 };

/** What a mutator may use besides its input: the corpus (splices, crossovers) and the limits. */
export interface MutationContext {
  corpus: readonly string[];
  limits: MutationLimits;
}

export type Mutator = (rng: Prng, input: string, ctx: MutationContext) => string;

/** Bytes and short sequences that sit on SIP grammar boundaries (RFC 3261 §25), as byte strings. */
export const INTERESTING: readonly string[] = [
  '\0', '\r', '\n', ' ', '\t', ':', ';', ',', '"', '<', '>', '%', '\\', '\xff', '=', '@', '?', '/', '[', ']',
  '\r\n', '\r\n\r\n', '\n\n', '\r\n ', '\r\n\t', '%00', '%zz', '%', '\\"', '""',
  '\xc3\xa9', '\xe2\x82\xac', '\xf0\x9f\x98\x80', '\xc0\x80', '\x80', '\xe2\x82', '\xef\xbb\xbf', '\xe2\x80\xa8',
];

/** Numbers at the edges of the parsers' ranges (CSeq 2^31, Expires 2^32, ports, 10-digit checks). */
export const BOUNDARY_NUMBERS: readonly string[] = [
  '0', '-1', '1', '255', '256', '65535', '65536', '2147483647', '2147483648', '4294967295', '4294967296',
  '9999999999', '10000000000', '99999999999999999999', '000000000000000000001', '1e3', '0x10', '1.5', '',
];

const DELIMITERS = new Set([':', ';', ',', '<', '>', ' ', '\t', '\r', '\n', '=', '@', '"', '/']);

/** A position in [0, s.length]: half the time uniform, half the time on a grammar delimiter. */
export function pickPosition(rng: Prng, s: string): number {
  const p = rng.int(s.length + 1);
  if (rng.chance(0.5)) return p;
  for (let i = p; i < s.length && i < p + 256; i++) if (DELIMITERS.has(s.charAt(i))) return rng.chance(0.5) ? i : i + 1;
  return p;
}

function insertAt(s: string, pos: number, text: string): string {
  return s.slice(0, pos) + text + s.slice(pos);
}

function randomBytes(rng: Prng, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String.fromCharCode(rng.int(256));
  return out;
}

/** Lines split on LF, each keeping its CR (if any) so joining with '\n' restores the input. */
function lines(s: string): string[] {
  return s.split('\n');
}

/** Index range of the header lines (after the start line, before the empty line). */
function headerLineRange(ls: readonly string[]): [number, number] {
  let end = 1;
  while (end < ls.length && ls[end] !== '' && ls[end] !== '\r') end++;
  return [1, end];
}

const flipBit: Mutator = (rng, s) => {
  if (s.length === 0) return s;
  const i = rng.int(s.length);
  return s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << rng.int(8))) + s.slice(i + 1);
};

const setByte: Mutator = (rng, s) => {
  if (s.length === 0) return s;
  const i = rng.int(s.length);
  return s.slice(0, i) + String.fromCharCode(rng.int(256)) + s.slice(i + 1);
};

const insertBytes: Mutator = (rng, s) => insertAt(s, pickPosition(rng, s), randomBytes(rng, rng.logInt(8)));

const deleteBytes: Mutator = (rng, s) => {
  const i = pickPosition(rng, s);
  return s.slice(0, i) + s.slice(i + rng.logInt(16));
};

const insertInteresting: Mutator = (rng, s) => insertAt(s, pickPosition(rng, s), rng.pick(INTERESTING));

const replaceWithInteresting: Mutator = (rng, s) => {
  const i = pickPosition(rng, s);
  return s.slice(0, i) + rng.pick(INTERESTING) + s.slice(i + 1);
};

const duplicateLine: Mutator = (rng, s) => {
  const ls = lines(s);
  const i = rng.int(ls.length);
  ls.splice(i, 0, ls[i] ?? '');
  return ls.join('\n');
};

const deleteLine: Mutator = (rng, s) => {
  const ls = lines(s);
  ls.splice(rng.int(ls.length), 1);
  return ls.join('\n');
};

const swapLines: Mutator = (rng, s) => {
  const ls = lines(s);
  const a = rng.int(ls.length);
  const b = rng.int(ls.length);
  [ls[a], ls[b]] = [ls[b] ?? '', ls[a] ?? ''];
  return ls.join('\n');
};

/** Insert a line taken from another corpus message. */
const spliceLine: Mutator = (rng, s, ctx) => {
  const donor = lines(rng.pick(ctx.corpus));
  const ls = lines(s);
  ls.splice(rng.int(ls.length + 1), 0, rng.pick(donor));
  return ls.join('\n');
};

/** Head of this message, tail of another (a crossover at random points). */
const crossover: Mutator = (rng, s, ctx) => {
  const other = rng.pick(ctx.corpus);
  return s.slice(0, rng.int(s.length + 1)) + other.slice(rng.int(other.length + 1));
};

const NUMBER_RE = /-?[0-9]+/g;

const replaceNumber: Mutator = (rng, s) => {
  const found = [...s.matchAll(NUMBER_RE)];
  if (found.length === 0) return insertAt(s, pickPosition(rng, s), rng.pick(BOUNDARY_NUMBERS));
  const m = rng.pick(found);
  const at = m.index ?? 0;
  return s.slice(0, at) + rng.pick(BOUNDARY_NUMBERS) + s.slice(at + m[0].length);
};

/** Fold a header line (§7.3.1: CRLF followed by SP/HT continues the line), or add LWS around a delimiter. */
const insertFolding: Mutator = (rng, s) => {
  const ls = lines(s);
  const [from, to] = headerLineRange(ls);
  if (to <= from) return insertAt(s, pickPosition(rng, s), '\r\n ');
  const i = rng.range(from, to - 1);
  const line = ls[i] ?? '';
  const pos = pickPosition(rng, line);
  const lws = rng.pick(['\r\n ', '\r\n\t', ' \r\n ', '\r\n  \t ', '  ', '\t', ' \t ']);
  ls[i] = insertAt(line, pos, lws);
  return ls.join('\n');
};

/** A long run of one byte or a short pattern (long tokens, long LWS, long quoted strings). */
const longToken: Mutator = (rng, s, ctx) => {
  const max = ctx.limits.maxLongToken;
  const n = rng.chance(0.25) ? max : rng.logInt(max);
  const unit = rng.pick(['a', '0', ' ', '\t', ',', ';', '%', '"', '<', '.', '-', '\\', 'a.', ';a=b', ' ,', '%2', 'z9hG4bK']);
  return insertAt(s, pickPosition(rng, s), unit.repeat(Math.ceil(n / unit.length)).slice(0, n));
};

/** Double the longest run of one repeated byte: walks super-linear parsing towards a visible hang. */
const doubleLongestRun: Mutator = (rng, s) => {
  let best = 0;
  let bestLen = 0;
  for (let i = 0; i < s.length; ) {
    let j = i + 1;
    while (j < s.length && s.charCodeAt(j) === s.charCodeAt(i)) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (bestLen === 0) return s;
  return insertAt(s, best, s.slice(best, best + bestLen));
};

/** Repeat one header line many times (1,000 Via lines and the like). */
const repeatHeader: Mutator = (rng, s, ctx) => {
  const ls = lines(s);
  const [from, to] = headerLineRange(ls);
  if (to <= from) return s;
  const vias = ls.slice(from, to).filter((l) => /^(via|v)\s*:/i.test(l));
  const line = vias.length > 0 && rng.chance(0.5) ? rng.pick(vias) : ls[rng.range(from, to - 1)] ?? '';
  const max = ctx.limits.maxRepeatedLines;
  // Never build more than the size cap allows (a 10 kB line repeated 1,000 times would be 10 MB to throw away).
  const n = Math.min(rng.chance(0.2) ? max : rng.logInt(max), Math.ceil(ctx.limits.maxInputBytes / (line.length + 1)));
  ls.splice(rng.range(from, to), 0, ...new Array<string>(n).fill(line));
  return ls.join('\n');
};

const truncate: Mutator = (rng, s) => s.slice(0, rng.int(s.length + 1));

const CL_LINE_RE = /^(content-length|l)[ \t]*:[^\n]*$/im;

/** Make Content-Length disagree with the body: short, long, huge, signed, doubled or missing. */
const contentLengthLie: Mutator = (rng, s) => {
  const sep = s.indexOf('\r\n\r\n');
  const bodyLen = sep === -1 ? 0 : s.length - sep - 4;
  const value = rng.pick([
    String(Math.max(0, bodyLen - rng.logInt(64))), String(bodyLen + rng.logInt(64)), String(bodyLen), '0', '-1',
    ` ${bodyLen} `, `+${bodyLen}`, '99999999999999999999', '4294967296', '65536', 'abc', '', `${bodyLen}, ${bodyLen}`,
  ]);
  const m = CL_LINE_RE.exec(s);
  if (!m) return sep === -1 ? `${s}\r\nContent-Length: ${value}` : `${s.slice(0, sep)}\r\nContent-Length: ${value}${s.slice(sep)}`;
  const at = m.index;
  const replacement = rng.chance(0.2) ? `${m[0]}\n${rng.pick(['l', 'Content-Length'])}: ${value}\r` : `${m[1] ?? 'l'}: ${value}\r`;
  return s.slice(0, at) + replacement + s.slice(at + m[0].length);
};

/** Flip the case of a stretch of letters (method names, header names, SIP/2.0, schemes). */
const flipCase: Mutator = (rng, s) => {
  const i = pickPosition(rng, s);
  const n = rng.logInt(16);
  const part = s.slice(i, i + n);
  const flipped = part === part.toUpperCase() ? part.toLowerCase() : part.toUpperCase();
  return s.slice(0, i) + flipped + s.slice(i + n);
};

/** Switch the whole message between CRLF and bare-LF line ends (both are framed, §7.5 tolerance). */
const lineEnds: Mutator = (rng, s) => (rng.chance(0.5) ? s.replace(/\r\n/g, '\n') : s.replace(/\r?\n/g, '\r\n'));

/** The mutators with their relative weights. */
export const MUTATORS: readonly [Mutator, number][] = [
  [flipBit, 6], [setByte, 4], [insertBytes, 5], [deleteBytes, 5], [insertInteresting, 12], [replaceWithInteresting, 6],
  [duplicateLine, 4], [deleteLine, 4], [swapLines, 3], [spliceLine, 5], [crossover, 2], [replaceNumber, 8],
  [insertFolding, 6], [longToken, 2], [doubleLongestRun, 1], [repeatHeader, 1], [truncate, 3], [contentLengthLie, 5],
  [flipCase, 3], [lineEnds, 1],
];

const TOTAL_WEIGHT = MUTATORS.reduce((sum, [, w]) => sum + w, 0);

export function pickMutator(rng: Prng): Mutator {
  let r = rng.int(TOTAL_WEIGHT);
  for (const [m, w] of MUTATORS) {
    if (r < w) return m;
    r -= w;
  }
  return flipBit;
}

/** Apply a small stack of mutations (1..maxStack, biased to few) and cap the size. */
export function mutate(rng: Prng, input: string, ctx: MutationContext): string {
  let s = input;
  const n = rng.logInt(ctx.limits.maxStack);
  for (let i = 0; i < n; i++) {
    s = pickMutator(rng)(rng, s, ctx);
    if (s.length > ctx.limits.maxInputBytes) s = s.slice(0, ctx.limits.maxInputBytes);
  }
  return s;
}
