import { readFile } from 'node:fs/promises';
import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import type { KeyPath, Problem } from './config-error.js';
import { describeFsError } from './file-checks.js';

/** A parsed YAML file that can tell on which line a key path sits, for problem reports. */
export interface YamlSource {
  /** File name as shown to the user. */
  readonly file: string;
  /** Plain JS value of the document (null for an empty file). */
  readonly value: unknown;
  /** 1-based line of the deepest existing node on `path` (the key's line for map entries). */
  lineOf(path: KeyPath): number | undefined;
}

/** Parses YAML text; a syntax error becomes one problem (the first error: later ones usually follow from it). */
export function parseYamlSource(text: string, file: string): YamlSource | Problem {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0].line ?? lineCounter.linePos(first.pos[0]).line;
    const message = first.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').split('\n')[0] ?? first.message;
    return { file, line, path: [], message: `YAML syntax error: ${message}` };
  }
  return {
    file,
    value: doc.toJS() as unknown,
    lineOf: (path) => lineOf(doc, lineCounter, path),
  };
}

export type ReadResult =
  | { ok: true; source: YamlSource }
  | { ok: false; problem: Problem; /** true when the file could not be read at all (vs. bad syntax) */ unreadable: boolean };

/** Reads and parses a YAML file; an unreadable file or bad syntax becomes one problem. */
export async function readYamlSource(absPath: string, file: string): Promise<ReadResult> {
  let text: string;
  try {
    text = await readFile(absPath, 'utf8');
  } catch (e) {
    return { ok: false, problem: { file, path: [], message: describeFsError(e) }, unreadable: true };
  }
  const parsed = parseYamlSource(text, file);
  return 'message' in parsed ? { ok: false, problem: parsed, unreadable: false } : { ok: true, source: parsed };
}

function lineOf(doc: Document, lc: LineCounter, path: KeyPath): number | undefined {
  let node: unknown = doc.contents;
  let line = startLine(node, lc);
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      line = startLine(pair.key, lc) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item: unknown = node.items[seg];
      if (item === undefined) break;
      line = startLine(item, lc) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function startLine(node: unknown, lc: LineCounter): number | undefined {
  if (!isNode(node) || !node.range) return undefined;
  return lc.linePos(node.range[0]).line;
}

/** Attaches file and line to key-path problems. */
export function locate(source: YamlSource, items: readonly { path: KeyPath; message: string }[]): Problem[] {
  return items.map(({ path, message }) => {
    const line = source.lineOf(path);
    return line === undefined ? { file: source.file, path, message } : { file: source.file, line, path, message };
  });
}

/** Orders problems of one file by line (stable: same-line problems keep their order). */
export function byLine(a: Problem, b: Problem): number {
  return (a.line ?? 0) - (b.line ?? 0);
}

/** True when `path` is `prefix` or lies under it. */
export function isUnder(path: KeyPath, prefix: KeyPath): boolean {
  return prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}
