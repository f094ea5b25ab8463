// Reading a Go source file from disk for whole-tree operations (scan, upgrade impact).
import { promises as fs, readFileSync, statSync } from 'node:fs';
import { decodeUtf8, DecodedSource } from '../engine/byteLayout';
import { DEFAULT_MAX_FILE_BYTES, describeSize } from '../engine/limits';
import type { WalkProblem } from './walk';

/**
 * A Go source as text (with where its characters sit in the file's bytes, for byte columns), or
 * undefined (with the reason recorded) when it cannot be one: unreadable (deleted meanwhile, no
 * permission, a directory), larger than maxBytes (0: no limit), or binary.
 */
export async function readGoSource(file: string, problems: WalkProblem[], maxBytes = DEFAULT_MAX_FILE_BYTES): Promise<DecodedSource | undefined> {
  let bytes: Buffer;
  try {
    // The size first, so that an oversized file is never read into memory.
    if (tooLarge(file, (await fs.stat(file)).size, maxBytes, problems)) return undefined;
    bytes = await fs.readFile(file);
  } catch (e) {
    problems.push({ path: file, message: `cannot read: ${(e as Error).message}` });
    return undefined;
  }
  return decodeGoSource(file, bytes, problems);
}

/**
 * readGoSource without yielding: a scan worker reads thousands of files in a row, and awaiting each
 * read cost more than the read (40% of a cached scan's time was spent waiting for the event loop).
 */
export function readGoSourceSync(file: string, problems: WalkProblem[], maxBytes = DEFAULT_MAX_FILE_BYTES): DecodedSource | undefined {
  let bytes: Buffer;
  try {
    if (tooLarge(file, statSync(file).size, maxBytes, problems)) return undefined;
    bytes = readFileSync(file);
  } catch (e) {
    problems.push({ path: file, message: `cannot read: ${(e as Error).message}` });
    return undefined;
  }
  return decodeGoSource(file, bytes, problems);
}

function tooLarge(file: string, size: number, maxBytes: number, problems: WalkProblem[]): boolean {
  if (maxBytes <= 0 || size <= maxBytes) return false;
  problems.push({ path: file, message: `skipped: ${describeSize(size)} is above the maximum file size of ${describeSize(maxBytes)} (--max-file-size, gohazard.maxFileSize)` });
  return true;
}

function decodeGoSource(file: string, bytes: Buffer, problems: WalkProblem[]): DecodedSource | undefined {
  if (bytes.includes(0)) {
    problems.push({ path: file, message: 'skipped: contains NUL bytes (not Go source)' });
    return undefined;
  }
  return decodeUtf8(bytes);
}
