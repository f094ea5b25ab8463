// The scan cache on disk (engine/scanCache.ts decides keys and entries). Layout, as GOCACHE's:
// <dir>/<first two hex digits of the key>/<key>, one file per entry, plus a README, a CACHEDIR.TAG
// (backup tools skip the directory) and trim.txt (when the size was last checked).
//
// Safe with several scans at once, in one process or many: an entry is written to a temporary file
// in its own directory and renamed over its name, so readers see a whole entry or none; two writers of
// one key write the same bytes. Bounded in size: reading an entry refreshes its modification time
// (at most once an hour, to spare writes), and after a scan that wrote entries the cache is trimmed
// of the least recently used ones when it may hold more than its bound (see trimCache).
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, futimesSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isSkippedDirectory } from '../workspace/goFileNames';
import { threadId } from 'node:worker_threads';
import type { CacheStorage } from '../engine/scanCache';

/** Default bound of the cache's size: a cold scan of the Go distribution writes about a tenth of it. */
export const DEFAULT_CACHE_MAX_BYTES = 1024 * 2 ** 20;
/** Entries read within this long are not touched again. */
const TOUCH_AFTER_MS = 60 * 60 * 1000;
/** Temporary files older than this are left over by a killed writer. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** The size is measured again at least this often even when the running estimate stays below the bound. */
const RECOUNT_MS = 24 * 60 * 60 * 1000;
/** A trim removes the least recently used entries until the cache holds at most this share of its bound. */
const TRIM_TO = 0.8;

const KEY = /^[0-9a-f]{64}$/;

export class DiskCache implements CacheStorage {
  private readonly madeDirs = new Set<string>();
  private tempCounter = 0;

  constructor(readonly dir: string) {}

  read(key: string): string | undefined {
    if (!KEY.test(key)) return undefined;
    let fd: number;
    try {
      fd = openSync(this.pathOf(key), 'r');
    } catch {
      return undefined;
    }
    try {
      // The size and modification time come with the open file: no second lookup of the path.
      const { size, mtimeMs } = fstatSync(fd);
      const buffer = Buffer.allocUnsafe(size);
      let read = 0;
      while (read < size) {
        const n = readSync(fd, buffer, read, size - read, read);
        if (n === 0) break;
        read += n;
      }
      const now = Date.now();
      if (now - mtimeMs > TOUCH_AFTER_MS) touch(fd, now);
      return buffer.toString('utf8', 0, read);
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }

  write(key: string, data: string): boolean {
    if (!KEY.test(key)) return false;
    const sub = join(this.dir, key.slice(0, 2));
    const temp = join(sub, `.tmp-${process.pid}-${threadId}-${this.tempCounter++}`);
    try {
      if (!this.madeDirs.has(sub)) {
        mkdirSync(sub, { recursive: true });
        this.madeDirs.add(sub);
      }
      writeFileSync(temp, data);
      renameSync(temp, join(sub, key));
      return true;
    } catch {
      // A full disk, a read-only directory, or (on Windows) a reader holding the target open: the
      // entry is not stored, the scan goes on.
      try {
        unlinkSync(temp);
      } catch {
        // never created
      }
      return false;
    }
  }

  digest(parts: readonly string[]): string {
    // One update of the length-prefixed parts: an update per part cost more than the hashing when
    // dependency digests of large packages joined thousands of short parts.
    let joined = '';
    for (const part of parts) joined += `${part.length}:${part}`;
    return createHash('sha256').update(joined).digest('hex');
  }

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), key);
  }
}

/** Marks an entry as used now; a cache shared read-only (another user's) is simply not refreshed. */
function touch(fd: number, now: number): void {
  try {
    futimesSync(fd, now / 1000, now / 1000);
  } catch {
    // not ours to change
  }
}

/**
 * The user cache directory's gohazard/ (as Go's os.UserCacheDir, with $XDG_CACHE_HOME honoured on
 * every system): $XDG_CACHE_HOME, else ~/.cache on Linux and other Unixes, ~/Library/Caches on macOS,
 * %LocalAppData% on Windows. Undefined when none can be found.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = safeHomedir()): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && isAbsolute(xdg)) return join(xdg, 'gohazard');
  if (platform === 'win32') return env.LocalAppData || env.LOCALAPPDATA ? join((env.LocalAppData || env.LOCALAPPDATA)!, 'gohazard') : undefined;
  if (!home) return undefined;
  return platform === 'darwin' ? join(home, 'Library', 'Caches', 'gohazard') : join(home, '.cache', 'gohazard');
}

function safeHomedir(): string {
  try {
    return homedir();
  } catch {
    return '';
  }
}

export interface CacheLocation {
  /** The directory, or undefined when the cache is off. */
  dir?: string;
  /** The bound of its size ($GOHAZARD_CACHE_MAX_MB, else DEFAULT_CACHE_MAX_BYTES). */
  maxBytes?: number;
  /** Why it is off, when it was asked for but cannot be used (for a message). */
  problem?: string;
}

/**
 * Where the scan cache is: `explicit` (--cache-dir), else $GOHAZARD_CACHE, else the user cache
 * directory; off with --no-cache or GOHAZARD_CACHE=off. Never inside a directory being analysed
 * (`workspaces`): a cache there would be written into the user's project. With `hiddenInside`, one the
 * scan does not enter (below a directory named `.x`, `_x`, testdata or vendor) is allowed, e.g.
 * `.cache/gohazard` for a CI service that caches paths inside the project only.
 */
