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
//
// Two consumers know what was read: the editor's incremental analysis (dependency keys recorded per
// declaration, dependencies.ts) and the scan cache (what was read of the siblings' summaries and
// details, summaryReads.ts, to key findings that persist between scans).
import type { Node, Tree } from 'web-tree-sitter';
import { GoDocument } from './document';
import { GoGrammar } from './grammar';
import { DEFAULT_MAX_FILE_BYTES, MAX_NESTING_DEPTH, nestsDeeperThan, ParseClock, utf8Length, wallClock } from './limits';
import { basename, dirname, joinPath } from './paths';
import { SourceText } from './sourceText';
import { DeclarationText, PENDING, recordDependency, recording, ShareMemo, textHash, withoutRecording } from './dependencies';
import { DETAIL_READS, jsonAt, MENTION_READS, RecordedReads, SummaryReads } from './summaryReads';

export interface Indexer {
  /** Names the summaries, e.g. 'pool'. */
  id: string;
  /**
   * Must return JSON-serialisable data that depends only on the file's text: its serialisation decides
   * whether dependants are re-analysed, and the scan cache keeps it by the text's digest.
   */
  summarize(root: Node, source: SourceText): unknown;
  /**
   * A summary of one named declaration of the file (a function's escape tags, `T.m` for a method),
   * computed only when a rule asks for it (PackageView.detail): most are never asked for. JSON, and a
   * function of the file's text and the name alone, as summarize's result is.
   */
  detail?(root: Node, source: SourceText, name: string): unknown;
  /**
   * A key (e.g. a hash) of all that summarize reads of the file, cheaper to compute than the summary:
   * equal keys mean equal summaries. The summary of an edited file is then made again only when the
   * edit touched what it reads, e.g. a package-level declaration rather than a function body.
   */
  inputKey?(root: Node, source: SourceText): string;
}

export interface IndexHost {
  readFile(path: string): Promise<string | undefined>;
  /** Names of the entries of a directory, or undefined when it cannot be listed. */
  listDirectory(dir: string): Promise<string[] | undefined>;
}

/**
 * Where summaries and details persist between runs, by file text (the scan cache, engine/scanCache.ts):
 * a file whose summary is stored there is never parsed to summarise it, nor one whose details asked for
 * are stored to find them.
 */
export interface SummaryStore {
  textDigest(text: string): string;
  /** By every indexer; with indexerId, the entry of that indexer alone (an editor summarises lazily). */
  loadSummary(textDigest: string, indexerId?: string): { packageName: string; digests: Record<string, string>; summaries(): Map<string, unknown> } | undefined;
  /** Returns the digest of each summary. With indexerId, stores the summary by that indexer as its own entry. */
  storeSummary(textDigest: string, packageName: string, summaries: ReadonlyMap<string, unknown>, summariesJson: string, indexerId?: string): Record<string, string>;
  /** Forgets what it remembers of the texts seen so far (a scan after each directory, an editor after each load). */
  endDirectory?(): void;
  /** The details of a file by one indexer computed in earlier runs, by name. */
  loadDetails(textDigest: string, indexerId: string): Map<string, unknown> | undefined;
  storeDetails(textDigest: string, indexerId: string, details: ReadonlyMap<string, unknown>): void;
  digest(parts: readonly string[]): string;
}

/** The prefix of the dependency on whether another file of the package says a word (PackageView.othersMention). */
const OTHERS_MENTION = 's:';

const WORD_CHAR = /[\p{L}\p{Nd}_]/u;

/** Whether text contains word with no identifier character right before or after it. */
export function containsWord(text: string, word: string): boolean {
  for (let i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
    if ((i === 0 || !WORD_CHAR.test(text[i - 1])) && (i + word.length === text.length || !WORD_CHAR.test(text[i + word.length]))) return true;
  }
  return false;
}

/** The indexers whose summaries or details (`d:<indexer id>`) these read ids are. */
function indexersOf(ids: readonly string[]): string[] {
  return [...new Set(ids.map((id) => (id.startsWith(DETAIL_READS) ? id.slice(DETAIL_READS.length) : id)))].sort();
}

/** Another file of the package, with its summary (undefined: not loaded, in a lazy view). */
interface Member {
  path: string;
  summary: FileSummary | undefined;
}

interface FileSummary {
  text: string;
  packageName: string;
  /**
   * Of each indexer's summary JSON: the store's digests when it came from or went to a store, else
   * textHash. Dependants are re-analysed when it changes.
   */
  hashes: Record<string, string>;
  /** Whether hashes are the store's digests. */
  digested: boolean;
  /** The indexers it was summarised by (an editor's index summarises by those its rules read, PackageIndex.load). */
  indexed: ReadonlySet<string>;
  /**
   * Changes exactly when the hashes change. Fingerprints carry it rather than the hashes: every file of
   * a directory has a fingerprint, and one made of every sibling's summaries grows with the square of
   * the directory (syscall/ of the Go distribution).
   */
  version: number;
  /** Parsed on first use when the summary came from the store. */
  summaries(): Map<string, unknown>;
  /** textHash of the text, made when first asked: what a detail of this file depends on in an editor. */
  textHash?: string;
  /**
   * Details computed or loaded so far, by indexer id and name. This and the two below are shared by
   * the summaries of one text that add indexers to it (summaryAdding): a view keeps the one it read.
   */
  details: Map<string, unknown>;
  /** With a store: the details each indexer's stored entry holds, loaded when first needed. */
  storedDetails: Map<string, Map<string, unknown>>;
  /** Indexers with details computed here (not loaded), to be stored when the index is cleared. */
  unsavedDetails: Set<string>;
}

