import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute, relative } from 'node:path';

/** How a file is named in problem lines: relative to the working directory when inside it, else absolute. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/** Short, stable wording for file-system errors. */
export function describeFsError(e: unknown): string {
  const code = typeof e === 'object' && e !== null && 'code' in e ? String(e.code) : '';
  switch (code) {
    case 'ENOENT': return 'file not found';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'EISDIR': return 'is a directory, not a file';
    case 'ENOTDIR': return 'a parent of this path is not a directory';
    default: return e instanceof Error ? e.message : String(e);
  }
}

/** undefined when `abs` is a readable regular file, else why not. */
export async function whyNotReadable(abs: string): Promise<string | undefined> {
  try {
    const st = await stat(abs);
    if (!st.isFile()) return 'is not a regular file';
    await access(abs, constants.R_OK);
    return undefined;
  } catch (e) {
    return describeFsError(e);
  }
}

/** undefined when `abs` is a directory, else why not. */
export async function whyNotDirectory(abs: string): Promise<string | undefined> {
  try {
    const st = await stat(abs);
    return st.isDirectory() ? undefined : 'is not a directory';
  } catch (e) {
    const why = describeFsError(e);
    return why === 'file not found' ? 'not found' : why;
  }
}
