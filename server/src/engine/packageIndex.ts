// What rules may know about the other files of a file's package. A Go package is usually spread over
// several files (a sync.Pool declared in one, used in another), so rules that need it register an
// indexer: a function that summarises the package-level declarations of one file. Files are parsed
// only to be summarised, their trees freed at once, and summaries are cached per file text.
//
// Package membership follows the go command: files of one directory with the same package clause.
// A non-test file sees only non-test files; an in-package `_test.go` file sees the package's test and
// non-test files; files of an external `x_test` package see only each other.
//
// Directory listings and file texts are cached until the host reports a change (invalidate), so a
// keystroke costs no disk access; texts of files open in an editor (overlays) win over the disk.
import type { Node } from 'web-tree-sitter';
import { GoDocument } from './document';
import { GoGrammar } from './grammar';
import { DEFAULT_MAX_FILE_BYTES, MAX_NESTING_DEPTH, nestsDeeperThan, utf8Length } from './limits';
import { basename, dirname, joinPath } from './paths';
import { SourceText } from './sourceText';
import { jsonAt, RecordedReads, SummaryReads } from './summaryReads';

export interface Indexer {
  /** Names the summaries, e.g. 'pool'. */
  id: string;
  /** Must return JSON-serialisable data: its serialisation decides whether dependants are re-analysed. */
  summarize(root: Node, source: SourceText): unknown;
  /**
   * Costly, and not read for most files: where the index summarises on demand (a scan's), a file is
   * summarised by this indexer only when a rule reads its summary.
   */
  onDemand?: boolean;
}

export interface IndexHost {
  readFile(path: string): Promise<string | undefined>;
  /** Names of the entries of a directory, or undefined when it cannot be listed. */
  listDirectory(dir: string): Promise<string[] | undefined>;
}

/**
 * Where summaries persist between runs, by file text (the scan cache, engine/scanCache.ts): a file
 * whose summary is stored there is never parsed to summarise it.
 */
export interface SummaryStore {
  textDigest(text: string): string;
  loadSummary(textDigest: string): { packageName: string; digests: Record<string, string>; summaries(): Map<string, unknown> } | undefined;
  /** Returns the digest of each summary. */
  storeSummary(textDigest: string, packageName: string, summaries: ReadonlyMap<string, unknown>, summariesJson: string): Record<string, string>;
  /** A summary by an on-demand indexer, stored apart; undefined when there is none. */
  loadSummaryPart(textDigest: string, indexerId: string): { value: unknown; digest: string } | undefined;
  storeSummaryPart(textDigest: string, indexerId: string, value: unknown): string;
  digest(parts: readonly string[]): string;
}

interface FileSummary {
  text: string;
  packageName: string;
  /** JSON of the summaries (or, with a store, of their digests), to tell when dependants must be re-analysed. */
  key: string;
  /**
   * Changes exactly when the key of the file's summary changes. Fingerprints carry it rather than the
   * key: every file of a directory has a fingerprint, and one made of every sibling's JSON grew with the
   * square of the directory (2 billion characters over the Go distribution, syscall/ half of them).
   */
  version: number;
  /** Parsed on first use when the summary came from the store. */
  summaries(): Map<string, unknown>;
  /** Digest of each indexer's summary, with a store. */
  digests?: Record<string, string>;
  /** On-demand indexers not run yet (summaries() lacks them; summaryBy runs them). */
  pending?: Set<string>;
}

export interface PackageFileSummary {
  path: string;
  summary: unknown;
}

export interface PackageView {
  packageName: string;
  /** The other files of the package (not the analysed file itself). */
  files: string[];
  /** Changes whenever a summary of the analysed file or of another file of the package changes. */
  fingerprint: string;
  summaries(indexerId: string): PackageFileSummary[];
  /**
   * The analysed file's own summary, made from the text given to viewFor. Findings are cached per
   * declaration, so a rule must not read another function's body from the live tree; it may read
   * what the indexer summarised of it here, because this summary is part of the fingerprint.
   */
  own(indexerId: string): unknown;
  /** What rules read of the other files' summaries; with a summary store, down to the entries they looked up. */
  readonly reads: SummaryReads;
  /** With a summary store: digests of what the other files' summaries say, for the scan cache. */
  readonly dependencies?: PackageDependencies;
}

