// Memos of what one declaration says, by the hash of its text: they outlive the document version they
// were computed from, so that a keystroke recomputes only the declarations it changed. Two things
// follow from living that long.
//
// What they keep must not keep the document alive. A tree-sitter node's text is a substring of the
// whole source, and V8 represents a substring of 13 characters or more as a slice that holds its
// parent: one identifier in a memo kept a whole file's text, and an editing session one text per
// version (the Go distribution's scan held 1,472 file texts, 14 MB, this way).
//
// A scan never comes back to a directory: it forgets them after each one (scanDirectory), or every
// worker carries tens of MB of declarations it will not see again (peak RSS of the std scan 440 ->
// 330 MB on 2 workers, and less time collecting garbage).

/** Shortest string V8 represents as a slice of another (SlicedString::kMinLength). */
const MIN_SLICE = 13;

/** The same characters, in a string that keeps no larger one alive. */
export function ownString(s: string): string {
  // Concatenation makes a cons string; slicing it flattens it into a new string of its own.
  return s.length < MIN_SLICE ? s : (' ' + s).slice(1);
}

/** A copy of a memo's value (strings, numbers, plain objects, arrays, Maps and Sets of them) whose strings own their characters. */
export function detached<T>(value: T): T {
  if (typeof value === 'string') return ownString(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(detached) as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [detached(k), detached(v)])) as T;
  if (value instanceof Set) return new Set([...value].map(detached)) as T;
  const out: Record<string, unknown> = {};
  // Property names are internalised by V8, copies already.
  for (const [k, v] of Object.entries(value)) out[k] = detached(v);
  return out as T;
}

const memos = new Set<{ clear(): void }>();

/** Remembers a memo that forgetDeclarationMemos empties. */
export function registerMemo<M extends { clear(): void }>(memo: M): M {
  memos.add(memo);
  return memo;
}

/** Empties every declaration memo: for a scan, after each directory. */
export function forgetDeclarationMemos(): void {
  for (const memo of memos) memo.clear();
}

/**
 * A memo by declaration hash whose values are detached, first in first out: a hit is not moved (it is
 * asked for every declaration on every keystroke), and an evicted declaration is only computed again.
 */
export class DeclarationMemo<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly limit: number) {
    registerMemo(this);
  }

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Stores a detached copy of value, and returns it. */
  set(key: string, value: V): V {
    const own = detached(value);
    this.entries.delete(key);
    this.entries.set(key, own);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
    return own;
  }

  clear(): void {
    this.entries.clear();
  }
}
