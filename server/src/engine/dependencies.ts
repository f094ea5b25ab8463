// What a declaration's findings depend on besides its own text. Incremental analysis caches a
// declaration's findings with the keys of everything its rules read outside it (package-level names
// of the file, groups such as the imports, facts about the other files of the package), each with a
// hash of its value then; the findings are reused while every key still has that value. An edit
// therefore re-checks the declarations it changed and those that read what it changed, not every
// declaration of the file.
//
// Reads are recorded where the facts live (PackageScope, PackageView) into the recorder of the
// declaration being checked: rules run one declaration at a time, synchronously, so the recorder is a
// dynamic scope rather than a parameter threaded through every rule.

import { ownString } from './memo';

let current: Set<string> | undefined;

/** Notes that the declaration being checked read what `key` names (a no-op outside an analysis). */
export function recordDependency(key: string): void {
  current?.add(key);
}

/** Runs fn with every read recorded into `into`; what fn reads is also a read of any recording around it. */
export function recording<T>(into: Set<string>, fn: () => T): T {
  const outer = current;
  current = into;
  try {
    return fn();
  } finally {
    current = outer;
    if (outer) for (const key of into) outer.add(key);
  }
}

/** Runs fn without recording: work for another file (its summary) is not a read of the declaration being checked. */
export function withoutRecording<T>(fn: () => T): T {
  const outer = current;
  current = undefined;
  try {
    return fn();
  } finally {
    current = outer;
  }
}

/**
 * The value of a dependency on facts not loaded yet (an editor's package view, while the summaries of
 * the package's other files are loading): the findings that read it are withheld (Analyzer), and a
 * result cached with it is never reused once the facts are in, where every value differs from it.
 */
export const PENDING = '\u0000pending';

/** The declaration whose dependency values are asked for: some values are its share of a fact. */
export interface DeclarationText {
  /** A key of the text (its type and hash). */
  hash: string;
  text(): string;
}

/**
 * A declaration's share of a fact, memoised by the fact's hash and the declaration's text (most of a
 * file's declarations and facts are the same from one keystroke to the next). Asked for every
 * dependency of every declaration on each keystroke: nested maps, because one key built by joining
 * the three strings cost more than the lookup.
 */
export class ShareMemo {
  /** By fact key, then fact hash (the last few, oldest first), then declaration hash. */
  private readonly shares = new Map<string, Map<string, Map<string, string>>>();
  private size = 0;

  constructor(
    /** Shares remembered in all; when they are full, they are forgotten together. */
    private readonly limit = 50_000,
    /** Values of one fact remembered (a brace typed and deleted again brings the earlier one back). */
    private readonly versions = 4,
  ) {}

  get(key: string, factHash: string, decl: DeclarationText, share: (text: string) => string): string {
    let byHash = this.shares.get(key);
    if (!byHash) this.shares.set(ownString(key), (byHash = new Map()));
    let byDecl = byHash.get(factHash);
    if (!byDecl) {
      if (byHash.size >= this.versions) {
        const oldest = byHash.keys().next().value!;
        this.size -= byHash.get(oldest)!.size;
        byHash.delete(oldest);
      }
      byHash.set(ownString(factHash), (byDecl = new Map()));
    }
    let value = byDecl.get(decl.hash);
    if (value === undefined) {
      value = ownString(share(decl.text()));
      if (this.size >= this.limit) {
        this.clear();
        return value;
      }
      byDecl.set(ownString(decl.hash), value);
      this.size++;
    }
    return value;
  }

  clear(): void {
    this.shares.clear();
    this.size = 0;
  }
}

interface Memo<V> {
  value: V;
  reads: string[];
}

/**
 * A value derived from package-level facts, built once per key object (an analysis's PackageScope or
 * PackageView) and shared by the declarations checked with it. Every use records the reads its build
 * made, so that a declaration served from the memo depends on the same facts as the one that built it.
 */
export function memoWithDependencies<K extends object, V>(memo: WeakMap<K, Memo<V>>, key: K, build: () => V): V {
  let m = memo.get(key);
  if (!m) {
    const reads = new Set<string>();
    const value = recording(reads, build);
    m = { value, reads: [...reads] };
    memo.set(key, m);
  }
  for (const read of m.reads) recordDependency(read);
  return m.value;
}

export type DependencyMemo<K extends object, V> = WeakMap<K, Memo<V>>;

/**
 * A 64-bit hash of a text (two 32-bit lanes, cyrb53-style mixing) with its length, as a short string.
 * Keys and dependency values of the analysis cache are hashed, not kept: a slice of a document's text
 * keeps the whole text of that version alive, and the cache outlives versions.
 */
export function textHash(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${text.length.toString(36)}.${(h1 >>> 0).toString(36)}.${(h2 >>> 0).toString(36)}`;
}
