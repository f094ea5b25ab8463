// What an analysis read of the summaries of the other files of its package, for the scan cache
// (scanCache.ts): a file's findings stay valid while what its rules read is unchanged, which is far
// less than the whole summaries (a call looks up one function's escape tags, not the package's).
//
// Summaries are JSON made of tables (a function's tags under `f.name`, a pool under `pools.name`, …).
// A recorded read is a path of at most two keys: a lookup (`f`, `keep`) depends on that entry alone, a
// present or absent one; enumerating a table (`Object.entries(s.types)`) on the whole table; an array
// or a scalar on itself. The rules are unaware of it: summaries are handed to them behind proxies.
// Details (a function's escape tags, computed on request) are recorded by name, apart.

/**
 * Per indexer id, the paths read, each a list of at most two keys; [] is the whole summary. Details
 * read (PackageView.detail) are under `d:<indexer id>`, each as [file name, declaration name]; words
 * looked for in the other files (PackageView.mentions) under `t:<word>`, with the path [].
 */
export type RecordedReads = [string, string[][]][];

/** The prefix of the ids under which details read are recorded. */
export const DETAIL_READS = 'd:';

/** The prefix of the ids under which words looked for in the other files are recorded (PackageView.mentions). */
export const MENTION_READS = 't:';

/** Deeper than this, a value counts as one. */
const MAX_DEPTH = 2;

export class SummaryReads {
  private readonly paths = new Map<string, Set<string>>();

  /** The indexers some of whose summaries were read. */
  get ids(): string[] {
    return [...this.paths.keys()].sort();
  }

  /** summary behind a proxy that records what is read of it; plain values are recorded as read whole. */
  wrap(id: string, summary: unknown): unknown {
    if (!this.paths.has(id)) this.paths.set(id, new Set());
    return this.proxy(id, summary, []);
  }

  /** The summaries by an indexer were read whole. */
  whole(id: string): void {
    if (!this.paths.has(id)) this.paths.set(id, new Set());
    this.record(id, []);
  }

  /** A detail of another file of the package was read (its file's base name, the declaration's name). */
  detail(id: string, file: string, name: string): void {
    const key = `${DETAIL_READS}${id}`;
    let paths = this.paths.get(key);
    if (!paths) this.paths.set(key, (paths = new Set()));
    paths.add(JSON.stringify([file, name]));
  }

  /** Whether another file of the package contains a word was asked. */
  mention(word: string): void {
    const key = `${MENTION_READS}${word}`;
    if (!this.paths.has(key)) this.paths.set(key, new Set([JSON.stringify([])]));
  }

  /** The paths read, without those inside another path read, sorted (a stable key). */
  recorded(): RecordedReads {
    return this.ids.map((id) => {
      const all = [...this.paths.get(id)!].map((p) => JSON.parse(p) as string[]);
      const covered = (p: string[]) => all.some((q) => q.length < p.length && q.every((k, i) => k === p[i]));
      const kept = all.filter((p) => !covered(p)).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      return [id, kept];
    });
  }

  private record(id: string, path: string[]): void {
    this.paths.get(id)!.add(JSON.stringify(path));
  }

  private proxy(id: string, value: unknown, path: string[]): unknown {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || path.length >= MAX_DEPTH) {
      this.record(id, path);
      return value;
    }
    const reads = this;
    const at = (key: string) => [...path, key];
    return new Proxy(value as Record<string, unknown>, {
      get(target, key, receiver) {
        if (typeof key === 'symbol') return Reflect.get(target, key, receiver);
        if (!Object.prototype.hasOwnProperty.call(target, key)) {
          // Absent (or inherited, e.g. toJSON): that it is absent is what was learnt.
          reads.record(id, at(key));
          return Reflect.get(target, key, receiver);
        }
        return reads.proxy(id, target[key], at(key));
      },
      has(target, key) {
        if (typeof key === 'string') reads.record(id, at(key));
        return Reflect.has(target, key);
      },
      getOwnPropertyDescriptor(target, key) {
        if (typeof key === 'string') reads.record(id, at(key));
        return Reflect.getOwnPropertyDescriptor(target, key);
      },
      ownKeys(target) {
        reads.record(id, path);
        return Reflect.ownKeys(target);
      },
    });
  }
}

/** The JSON of what lies at path in a summary ('-' when nothing does). */
export function jsonAt(summary: unknown, path: readonly string[]): string {
  let value = summary;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, key)) return '-';
    value = (value as Record<string, unknown>)[key];
  }
  return JSON.stringify(value) ?? '-';
}