export interface PackageFileSummary {
  path: string;
  summary: unknown;
}

export interface PackageView {
  packageName: string;
  /** Made by viewFor with `lazy`: reads of the other files' facts may be PENDING. */
  lazy: boolean;
  /** The other files of the package (not the analysed file itself). */
  files: string[];
  /** Changes whenever a summary of another file of the package changes. */
  fingerprint: string;
  /** The other files' summaries by one indexer (a read of `f:<indexer>`). */
  summaries(indexerId: string): PackageFileSummary[];
  /**
   * A lazy view's indexers whose summaries of the other files were read, or looked up, before they were
   * loaded (PackageIndex.load loads them). Reads of them had the value PENDING, and the analysis
   * withheld the findings that depend on them.
   */
  unloaded(): string[];
  /**
   * The analysed file's own summary, made from the text given to viewFor (a read of `o:<indexer>`).
   * Findings are cached per declaration, so a rule must not read another function's body from the live
   * tree; it may read what the indexer summarised of it here, because the read is recorded.
   */
  own(indexerId: string): unknown;
  /**
   * Whether the analysed file or another file the package may hold (a Go file of the directory; a test
   * file's view also counts test files) contains this word, not inside a longer identifier: read
   * without a parse, it lets a rule that finds the word nowhere skip reading the package's summaries
   * (a read of `t:<word>`).
   */
  mentions(word: string): boolean;
  /** Whether another file the package may hold contains this word, as mentions (a read of `s:<word>`). */
  othersMention(word: string): boolean;
  /** Another file's detail for a name (Indexer.detail), computed on first request (a read of `d:…`). */
  detail(indexerId: string, path: string, name: string): unknown;
  /**
   * A narrow fact derived from the summaries (e.g. the names of the package's types that hold a
   * pool), read as one dependency (`x:<name>`) rather than as reads of every summary it was made from:
   * a declaration that only asked whether it mentions such a name is checked again only when the
   * answer could change. `compute` must return JSON and depend on the view alone; it is registered by
   * name (every view computes it the same way). With `relevant`, a declaration depends only on the
   * part of the fact that concerns its text (e.g. which of the names it mentions).
   */
  derived<T>(name: string, compute: (view: PackageView) => T, relevant?: (value: T, declarationText: string) => unknown): T;
  /**
   * The current value of a dependency key this view records (`f:`, `o:`, `d:`, `x:`, `t:`, `s:`), as a hash; for
   * a derived fact, of its part relevant to the declaration's text.
   */
  valueOf(key: string, declaration?: DeclarationText): string;
  /**
   * With a summary store: what rules read of the other files' summaries, down to the entries they
   * looked up, and the details they asked for.
   */
  readonly reads: SummaryReads;
  /** With a summary store: digests of what the other files' summaries and details say, for the scan cache. */
  readonly dependencies?: PackageDependencies;
}

export interface PackageDependencies {
  /**
   * Of the other files' names and their whole summaries by these indexers (no summary is parsed); for
   * details (`d:<indexer>`, summaryReads.ts), of the files' texts.
   */
  whole(indexerIds: readonly string[]): string;
  /** Of the other files' names and the parts of their summaries that were read, and the details read. */
  parts(reads: RecordedReads): string;
}


export class PackageIndex {
  private readonly summaries = new Map<string, FileSummary>();
  private readonly diskTexts = new Map<string, Promise<string | undefined>>();
  private readonly listings = new Map<string, Promise<string[]>>();
  private readonly overlays = new Map<string, { text: string; tree?: () => Node | undefined }>();
  private readonly indexers: readonly Indexer[];
  /** Trees their owner keeps alive until clear() (see lend). */
  private readonly lent = new Map<string, { text: string; root: Node }>();
  private readonly scratch = new Map<string, GoDocument>();
  private scratchChars = 0;
  /**
   * Text of the trees parsed to compute details, kept for further details of the same files until
   * released (about 26 bytes of WebAssembly memory per character, which never shrinks).
   */
  scratchBudgetChars = 1_500_000;
  /**
   * Set for a scan, which analyses each file of a directory once and reads the files as each other's
   * siblings: a file parsed to be summarised by some indexers is summarised by every one (other files
   * are likely to ask for the others, and a parse costs more than most summaries), and an analysed
   * file's own summary, once siblings are read, is made as its summary as a sibling.
   */
  scanning = false;
  private readonly deepTrees = new WeakMap<Tree, boolean>();
  /**
   * Whether a file's text says a word, by path while the text holds: every file of a directory asks
   * about the same words of its siblings, which searched anew for each would cost the square of the
   * directory's text.
   */
  private readonly wordsSaid = new Map<string, { text: string; words: Map<string, boolean> }>();
  private readonly shares = new ShareMemo();
  /** The last values of each derived fact per analysed file, with what they read, newest first. */
  private readonly lastDerived = new Map<string, Derived[]>();
  /** How each derived fact is computed, by name (PackageView.derived). */
  private readonly derivations = new Map<string, { compute: (view: PackageView) => unknown; relevant?: (value: never, text: string) => unknown }>();
  /**
   * The last own summaries of each analysed file by each indexer, newest first, reused while one's input
   * key holds: a brace typed and deleted again, or an undo, brings an earlier key back.
   */
  private readonly ownSummaries = new Map<string, Map<string, OwnSummary[]>>();
  private lastVersion = 0;
  /** In a scan: whether a file of the current directory read what its siblings say (until clear()). */
  private siblingsRead = false;
  private store: SummaryStore | undefined;
  /** Whether the store also keys findings (a scan), which needs every read of the summaries recorded. */
  private storeKeysFindings = true;
  private readonly memberDigests = new WeakMap<FileSummary, Map<string, string>>();
  private allIdSet: ReadonlySet<string> | undefined;
  /** Files summarised (parsed for it) and files whose summaries all came from the store, so far. */
  readonly summaryCounts = { summarised: 0, fromStore: 0 };