export function resolveCacheDir(options: { explicit?: string; disabled?: boolean; workspaces: readonly string[]; hiddenInside?: boolean; env?: NodeJS.ProcessEnv }): CacheLocation {
  const env = options.env ?? process.env;
  if (options.disabled) return {};
  const fromEnv = env.GOHAZARD_CACHE;
  if (options.explicit === undefined && fromEnv === 'off') return {};
  const chosen = options.explicit ?? (fromEnv || undefined);
  const dir = chosen !== undefined ? resolve(chosen) : defaultCacheDir(env);
  if (!dir) return { problem: 'no user cache directory found (set GOHAZARD_CACHE or --cache-dir); scanning without a cache' };
  for (const workspace of options.workspaces) {
    const rel = relative(resolve(workspace), dir);
    const inside = rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
    if (inside && !(options.hiddenInside && rel.split(sep).some(isSkippedDirectory))) {
      return { problem: `the cache directory ${dir} is inside ${resolve(workspace)}, which is being analysed; scanning without a cache (choose another with --cache-dir or GOHAZARD_CACHE)` };
    }
  }
  const mb = env.GOHAZARD_CACHE_MAX_MB;
  if (mb !== undefined && !/^\d+(\.\d+)?$/.test(mb)) return { dir, maxBytes: DEFAULT_CACHE_MAX_BYTES, problem: `GOHAZARD_CACHE_MAX_MB must be a number of MB, not "${mb}"; using ${DEFAULT_CACHE_MAX_BYTES / 2 ** 20}` };
  return { dir, maxBytes: mb !== undefined ? Math.round(Number(mb) * 2 ** 20) : DEFAULT_CACHE_MAX_BYTES };
}

/** Creates the directory with its README and CACHEDIR.TAG; false when it cannot be written. */
export function prepareCacheDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    writeIfMissing(join(dir, 'README'), 'This directory holds cached gohazard scan results. It can be deleted at any time;\ngohazard trims it of the least recently used entries when it grows above its bound.\n');
    writeIfMissing(join(dir, 'CACHEDIR.TAG'), 'Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by gohazard.\n# For information about cache directory tags see https://bford.info/cachedir/\n');
    return true;
  } catch {
    return false;
  }
}

function writeIfMissing(file: string, text: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch {
    return;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}

export interface TrimOutcome {
  /** Whether the size was measured (the running estimate reached the bound, or it was time to). */
  measured: boolean;
  bytesBefore: number;
  bytesAfter: number;
  removed: number;
}

/**
 * Keeps the cache below maxBytes. Each scan adds what it wrote to a running estimate in trim.txt; when
 * the estimate reaches the bound (or a day has passed), the entries are listed with their sizes and
 * modification times, and the least recently used are removed until the cache holds TRIM_TO of the
 * bound. Two scans updating the estimate at once may lose one's share; the daily recount corrects it.
 */
export function trimCache(dir: string, maxBytes: number, writtenBytes: number, now = Date.now()): TrimOutcome {
  const stamp = join(dir, 'trim.txt');
  let last = { at: 0, bytes: 0 };
  try {
    const [at, bytes] = readFileSync(stamp, 'utf8').trim().split(' ').map(Number);
    if (Number.isFinite(at) && Number.isFinite(bytes)) last = { at, bytes };
  } catch {
    // never measured
  }
  const estimate = last.bytes + writtenBytes;
  if (estimate < maxBytes && now - last.at < RECOUNT_MS) {
    writeStamp(stamp, last.at, estimate);
    return { measured: false, bytesBefore: estimate, bytesAfter: estimate, removed: 0 };
  }
  const entries: { file: string; size: number; mtime: number }[] = [];
  let total = 0;
  for (const sub of safeReaddir(dir)) {
    if (!/^[0-9a-f]{2}$/.test(sub)) continue;
    for (const name of safeReaddir(join(dir, sub))) {
      const file = join(dir, sub, name);
      let st;
      try {
        st = statSync(file);
      } catch {
        continue;
      }
      if (name.startsWith('.tmp-')) {
        if (now - st.mtimeMs > STALE_TEMP_MS) rmSync(file, { force: true });
        continue;
      }
      if (!KEY.test(name)) continue;
      entries.push({ file, size: st.size, mtime: st.mtimeMs });
      total += st.size;
    }
  }
  const before = total;
  let removed = 0;
  if (total > maxBytes) {
    entries.sort((a, b) => a.mtime - b.mtime);
    for (const e of entries) {
      if (total <= maxBytes * TRIM_TO) break;
      try {
        unlinkSync(e.file);
      } catch {
        // removed by another trim
      }
      total -= e.size;
      removed++;
    }
  }
  writeStamp(stamp, now, total);
  return { measured: true, bytesBefore: before, bytesAfter: total, removed };
}

function writeStamp(stamp: string, at: number, bytes: number): void {
  const temp = `${stamp}.${process.pid}-${threadId}`;
  try {
    writeFileSync(temp, `${at} ${bytes}\n`);
    renameSync(temp, stamp);
  } catch {
    try {
      unlinkSync(temp);
    } catch {
      // never created
    }
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