export interface PackageDependencies {
  /** Of the other files' names and their whole summaries by these indexers (no summary is parsed). */
  whole(indexerIds: readonly string[]): string;
  /** Of the other files' names and the parts of their summaries that were read. */
  parts(reads: RecordedReads): string;
}

export class PackageIndex {
  private readonly summaries = new Map<string, FileSummary>();
  private readonly diskTexts = new Map<string, Promise<string | undefined>>();
  private readonly listings = new Map<string, Promise<string[]>>();
  private readonly overlays = new Map<string, string>();
  private readonly indexers: readonly Indexer[];
  /** Ids of the indexers whose summary of the analysed file itself a rule has read (PackageView.own). */
  private readonly ownRead = new Set<string>();
  private lastVersion = 0;
  /** Trees their owner keeps alive until clear() (see lend). */
  private readonly lent = new Map<string, { text: string; root: Node }>();
  private store: SummaryStore | undefined;
  /** Run indexers marked onDemand only when a rule reads their summary (see Indexer.onDemand). */
  summariseOnDemand = false;
  private readonly memberDigests = new WeakMap<FileSummary, Map<string, string>>();

  constructor(
    private readonly grammar: GoGrammar,
    private readonly host: IndexHost,
    indexers: readonly Indexer[],
    /** An indexer threw: its summary of that file is left out, and the error reported here. */
    private readonly onIndexerError: (indexerId: string, error: unknown) => void = () => {},
  ) {
    // Rules of one family share an indexer; summarise each file once per indexer id.
    this.indexers = [...new Map(indexers.map((i) => [i.id, i])).values()];
  }

  get enabled(): boolean {
    return this.indexers.length > 0;
  }

  /** The text of a file open in an editor (undefined when it is closed again). */
  setOverlay(path: string, text: string | undefined): void {
    if (text === undefined) this.overlays.delete(path);
    else this.overlays.set(path, text);
  }

  /** A file was created, changed or deleted on disk. */
  invalidate(path: string): void {
    this.diskTexts.delete(path);
    this.listings.delete(dirname(path));
  }

  invalidateAll(): void {
    this.diskTexts.clear();
    this.listings.clear();
  }

  /**
   * Forgets every text, listing and summary it holds. A scan worker calls it after each directory: it
   * never comes back to one, and the caches (made for an editor's keystrokes) otherwise keep the text
   * and summaries of every file scanned, hundreds of MB over the Go distribution (bench/memory.mjs).
   */
  clear(): void {
    this.invalidateAll();
    this.summaries.clear();
    this.lent.clear();
  }

  /** Summaries are looked up in the store before a file is parsed to summarise it, and computed ones stored. */
  useStore(store: SummaryStore | undefined): void {
    this.store = store;
    this.summaries.clear();
  }

  /**
   * A tree of path's text that its owner keeps alive until clear(): the file is summarised from it
   * rather than parsed again. A scan worker lends the trees of a directory it is about to analyse, so
   * that each file is parsed once for its summary and its analysis.
   */
  lend(path: string, text: string, root: Node): void {
    this.lent.set(path, { text, root });
  }

