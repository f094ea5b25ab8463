// Reading a Go source file from disk for whole-tree operations (scan, upgrade impact).
import { promises as fs } from 'node:fs';
import type { WalkProblem } from './walk';

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** A Go source as text, or undefined (with the reason recorded) when it cannot be one. */
export async function readGoSource(file: string, problems: WalkProblem[]): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    problems.push({ path: file, message: `cannot read: ${(e as Error).message}` });
    return undefined;
  }
  if (bytes.includes(0)) {
    problems.push({ path: file, message: 'skipped: contains NUL bytes (not Go source)' });
    return undefined;
  }
  return utf8.decode(bytes);
}