  constructor(
    private readonly grammar: GoGrammar,
    private readonly host: IndexHost,
    indexers: readonly Indexer[],
    /** An indexer threw: its summary of that file is left out, and the error reported here. */
    private readonly onIndexerError: (indexerId: string, error: unknown) => void = () => {},
    /** What the parse budget of the files it parses to summarise is measured on. */
    private readonly parseClock: ParseClock = wallClock,
  ) {
    // Rules of one family share an indexer; summarise each file once per indexer id.
    this.indexers = [...new Map(indexers.map((i) => [i.id, i])).values()];
  }

  get enabled(): boolean {
    return this.indexers.length > 0;
  }

  /**
   * The text of a file open in an editor (undefined when it is closed again), and its live tree when
   * the editor keeps one: a summary of the file is then read from that tree while it holds the text.
   */
  setOverlay(path: string, text: string | undefined, tree?: () => Node | undefined): void {
    this.wordsSaid.delete(path);
    if (text === undefined) {
      this.overlays.delete(path);
      this.ownSummaries.delete(path);
    } else this.overlays.set(path, { text, tree });
  }

  /** A file was created, changed or deleted on disk. */
  invalidate(path: string): void {
    this.wordsSaid.delete(path);
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
   * Details computed since the last clear are stored first, with a store.
   */
  clear(): void {
    this.storeDetails();
    this.invalidateAll();
    this.summaries.clear();
    this.ownSummaries.clear();
    this.wordsSaid.clear();
    this.lastDerived.clear();
    this.shares.clear();
    this.lent.clear();
    this.siblingsRead = false;
    this.releaseScratch();
  }

  /**
   * Summaries (and details) are looked up in the store before a file is parsed for them, and computed
   * ones stored. keysFindings: the scan cache also stores findings by what they read of the summaries
   * (PackageView.reads, dependencies); an editor stores summaries only, and records no such reads.
   */
  useStore(store: SummaryStore | undefined, options: { keysFindings?: boolean } = {}): void {
    this.store = store;
    this.storeKeysFindings = options.keysFindings ?? true;
    this.summaries.clear();
  }

  /** Forgets the summaries of a directory's files: an editor keeps them while the package has open files. */
  forgetDirectory(dir: string): void {
    for (const path of this.summaries.keys()) if (dirname(path) === dir) this.summaries.delete(path);
    for (const path of this.wordsSaid.keys()) if (dirname(path) === dir) this.wordsSaid.delete(path);
    for (const key of this.lastDerived.keys()) if (dirname(key.slice(0, key.indexOf('\u0000'))) === dir) this.lastDerived.delete(key);
  }

  /**
   * Summarises the other files of path's package by these indexers (those a lazy view found unloaded),
   * from the store when it has them. `between` runs after each file summarised; it returns false to stop
   * (an editor's analysis that went stale): what was summarised stays. True when all are loaded.
   */
  async load(path: string, text: string, indexerIds: readonly string[], between: () => Promise<boolean>, onProgress?: (done: number, total: number) => void): Promise<boolean> {
    const ids = this.indexers.filter((i) => indexerIds.includes(i.id)).map((i) => i.id);
    const ownPackage = packageClauseName(text);
    const todo = (await this.siblings(path)).filter((s) => {
      const cached = this.summaries.get(s.path);
      const same = cached?.text === s.text ? cached : undefined;
      return (same?.packageName ?? packageClauseName(s.text)) === ownPackage && !(same && ids.every((id) => same.indexed.has(id)));
    });
    try {
      for (let i = 0; i < todo.length; i++) {
        this.summaryOf(todo[i].path, todo[i].text, undefined, ids);
        onProgress?.(i + 1, todo.length);
        if (!(await between())) return false;
      }
      return true;
    } finally {
      this.store?.endDirectory?.();
    }
  }

  /** Frees the trees parsed to compute details; the details themselves stay cached. */
  releaseScratch(): void {
    for (const doc of this.scratch.values()) doc.dispose();
    this.scratch.clear();
    this.scratchChars = 0;
  }

  /** Trees this index holds alive now (parsed for details, not lent), for leak checks. */
  get scratchTrees(): number {
    return this.scratch.size;
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
   * the whole file.
   *
   * lazy: the view summarises nothing, it reads the summaries loaded so far (load); a read of the other
   * files' summaries by an indexer not loaded for all of them has the value PENDING (see unloaded).
   * Otherwise every other file is summarised by an indexer when a rule first reads what that indexer
   * says of them: most files of a scan read nothing of their siblings (no pool in the package, no hot
   * code for the escape model), and their siblings are then neither parsed nor summarised for them.
   */
  async viewFor(path: string, text: string, ownTree?: () => Node | undefined, options: { lazy?: boolean } = {}): Promise<PackageView | undefined> {
    if (!this.enabled) return undefined;
    // The analysed file itself is summarised from the text handed in (the editor's), like the others.
    const ownPackage = packageClauseName(text);
    const siblings = await this.siblings(path);
    // Lazy, the summaries loaded now; otherwise, by the indexers a read needs (all: every indexer).
    const loadedMembers = options.lazy ? this.members(siblings, ownPackage, 'loaded') : undefined;
    const memberLists = new Map<string, Member[]>();
    const members = (ids: readonly string[] | 'all'): Member[] => {
      if (loadedMembers) return loadedMembers;
      const key = ids === 'all' ? '' : ids.join('\u0000');
      let list = memberLists.get(key);
      if (!list) memberLists.set(key, (list = this.members(siblings, ownPackage, ids)));
      return list;
    };
    const summarised = (ids: readonly string[] | 'all') => members(ids).filter((m): m is { path: string; summary: FileSummary } => m.summary !== undefined);
    const memberOf = (id: string, otherPath: string) => summarised([id]).find((m) => m.path === otherPath)?.summary;
    const mentionValues = new Map<string, boolean>();
    const othersMention = (word: string) => {
      let m = mentionValues.get(word);
      if (m === undefined) mentionValues.set(word, (m = siblings.some((s) => this.says(s.path, s.text, word))));
      return m;
    };
    const mentions = (word: string) => containsWord(text, word) || othersMention(word);
    const loadedIds = new Map<string, boolean>();
    const loaded = (id: string) => {
      let l = loadedIds.get(id);
      if (l === undefined) loadedIds.set(id, (l = members([id]).every((m) => m.summary?.indexed.has(id))));
      return l;
    };
    const unloaded = new Set<string>();
    const store = this.storeKeysFindings ? this.store : undefined;
    // Summaries of the analysed file are made only when a rule reads them (an edited file changes on
    // every keystroke, and an indexer that models every function costs far more than the keystroke's
    // analysis), only by the indexer read, and again only when the edit changed the indexer's input.
    // In a scan whose files read their siblings, a file is summarised whole as another file's sibling.
    const own = new Map<string, OwnSummary>();
    let ownRoot: Node | undefined | null = null;
    const ownSource = new SourceText(text);
    const rootOfOwn = () => {
      if (ownRoot === null) ownRoot = tooLargeToSummarize(text) ? undefined : (ownTree?.() ?? this.treeOf(path, text) ?? this.scratchTree(path, text));
      return ownRoot;
    };
    const ownSummary = (id: string): OwnSummary => {
      let o = own.get(id);
      if (o) return o;
      const whole = this.scanning && this.siblingsRead ? this.summaryOf(path, text, ownTree?.(), [id]) : this.summaries.get(path);
      if (whole?.text === text && whole.indexed.has(id)) {
        o = { value: whole.summaries().get(id), hash: whole.hashes[id] ?? '-' };
        own.set(id, o);
        return o;
      }
      const indexer = this.indexers.find((i) => i.id === id);
      const root = rootOfOwn();
      const inputKey = indexer?.inputKey && root ? withoutRecording(() => indexer.inputKey!(root, ownSource)) : undefined;
      let byId = this.ownSummaries.get(path);
      if (!byId) this.ownSummaries.set(path, (byId = new Map()));
      const previous = byId.get(id) ?? [];
      o = inputKey === undefined ? undefined : previous.find((p) => p.inputKey === inputKey);
      if (!o) {
        const value = indexer ? this.summarize([indexer], root, text).summaries.get(id) : undefined;
        o = { inputKey, value, hash: textHash(JSON.stringify(value ?? null)) };
      }
      byId.set(id, remember(previous, o));
      own.set(id, o);
      return o;
    };
    const values = new Map<string, string>();
    const memberHashes = (id: string) => summarised([id]).map((m) => `${basename(m.path)}\u0000${m.summary.hashes[id] ?? '-'}`).join('\n');
    const index = this;
    const derivedValues = new Map<string, Derived>();
    let deriving = 0;
    const derive = (name: string) => {
      let d = derivedValues.get(name);
      if (!d) {
        // Made again only when what it read (this view's summaries) changed since the last view. Not
        // with a store: the scan cache must see this view's reads of the summaries it is made from.
        const key = `${path}\u0000${name}`;
        const last = store ? [] : (this.lastDerived.get(key) ?? []);
        d = last.find((l) => l.reads.every(([key, value]) => view.valueOf(key) === value));
        if (!d) {
          const reads = new Set<string>();
          deriving++;
          let value: unknown;
          try {
            value = withoutRecording(() => recording(reads, () => this.derivations.get(name)?.compute(view)));
          } finally {
            deriving--;
          }
          const readValues: [string, string][] = [...reads].map((key) => [key, view.valueOf(key)]);
          d = { value, hash: readValues.some(([, v]) => v === PENDING) ? PENDING : textHash(JSON.stringify(value ?? null)), reads: readValues };
        }
        if (!store) this.lastDerived.set(key, remember(last, d));
        // Reused, it read nothing now: what it needs is unloaded all the same.
        for (const [key, value] of d.reads) if (value === PENDING && key.startsWith('f:')) unloaded.add(key.slice(2));
        derivedValues.set(name, d);
      }
      return d;
    };
    const reads = new SummaryReads();
    const view: PackageView = {
      packageName: ownPackage,
      lazy: options.lazy === true,
      get files() {
        return members('all').map((m) => m.path);
      },
      // Built when asked for: a scan of a large package would otherwise build one string of every
      // other file's name per file.
      get fingerprint() {
        return members('all').map((m) => `${basename(m.path)}\u0000${m.summary?.version ?? 0}`).join('\n');
      },
      summaries(id) {
        recordDependency(`f:${id}`);
        if (!loaded(id)) unloaded.add(id);
        // Only the scan cache needs to know which entries were read; the editor's analyses pay nothing for
        // it. A derived fact merges the package's summaries, reading them whole: recorded as such, they
        // are handed to it bare, and a fact made once per package (pool/copied's words) stays one.
        const wrap = store !== undefined && deriving === 0;
        if (store && !wrap) reads.whole(id);
        return summarised([id]).map((m) => {
          const summary = m.summary.summaries().get(id);
          return { path: m.path, summary: wrap ? reads.wrap(id, summary) : summary };
        });
      },
      own(id) {
        recordDependency(`o:${id}`);
        return ownSummary(id).value;
      },
      derived<T>(name: string, compute: (v: PackageView) => T, relevant?: (value: T, text: string) => unknown): T {
        recordDependency(`x:${name}`);
        if (!index.derivations.has(name)) index.derivations.set(name, { compute, relevant: relevant as ((value: never, text: string) => unknown) | undefined });
        return derive(name).value as T;
      },
      detail(id, otherPath, name) {
        recordDependency(`d:${id}:${otherPath}\u0000${name}`);
        const member = memberOf(id, otherPath);
        if (store) reads.detail(id, basename(otherPath), name);
        return member ? index.detailOf(otherPath, member, id, name) : undefined;
      },
      mentions(word) {
        recordDependency(`${MENTION_READS}${word}`);
        // The scan cache keys the file's findings on its own text already.
        if (store) reads.mention(word);
        return mentions(word);
      },
      othersMention(word) {
        recordDependency(`${OTHERS_MENTION}${word}`);
        if (store) reads.mention(word);
        return othersMention(word);
      },
      unloaded: () => [...unloaded],
      valueOf(key, declaration) {
        const relevant = key.startsWith('x:') ? index.derivations.get(key.slice(2))?.relevant : undefined;
        if (relevant && declaration) {
          const fact = derive(key.slice(2));
          if (fact.hash === PENDING) return PENDING;
          return index.shares.get(key, fact.hash, declaration, (text) => textHash(JSON.stringify(relevant(fact.value as never, text) ?? null)));
        }
        let v = values.get(key);
        if (v === undefined) {
          if (key.startsWith('f:')) {
            const id = key.slice(2);
            // Asked when a cached result is looked up: a result that read them wants them loaded too.
            if (loaded(id)) v = textHash(memberHashes(id));
            else {
              v = PENDING;
              unloaded.add(id);
            }
          }
          // What the summary says, not what it was made from: an edit of a function header that the
          // summary ignores must not re-check every declaration that read it.
          else if (key.startsWith('o:')) v = ownSummary(key.slice(2)).hash;
          else if (key.startsWith('d:')) {
            const id = key.slice(2, key.indexOf(':', 2));
            const other = key.slice(key.indexOf(':', 2) + 1, key.lastIndexOf('\u0000'));
            const member = memberOf(id, other);
            if (!member && members([id]).some((m) => m.path === other)) {
              v = PENDING;
              unloaded.add(id);
            } else v = member ? (member.textHash ??= textHash(member.text)) : '-';
          } else if (key.startsWith('x:')) v = derive(key.slice(2)).hash;
          else if (key.startsWith(MENTION_READS)) v = mentions(key.slice(MENTION_READS.length)) ? '1' : '0';
          else if (key.startsWith(OTHERS_MENTION)) v = othersMention(key.slice(OTHERS_MENTION.length)) ? '1' : '0';
          else throw new Error(`not a package view dependency: ${key}`);
          values.set(key, v);
        }
        return v;
      },
      reads,
      dependencies: store && {
        whole: (ids) => {
          const summaryIds = ids.filter((id) => !id.startsWith(MENTION_READS));
          return store.digest([
            ...(summaryIds.length > 0 ? summarised(indexersOf(summaryIds)).map((m) => this.memberDigest(store, m.path, m.summary, summaryIds)) : []),
            ...ids.filter((id) => id.startsWith(MENTION_READS)).map((id) => `${id}\u0000${othersMention(id.slice(MENTION_READS.length))}`),
          ]);
        },
        parts: (recorded) => {
          return store.digest(
            recorded.flatMap(([id, paths]) => {
              if (id.startsWith(MENTION_READS)) return [id, String(othersMention(id.slice(MENTION_READS.length)))];
              const detailsOf = id.startsWith(DETAIL_READS) ? id.slice(DETAIL_READS.length) : undefined;
              if (detailsOf !== undefined) {
                // What the details say, not the text they come from: an edit elsewhere in a sibling keeps them.
                return paths.flatMap(([file, name]) => {
                  const m = summarised([detailsOf]).find((m) => basename(m.path) === file);
                  return [id, file, name, m ? (JSON.stringify(this.detailOf(m.path, m.summary, detailsOf, name)) ?? '-') : '-'];
                });
              }
              // A summary read whole stands for itself by its digest, made once per file: every file of a
              // package reads the pool summaries whole, and their JSON again for each would be quadratic.
              return paths.flatMap((p) => [
                id,
                JSON.stringify(p),
                ...summarised([id]).flatMap((m) => [basename(m.path), p.length === 0 ? this.memberDigest(store, m.path, m.summary, [id]) : jsonAt(m.summary.summaries().get(id), p)]),
              ]);
            }),
          );
        },
      },
    };
    return view;
  }

  /**
   * The other files of the package with their summaries: 'loaded', those made so far (until a file is
   * summarised, its package clause read without a parse decides whether it is a member); otherwise
   * each summarised now by these indexers.
   */
  private members(siblings: readonly { path: string; text: string }[], ownPackage: string, ids: readonly string[] | 'all' | 'loaded'): Member[] {
    const out: Member[] = [];
    for (const sibling of siblings) {
      let summary: FileSummary | undefined;
      if (ids === 'loaded') {
        const cached = this.summaries.get(sibling.path);
        summary = cached?.text === sibling.text ? cached : undefined;
        const packageName = summary?.packageName ?? packageClauseName(sibling.text);
        if (packageName === '' || packageName !== ownPackage) continue;
      } else {
        this.siblingsRead = true;
        summary = this.summaryOf(sibling.path, sibling.text, undefined, ids === 'all' ? undefined : ids);
        if (summary.packageName === '' || summary.packageName !== ownPackage) continue;
      }
      out.push({ path: sibling.path, summary });
    }
    return out;
  }

  /**
   * A file's name and summaries by some indexers (its text for details read), as one digest,
   * remembered: the dependencies of each file of a package list every other file of it, which in a
   * large package is the same few hundred digests again for every file.
   */
  private memberDigest(store: SummaryStore, path: string, summary: FileSummary, ids: readonly string[]): string {
    let byIds = this.memberDigests.get(summary);
    if (!byIds) this.memberDigests.set(summary, (byIds = new Map()));
    const key = ids.join('\u0000');
    let digest = byIds.get(key);
    if (digest === undefined) {
      digest = store.digest([
        basename(path),
        ...ids.map((id) => {
          if (id.startsWith(DETAIL_READS)) return store.textDigest(summary.text);
          return (summary.digested ? summary.hashes[id] : undefined) ?? store.digest([JSON.stringify(summary.summaries().get(id)) ?? '-']);
        }),
      ]);
      byIds.set(key, digest);
    }
    return digest;
  }

  /** The other Go files of path's directory that its package may hold (test files only for a test file), with their texts. */
  private async siblings(path: string): Promise<{ path: string; text: string }[]> {
    const dir = dirname(path);
    const isTest = path.endsWith('_test.go');
    const out: { path: string; text: string }[] = [];
    for (const name of await this.listing(dir)) {
      const other = joinPath(dir, name);
      if (other === path || (!isTest && name.endsWith('_test.go'))) continue;
      const text = this.overlays.get(other)?.text ?? (await this.diskText(other));
      if (text !== undefined) out.push({ path: other, text });
    }
    return out;
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
   * A file's summaries by these indexers (by default every one), cached per text; from the store, or
   * else summarised (and stored). Summaries by other indexers made earlier of the same text are kept.
   */
  private summaryOf(path: string, text: string, tree?: Node, ids?: readonly string[]): FileSummary {
    const cached = this.summaries.get(path);
    const same = cached?.text === text ? cached : undefined;
    if (same && (ids ?? this.indexers.map((i) => i.id)).every((id) => same.indexed.has(id))) return same;
    const versionOf = (hashes: Record<string, string>) => {
      const key = JSON.stringify(Object.entries(hashes).sort());
      return cached && JSON.stringify(Object.entries(cached.hashes).sort()) === key ? cached.version : ++this.lastVersion;
    };
    const store = this.store;
    const textDigest = store?.textDigest(text);
    // A scan stores a file's summaries by every indexer as one entry: an editor uses it when it is there.
    const stored = !same && textDigest !== undefined ? store!.loadSummary(textDigest) : undefined;
    let summary: FileSummary;
    if (stored) {
      this.summaryCounts.fromStore++;
      summary = { text, packageName: stored.packageName, hashes: { ...stored.digests }, digested: true, indexed: this.allIds(), version: versionOf(stored.digests), summaries: stored.summaries, details: new Map(), storedDetails: new Map(), unsavedDetails: new Set() };
    } else if (!same && !ids) {
      const { packageName, summaries, failed } = this.summarize(this.indexers, tree ?? this.treeOf(path, text), text);
      this.summaryCounts.summarised++;
      let hashes: Record<string, string>;
      let digested = false;
      // A summary by every indexer is kept for another run, unless one failed (it may not next time).
      if (!failed && textDigest !== undefined) {
        hashes = store!.storeSummary(textDigest, packageName, summaries, JSON.stringify([...summaries]));
        digested = true;
      } else hashes = Object.fromEntries([...summaries].map(([id, value]) => [id, textHash(JSON.stringify(value ?? null))]));
      summary = { text, packageName, hashes, digested, indexed: this.allIds(), version: versionOf(hashes), summaries: () => summaries, details: new Map(), storedDetails: new Map(), unsavedDetails: new Set() };
    } else {
      summary = this.summaryAdding(path, text, tree, same, (ids ?? [...this.allIds()]).filter((id) => !same?.indexed.has(id)), textDigest, versionOf);
    }
    this.summaries.set(path, summary);
    return summary;
  }

  /**
   * The summary of a file by more indexers than same (if any) holds: each from its own entry in the
   * store, else summarised with the others missing in one parse, and stored as its own entry.
   */
  private summaryAdding(path: string, text: string, tree: Node | undefined, same: FileSummary | undefined, ids: string[], textDigest: string | undefined, versionOf: (hashes: Record<string, string>) => number): FileSummary {
    const store = this.store;
    const hashes: Record<string, string> = { ...same?.hashes };
    const parts: (() => [string, unknown])[] = [];
    let packageName = same?.packageName;
    const toSummarize: Indexer[] = [];
    for (const id of ids) {
      const stored = textDigest !== undefined ? store!.loadSummary(textDigest, id) : undefined;
      if (stored && id in stored.digests) {
        packageName ??= stored.packageName;
        hashes[id] = stored.digests[id];
        parts.push(() => [id, stored.summaries().get(id)]);
      } else toSummarize.push(this.indexers.find((i) => i.id === id)!);
    }
    const root = tree ?? this.treeOf(path, text);
    if (toSummarize.length > 0 && !root && this.scanning) {
      for (const indexer of this.indexers) if (!same?.indexed.has(indexer.id) && !ids.includes(indexer.id)) toSummarize.push(indexer);
      ids = [...ids, ...toSummarize.map((i) => i.id).filter((id) => !ids.includes(id))];
    }
    if (toSummarize.length === 0) this.summaryCounts.fromStore++;
    else {
      this.summaryCounts.summarised++;
      const made = this.summarize(toSummarize, root, text);
      packageName = made.packageName;
      for (const [id, value] of made.summaries) {
        const one = new Map([[id, value]]);
        hashes[id] = !made.failed && textDigest !== undefined ? store!.storeSummary(textDigest, made.packageName, one, JSON.stringify([...one]), id)[id] : textHash(JSON.stringify(value ?? null));
        parts.push(() => [id, value]);
      }
    }
    const earlier = same?.summaries;
    let merged: Map<string, unknown> | undefined;
    return {
      text,
      packageName: packageName ?? packageClauseName(text),
      hashes,
      // Of mixed origins: the scan cache, which relies on digests, never reads such a summary's hashes.
      digested: false,
      indexed: new Set([...(same?.indexed ?? []), ...ids]),
      version: versionOf(hashes),
      summaries: () => (merged ??= new Map([...(earlier?.() ?? []), ...parts.map((part) => part())])),
      details: same?.details ?? new Map(),
      textHash: same?.textHash,
      storedDetails: same?.storedDetails ?? new Map(),
      unsavedDetails: same?.unsavedDetails ?? new Set(),
    };
  }

  private allIds(): ReadonlySet<string> {
    return (this.allIdSet ??= new Set(this.indexers.map((i) => i.id)));
  }

  /** A tree of the file's text that someone else keeps alive (lent, or the editor's), if any. */
  private treeOf(path: string, text: string): Node | undefined {
    const lent = this.lent.get(path);
    if (lent?.text === text) return lent.root;
    const overlay = this.overlays.get(path);
    if (overlay?.text === text) return overlay.tree?.();
    return undefined;
  }

  /** Summaries by the given indexers, from the given tree of the text, or else a tree parsed for the purpose. */
  private summarize(indexers: readonly Indexer[], tree: Node | undefined, text: string): { packageName: string; summaries: Map<string, unknown>; failed: boolean } {
    if (tooLargeToSummarize(text)) tree = undefined;
    const doc = tree || indexers.length === 0 ? undefined : new GoDocument(this.grammar, text, { maxBytes: DEFAULT_MAX_FILE_BYTES, clock: this.parseClock });
    try {
      const root = tree ?? doc?.tree.rootNode;
      const source = doc?.sourceText ?? new SourceText(text);
      const summaries = new Map<string, unknown>();
      // A parse that ran out of time summarises nothing, this time only.
      let failed = doc?.parseTimedOut ?? false;
      // A file nested deeper than the analyzer goes is not summarised either (see limits.ts).
      const usable = root && !this.tooDeep(root) ? indexers : [];
      for (const indexer of usable) {
        try {
          summaries.set(indexer.id, withoutRecording(() => indexer.summarize(root!, source)));
        } catch (error) {
          failed = true;
          this.onIndexerError(indexer.id, error);
        }
      }
      return { packageName: packageNameOf(root) ?? '', summaries, failed };
    } finally {
      doc?.dispose();
    }
  }

  private says(path: string, text: string, word: string): boolean {
    let said = this.wordsSaid.get(path);
    if (said?.text !== text) this.wordsSaid.set(path, (said = { text, words: new Map() }));
    let yes = said.words.get(word);
    if (yes === undefined) said.words.set(word, (yes = containsWord(text, word)));
    return yes;
  }

  /** nestsDeeperThan the analyzer's limit, once per tree: a lent tree is summarised once per indexer a file reads. */
  private tooDeep(root: Node): boolean {
    let deep = this.deepTrees.get(root.tree);
    if (deep === undefined) this.deepTrees.set(root.tree, (deep = nestsDeeperThan(root, MAX_NESTING_DEPTH)));
    return deep;
  }

  private detailOf(path: string, member: FileSummary, id: string, name: string): unknown {
    const key = `${id}\u0000${name}`;
    if (member.details.has(key)) return member.details.get(key);
    const indexer = this.indexers.find((i) => i.id === id);
    let value: unknown;
    if (indexer?.detail && id in member.hashes) {
      const stored = this.storedDetails(member, id);
      if (stored?.has(name)) value = stored.get(name);
      else {
        const root = this.treeOf(path, member.text) ?? this.scratchTree(path, member.text);
        if (root) {
          try {
            value = withoutRecording(() => indexer.detail!(root, new SourceText(member.text), name));
            if (this.store) member.unsavedDetails.add(id);
          } catch (error) {
            this.onIndexerError(id, error);
          }
        }
      }
    }
    member.details.set(key, value);
    return value;
  }

  /** With a store: the details of the file by the indexer that earlier runs computed. */
  private storedDetails(member: FileSummary, id: string): Map<string, unknown> | undefined {
    if (!this.store) return undefined;
    let stored = member.storedDetails.get(id);
    if (!stored) {
      stored = this.store.loadDetails(this.store.textDigest(member.text), id) ?? new Map();
      member.storedDetails.set(id, stored);
    }
    return stored;
  }

  /** Stores, with the ones loaded, the details computed since the last clear. */
  private storeDetails(): void {
    if (!this.store) return;
    for (const summary of this.summaries.values()) {
      for (const id of summary.unsavedDetails) {
        const all = new Map(this.storedDetails(summary, id));
        const prefix = `${id}\u0000`;
        for (const [key, value] of summary.details) if (key.startsWith(prefix)) all.set(key.slice(prefix.length), value ?? null);
        this.store.storeDetails(this.store.textDigest(summary.text), id, all);
      }
      summary.unsavedDetails.clear();
    }
  }

  /** A tree of a file parsed for its details, kept until releaseScratch (or until others need the room). */
  private scratchTree(path: string, text: string): Node | undefined {
    const kept = this.scratch.get(path);
    if (kept?.text === text) return kept.tree.rootNode;
    if (kept) this.dropScratch(path);
    const doc = new GoDocument(this.grammar, text, { maxBytes: DEFAULT_MAX_FILE_BYTES, clock: this.parseClock });
    if (doc.unparsedReason) {
      doc.dispose();
      return undefined;
    }
    // Details are JSON computed synchronously: no node of a scratch tree outlives the call that made it,
    // so the oldest trees can be freed whenever the budget is exceeded.
    for (const old of this.scratch.keys()) {
      if (this.scratchChars + text.length <= this.scratchBudgetChars) break;
      this.dropScratch(old);
    }
    this.scratch.set(path, doc);
    this.scratchChars += text.length;
    return doc.tree.rootNode;
  }

  private dropScratch(path: string): void {
    const doc = this.scratch.get(path);
    if (!doc) return;
    this.scratchChars -= doc.text.length;
    doc.dispose();
    this.scratch.delete(path);
  }
}

interface Derived {
  value: unknown;
  hash: string;
  reads: [string, string][];
}

/** How many earlier values of a file's own summaries and derived facts are kept for edits that come back to them. */
const REMEMBERED = 3;

/** list with value first (moved there if it was in it), at most REMEMBERED long. */
function remember<T>(list: readonly T[], value: T): T[] {
  return [value, ...list.filter((v) => v !== value)].slice(0, REMEMBERED);
}

interface OwnSummary {
  inputKey?: string;
  value: unknown;
  hash: string;
}

/**
 * Files too large to analyse by default are not summarised either (an empty tree stands for them):
 * their trees would cost more WASM memory than all the others (limits.ts).
 */
function tooLargeToSummarize(text: string): boolean {
  return text.length > DEFAULT_MAX_FILE_BYTES / 3 && utf8Length(text) > DEFAULT_MAX_FILE_BYTES;
}

function packageNameOf(root: Node | undefined): string | undefined {
  const clause = root?.namedChildren.find((n) => n?.type === 'package_clause');
  return clause ? (clause.namedChild(0)?.text ?? '') : undefined;
}

/** The name in a file's package clause, read without parsing: the first line that starts with `package`. */
export function packageClauseName(text: string): string {
  const m = /^package[ \t]+([\p{L}_][\p{L}\p{Nd}_]*)/mu.exec(text);
  return m ? m[1] : '';
}