  /**
   * ownTree, when given, returns the tree of the analysed file if it still holds `text` (an editor's
   * document may change while the siblings are read): summarising it from that tree spares a parse of
   * the whole file on every keystroke.
   */
  async viewFor(path: string, text: string, ownTree?: () => Node | undefined): Promise<PackageView | undefined> {
    if (!this.enabled) return undefined;
    // The analysed file itself is summarised from the text handed in (the editor's), like the others.
    const ownPackage = packageClauseName(text);
    const dir = dirname(path);
    const isTest = path.endsWith('_test.go');
    const members: { path: string; summary: FileSummary }[] = [];
    for (const name of await this.listing(dir)) {
      const other = joinPath(dir, name);
      if (other === path || (!isTest && name.endsWith('_test.go'))) continue;
      const otherText = this.overlays.get(other) ?? (await this.diskText(other));
      if (otherText === undefined) continue;
      const summary = this.summaryOf(other, otherText);
      if (summary.packageName === '' || summary.packageName !== ownPackage) continue;
      members.push({ path: other, summary });
    }
    // The analysed file is summarised only by the indexers whose own summary some rule has read: an
    // edited file is summarised again on every keystroke, and an indexer that models every function
    // costs far more than the keystroke's analysis (bench/keystroke.mjs). A first read adds that
    // summary to the fingerprint from then on, so declarations cached without it are checked again.
    const ownIds = new Set(this.ownRead);
    const ownSummary = this.summaryOf(path, text, ownIds, ownTree?.());
    const ownDigests = ownSummary.digests;
    const ownKey = JSON.stringify([...ownIds].sort().map((id) => [id, (ownDigests ? ownDigests[id] : ownSummary.summaries().get(id)) ?? null]));
    // A stored summary is parsed only when a rule reads it.
    let own: Map<string, unknown> | undefined;
    const reads = new SummaryReads();
    const store = this.store;
    return {
      packageName: ownPackage,
      files: members.map((m) => m.path),
      // Built when asked for (the editor's analysis cache): a scan of a large package would otherwise
      // build one string of every other file's name per file.
      get fingerprint() {
        return [ownKey, ...members.map((m) => `${basename(m.path)}\u0000${m.summary.version}`)].join('\n');
      },
      // Only the scan cache needs to know what was read; the editor's analyses pay nothing for it.
      summaries: (id) =>
        members.map((m) => {
          const summary = this.summaryBy(m.path, m.summary, id);
          return { path: m.path, summary: store ? reads.wrap(id, summary) : summary };
        }),
      own: (id) => {
        this.ownRead.add(id);
        // A summary by every indexer (the file was another one's sibling) runs an on-demand one when first read.
        if (ownSummary.pending) return this.summaryBy(path, ownSummary, id);
        own ??= new Map(ownSummary.summaries());
        if (!ownIds.has(id)) {
          ownIds.add(id);
          own.set(id, this.summaryOf(path, text, new Set([id]), ownTree?.()).summaries().get(id));
        }
        return own.get(id);
      },
      reads,
      dependencies: store && {
        whole: (ids) => store.digest(members.map((m) => this.memberDigest(store, m.path, m.summary, ids))),
        parts: (recorded) =>
          store.digest(recorded.flatMap(([id, paths]) => paths.flatMap((p) => [id, JSON.stringify(p), ...members.flatMap((m) => [basename(m.path), jsonAt(this.summaryBy(m.path, m.summary, id), p)])]))),
      },
    };
  }

  /**
   * A file's name and summaries by some indexers, as one digest, remembered: the dependencies of each
   * file of a package list every other file of it, which in a large package is the same few hundred
   * digests again for every file.
   */
  private memberDigest(store: SummaryStore, path: string, summary: FileSummary, ids: readonly string[]): string {
    let byIds = this.memberDigests.get(summary);
    if (!byIds) this.memberDigests.set(summary, (byIds = new Map()));
    const key = ids.join('\u0000');
    let digest = byIds.get(key);
    if (digest === undefined) {
      digest = store.digest([basename(path), ...ids.map((id) => {
        const value = this.summaryBy(path, summary, id);
        return summary.digests?.[id] ?? store.digest([JSON.stringify(value) ?? '-']);
      })]);
      byIds.set(key, digest);
    }
    return digest;
  }

  /** A file's summary by one indexer, running an on-demand indexer (or reading its stored summary) when first asked. */
  private summaryBy(path: string, summary: FileSummary, id: string): unknown {
    if (!summary.pending?.has(id)) return summary.summaries().get(id);
    summary.pending.delete(id);
    const textDigest = this.store?.textDigest(summary.text);
    const stored = textDigest !== undefined ? this.store!.loadSummaryPart(textDigest, id) : undefined;
    if (stored) {
      summary.summaries().set(id, stored.value);
      if (summary.digests) summary.digests[id] = stored.digest;
      return stored.value;
    }
    const { summaries, failed } = this.summarize(path, summary.text, new Set([id]));
    // An indexer that failed has no summary.
    if (!summaries.has(id)) return undefined;
    const value = summaries.get(id);
    summary.summaries().set(id, value);
    if (textDigest !== undefined && !failed) {
      const digest = this.store!.storeSummaryPart(textDigest, id, value);
      if (summary.digests) summary.digests[id] = digest;
    }
    return value;
  }

  private listing(dir: string): Promise<string[]> {
    let pending = this.listings.get(dir);
    if (!pending) {
      pending = this.host.listDirectory(dir).then((names) => (names ?? []).filter((n) => n.endsWith('.go') && !n.startsWith('.') && !n.startsWith('_')).sort());
      this.listings.set(dir, pending);
    }
    return pending;
  }

