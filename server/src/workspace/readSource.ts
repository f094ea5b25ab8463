// Reading a Go source file from disk for whole-tree operations (scan, upgrade impact).
import { promises as fs } from 'node:fs';
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
    const { size } = await fs.stat(file);
    if (maxBytes > 0 && size > maxBytes) {
      problems.push({ path: file, message: `skipped: ${describeSize(size)} is above the maximum file size of ${describeSize(maxBytes)} (--max-file-size, gohazard.maxFileSize)` });
      return undefined;
    }
    bytes = await fs.readFile(file);
  } catch (e) {
    problems.push({ path: file, message: `cannot read: ${(e as Error).message}` });
    return undefined;
  }
  if (bytes.includes(0)) {
    problems.push({ path: file, message: 'skipped: contains NUL bytes (not Go source)' });
    return undefined;
  }
  return decodeUtf8(bytes);
}
