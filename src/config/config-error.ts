import { SwitchboardError, type ErrorCode } from '../shared/errors.js';

/** A key path into a YAML document: map keys and sequence indices. */
export type KeyPath = readonly (string | number)[];

/** One thing wrong with a config or dialplan file. */
export interface Problem {
  /** File name as shown to the user (relative to the working directory when inside it). */
  file: string;
  /** 1-based line, when the YAML position is known. */
  line?: number;
  /** Key path; empty for the whole document. */
  path: KeyPath;
  message: string;
}

/** `trunks[0].addresses[1]` */
export function formatKeyPath(path: KeyPath): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** `FILE:LINE: key.path: problem` (LINE and key path left out when unknown or empty). */
export function renderProblem(p: Problem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  const key = formatKeyPath(p.path);
  return key === '' ? `${where}: ${p.message}` : `${where}: ${key}: ${p.message}`;
}

/**
 * Configuration or dialplans are invalid (CONFIG_INVALID) or the config file cannot be read
 * (CONFIG_UNREADABLE). `problems` holds every problem found, one rendered line each.
 */
export class ConfigError extends SwitchboardError {
  readonly problems: string[];
  constructor(problems: readonly (Problem | string)[], code: ErrorCode = 'CONFIG_INVALID') {
    const lines = problems.map((p) => (typeof p === 'string' ? p : renderProblem(p)));
    super(code, lines.join('\n'));
    this.name = 'ConfigError';
    this.problems = lines;
  }
}