  private diskText(path: string): Promise<string | undefined> {
    let pending = this.diskTexts.get(path);
    if (!pending) {
      pending = this.host.readFile(path);
      this.diskTexts.set(path, pending);
    }
    return pending;
  }

  /**
   * A file's summaries by every indexer, cached; with `only`, by those indexers alone and not cached.
   * From the given tree of the text, or else a tree parsed for the purpose.
   */
  private summaryOf(path: string, text: string, only?: ReadonlySet<string>, tree?: Node): FileSummary {
    const cached = this.summaries.get(path);
    if (cached && cached.text === text) return cached;
    if (only?.size === 0) return { text, packageName: packageClauseName(text), key: '[]', version: 0, summaries: () => new Map() };
    const onDemand = !only && this.summariseOnDemand ? this.indexers.filter((i) => i.onDemand).map((i) => i.id) : [];
    const textDigest = this.store?.textDigest(text);
    const stored = textDigest !== undefined ? this.store!.loadSummary(textDigest) : undefined;
    if (stored) {
      const key = JSON.stringify(Object.entries(stored.digests).sort());
      const pending = new Set(onDemand.filter((id) => !(id in stored.digests)));
      const summary: FileSummary = { text, packageName: stored.packageName, key, version: cached?.key === key ? cached.version : ++this.lastVersion, summaries: stored.summaries, digests: { ...stored.digests }, pending };
      this.summaries.set(path, summary);
      return summary;
    }
    const ids = new Set(this.indexers.filter((i) => (only ? only.has(i.id) : !onDemand.includes(i.id))).map((i) => i.id));
    const { packageName, summaries, failed } = this.summarize(path, text, ids, tree);
    let key = JSON.stringify([...summaries]);
    let digests: Record<string, string> | undefined;
    // A summary by every indexer is kept for another run, unless one failed (it may not next time).
    if (!only && !failed && textDigest !== undefined) {
      digests = this.store!.storeSummary(textDigest, packageName, summaries, key);
      key = JSON.stringify(Object.entries(digests).sort());
    }
    const version = cached?.key === key ? cached.version : ++this.lastVersion;
    const summary: FileSummary = { text, packageName, key, version, summaries: () => summaries, digests, pending: new Set(onDemand) };
    if (!only) this.summaries.set(path, summary);
    return summary;
  }

  /** Runs the indexers of ids on the text, from the given tree, a lent one, or one parsed for the purpose. */
  private summarize(path: string, text: string, ids: ReadonlySet<string>, tree?: Node): { packageName: string; summaries: Map<string, unknown>; failed: boolean } {
    const lent = this.lent.get(path);
    if (!tree && lent?.text === text) tree = lent.root;
    // Files too large to analyse by default are not summarised either: their trees would cost more
    // WASM memory than all the others (limits.ts).
    if (tree && text.length > DEFAULT_MAX_FILE_BYTES / 3 && utf8Length(text) > DEFAULT_MAX_FILE_BYTES) tree = undefined;
    const doc = tree ? undefined : new GoDocument(this.grammar, text, { maxBytes: DEFAULT_MAX_FILE_BYTES });
    try {
      const root = tree ?? doc!.tree.rootNode;
      const source = tree ? new SourceText(text) : doc!.sourceText;
      const clause = root.namedChildren.find((n) => n?.type === 'package_clause');
      const packageName = clause?.namedChild(0)?.text ?? '';
      const summaries = new Map<string, unknown>();
      // A file nested deeper than the analyzer goes is not summarised either (see limits.ts).
      const indexers = nestsDeeperThan(root, MAX_NESTING_DEPTH) ? [] : this.indexers.filter((i) => ids.has(i.id));
      // A parse that ran out of time summarises nothing, this time only.
      let failed = doc?.parseTimedOut ?? false;
      for (const indexer of indexers) {
        try {
          summaries.set(indexer.id, indexer.summarize(root, source));
        } catch (error) {
          failed = true;
          this.onIndexerError(indexer.id, error);
        }
      }
      return { packageName, summaries, failed };
    } finally {
      doc?.dispose();
    }
  }

}

/** The name in a file's package clause, read without parsing: the first line that starts with `package`. */
export function packageClauseName(text: string): string {
  const m = /^package[ \t]+([\p{L}_][\p{L}\p{Nd}_]*)/mu.exec(text);
  return m ? m[1] : '';
}
