// The persistent scan cache, like GOCACHE: a file's findings are stored under a key made of everything
// they depend on, so that a later scan (the CLI in CI, the editor's workspace scan) analyses only what
// changed. This module decides keys and the encoding of entries; where entries live is the host's
// business (CacheStorage: node/diskCache.ts on disk; the browser has none).
//
// A file's findings depend on its text, its facts (language version and where it comes from, the
// toolchain), the configuration, gohazard's own code, and what its rules read of the summaries of the
// other files of its package. What they read is only known once the file is analysed (package facts are
// looked up as rules need them), so findings are found in two steps, as the go command finds a build's
// outputs from its inputs: a first entry, keyed by what the file itself decides, records what the
// analysis read (summaryReads.ts); the findings are stored under that key plus a digest of what was read.
// Twice, in fact: under the digests of the other files' whole summaries by the indexers read (checked
// without parsing any summary: the common case, nothing changed) and under the digest of the entries
// read (checked when a sibling changed: only the files that looked up what changed are analysed again).
//
// Summaries are cached too, by file text, so that a file that did not change is never parsed to
// summarise it, with a digest of each beside it; and so are the details other files asked of it (a
// function's escape tags), which findings are keyed on by what they say.
import type { EngineConfig } from './config';
import { ruleOptionsKey, severityFor } from './config';
import type { FileFacts } from './rule';
import type { RecordedReads } from './summaryReads';
import type { Finding, RuleDoc } from './types';

/** Written into every entry and into every key: entries of another format are never read. */
export const CACHE_FORMAT = 1;

const MAGIC = 'gohazard-cache';

export interface CacheStorage {
  /** The data stored under key, or undefined when there is none or it cannot be read. */
  read(key: string): string | undefined;
  /**
   * Stores data under key. Must be atomic (a reader sees the old entry, the new one or none, never a
   * part) and may fail silently: a cache that cannot be written costs time, never results.
   */
  write(key: string, data: string): boolean;
  /** Hex digest (SHA-256) of the parts, delimited so that no two different lists give the same input. */
  digest(parts: readonly string[]): string;
}

/** What a scan did with the cache; per file, a file being a hit when its findings came from it. */
export interface CacheCounts {
  hits: number;
  misses: number;
  /** Entries found but not used: corrupted, truncated, of another format or another key. */
  ignored: number;
  /** Entries written, and their size in characters. */
  written: number;
  writtenBytes: number;
}

export function emptyCounts(): CacheCounts {
  return { hits: 0, misses: 0, ignored: 0, written: 0, writtenBytes: 0 };
}

export function addCounts(into: CacheCounts, more: CacheCounts): void {
  into.hits += more.hits;
  into.misses += more.misses;
  into.ignored += more.ignored;
  into.written += more.written;
  into.writtenBytes += more.writtenBytes;
}

type EntryKind = 'summary' | 'reads' | 'findings' | 'directory';

/**
 * An entry: one header line (magic, format, kind, key, the length and digest of the rest), one line of
 * metadata (JSON), then the payload. The header makes a truncated, corrupted or misplaced file, or one
 * written by another program or format, detectable before anything in it is believed.
 */
function encodeEntry(storage: CacheStorage, kind: EntryKind, key: string, meta: unknown, payload: string): string {
  const body = `${JSON.stringify(meta)}\n${payload}`;
  return `${MAGIC} ${CACHE_FORMAT} ${kind} ${key} ${body.length} ${storage.digest([body])}\n${body}`;
}

function decodeEntry(storage: CacheStorage, kind: EntryKind, key: string, data: string): { meta: unknown; payload: string } | undefined {
  const headerEnd = data.indexOf('\n');
  if (headerEnd < 0) return undefined;
  const [magic, format, entryKind, entryKey, length, digest, ...extra] = data.slice(0, headerEnd).split(' ');
  if (magic !== MAGIC || format !== String(CACHE_FORMAT) || entryKind !== kind || entryKey !== key || extra.length > 0) return undefined;
  const body = data.slice(headerEnd + 1);
  if (String(body.length) !== length || storage.digest([body]) !== digest) return undefined;
  const metaEnd = body.indexOf('\n');
  if (metaEnd < 0) return undefined;
  try {
    return { meta: JSON.parse(body.slice(0, metaEnd)), payload: body.slice(metaEnd + 1) };
  } catch {
    return undefined;
  }
}

/** A file's summaries as the cache keeps them: the package clause's name and a digest per indexer. */
export interface CachedSummary {
  packageName: string;
  /** Digest of each indexer's summary (JSON); an indexer that failed on the file has none. */
  digests: Record<string, string>;
  /** The summaries themselves, parsed when first asked for. */
  summaries(): Map<string, unknown>;
}

/** What the package view lets the cache compute (PackageView.dependencies). */
export interface Dependencies {
  whole(indexerIds: readonly string[]): string;
  parts(reads: RecordedReads): string;
}

export class ScanCache {
  private counts: CacheCounts = emptyCounts();
  /** Summaries read in the current directory: whether one is cached is asked before it is used. */
  private readonly summaryMemo = new Map<string, CachedSummary | undefined>();
  /** Digests of the current directory's texts: the scan and the package index both ask. */
  private readonly textDigests = new Map<string, string>();

  /**
   * engineId identifies gohazard's code (version and a digest of the engine, rules and grammar),
   * so that no entry written by another build is ever read.
   */
  constructor(
    private readonly storage: CacheStorage,
    private readonly engineId: string,
  ) {}

  /** What was counted since the last call. */
  takeCounts(): CacheCounts {
    const counts = this.counts;
    this.counts = emptyCounts();
    return counts;
  }

  textDigest(text: string): string {
    let digest = this.textDigests.get(text);
    if (digest === undefined) {
      digest = this.storage.digest(['text', text]);
      this.textDigests.set(text, digest);
    }
    return digest;
  }

  digest(parts: readonly string[]): string {
    return this.storage.digest(parts);
  }

  /** With indexerId: the entry of that indexer's summary alone (PackageIndex.load stores them one by one). */
  loadSummary(textDigest: string, indexerId?: string): CachedSummary | undefined {
    const memoKey = indexerId === undefined ? textDigest : `${textDigest}\u0000${indexerId}`;
    if (this.summaryMemo.has(memoKey)) return this.summaryMemo.get(memoKey);
    const summary = this.readSummary(textDigest, indexerId);
    this.summaryMemo.set(memoKey, summary);
    return summary;
  }

  /** Forgets the summaries and digests of the directory done (a scan worker, after each one). */
  endDirectory(): void {
    this.summaryMemo.clear();
    this.textDigests.clear();
  }

  private readSummary(textDigest: string, indexerId: string | undefined): CachedSummary | undefined {
    const key = this.summaryKey(textDigest, indexerId);
    const entry = this.read('summary', key);
    if (!entry) return undefined;
    const meta = entry.meta as { p?: unknown; d?: unknown };
    if (typeof meta?.p !== 'string' || !isStringRecord(meta.d)) return this.ignore();
    let parsed: Map<string, unknown> | undefined;
    return {
      packageName: meta.p,
      digests: meta.d,
      summaries: () => (parsed ??= new Map(JSON.parse(entry.payload) as [string, unknown][])),
    };
  }

  /** summariesJson is the JSON of [indexerId, summary] pairs (PackageIndex's key); with indexerId, of that one alone. */
  storeSummary(textDigest: string, packageName: string, summaries: ReadonlyMap<string, unknown>, summariesJson: string, indexerId?: string): Record<string, string> {
    const digests = summaryDigests(this, summaries);
    this.summaryMemo.delete(indexerId === undefined ? textDigest : `${textDigest}\u0000${indexerId}`);
    this.write('summary', this.summaryKey(textDigest, indexerId), { p: packageName, d: digests }, summariesJson);
    return digests;
  }

  /** A file's summaries by every indexer (a scan), or by one (an editor's package index, which summarises lazily). */
  private summaryKey(textDigest: string, indexerId: string | undefined): string {
    return indexerId === undefined ? this.key('summary', textDigest) : this.key('summary', textDigest, 'indexer', indexerId);
  }

  /** The details of a file by one indexer (PackageIndex) computed in earlier scans, by name. */
  loadDetails(textDigest: string, indexerId: string): Map<string, unknown> | undefined {
    const entry = this.read('summary', this.key('summary', textDigest, 'details', indexerId));
    if (!entry) return undefined;
    try {
      const pairs = JSON.parse(entry.payload) as unknown;
      if (Array.isArray(pairs) && pairs.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string')) return new Map(pairs as [string, unknown][]);
    } catch {
      // counted below
    }
    return this.ignore();
  }

  /** Replaces the file's stored details by this indexer (those loaded and those computed since). */
  storeDetails(textDigest: string, indexerId: string, details: ReadonlyMap<string, unknown>): void {
    this.write('summary', this.key('summary', textDigest, 'details', indexerId), null, JSON.stringify([...details]));
  }

  /**
   * The findings of a file, when an earlier scan stored them for the same text, facts, configuration
   * and code, and what its rules read of the package's other files is unchanged: first checked by the
   * digests of the other files' whole summaries (nothing parsed: the usual case, nothing changed), then
   * by what was read of them (a sibling changed, but not in what this file's rules looked up).
   */
  loadFindings(file: FileKey, dependencies: Dependencies | undefined): Finding[] | undefined {
    const readsKey = this.key('reads', file.textDigest, file.factsKey, file.configKey);
    const reads = this.read('reads', readsKey);
    const meta = reads?.meta as { ids?: unknown; parts?: unknown } | undefined;
    if (!reads || !isStringList(meta?.ids) || !isRecordedReads(meta?.parts)) {
      if (reads) this.ignore();
      this.counts.misses++;
      return undefined;
    }
    if (meta.ids.length > 0 && !dependencies) {
      this.counts.misses++;
      return undefined;
    }
    const wholeKey = this.wholeKey(readsKey, meta.ids, dependencies);
    let findings = this.readFindings(wholeKey);
    if (!findings && meta.ids.length > 0) {
      findings = this.readFindings(this.partsKey(readsKey, meta.parts, dependencies!));
      // Next time, found at once.
      if (findings) this.write('findings', wholeKey, null, JSON.stringify(findings));
    }
    if (findings) this.counts.hits++;
    else this.counts.misses++;
    return findings;
  }

  /** What the analysis read is the view's record (PackageView.reads); dependencies the view's digests. */
  storeFindings(file: FileKey, reads: { ids: string[]; recorded(): RecordedReads }, dependencies: Dependencies | undefined, findings: readonly Finding[]): void {
    const ids = reads.ids;
    if (ids.length > 0 && !dependencies) return;
    const parts = reads.recorded();
    const readsKey = this.key('reads', file.textDigest, file.factsKey, file.configKey);
    const json = JSON.stringify(findings);
    this.write('reads', readsKey, { ids, parts }, '');
    this.write('findings', this.wholeKey(readsKey, ids, dependencies), null, json);
    if (ids.length > 0) this.write('findings', this.partsKey(readsKey, parts, dependencies!), null, json);
  }

  /**
   * The key of a whole directory's findings: every Go file of it (files, in the scan's order) with its
   * text and facts, and the configuration. A directory whose files did not change is then one entry
   * read, with no package summary looked at.
   */
  directoryKey(configKey: string, files: readonly FileKey[]): string {
    return this.key('directory', configKey, JSON.stringify(files.map((f) => [f.textDigest, f.factsKey])));
  }

  /** The findings of each file of the directory, in the order of the key's files. */
  loadDirectory(key: string, files: number): Finding[][] | undefined {
    const entry = this.read('directory', key);
    if (!entry) return undefined;
    try {
      const findings = JSON.parse(entry.payload) as Finding[][];
      if (Array.isArray(findings) && findings.length === files && findings.every(Array.isArray)) {
        this.counts.hits += files;
        return findings;
      }
    } catch {
      // counted below
    }
    return this.ignore();
  }

  storeDirectory(key: string, findings: readonly (readonly Finding[])[]): void {
    this.write('directory', key, null, JSON.stringify(findings));
  }

  private wholeKey(readsKey: string, ids: readonly string[], dependencies: Dependencies | undefined): string {
    return this.key('findings', readsKey, 'whole', JSON.stringify(ids), ids.length > 0 ? dependencies!.whole(ids) : '');
  }

  private partsKey(readsKey: string, parts: RecordedReads, dependencies: Dependencies): string {
    return this.key('findings', readsKey, 'parts', JSON.stringify(parts), dependencies.parts(parts));
  }

  private readFindings(key: string): Finding[] | undefined {
    const entry = this.read('findings', key);
    if (!entry) return undefined;
    try {
      const findings = JSON.parse(entry.payload) as Finding[];
      if (Array.isArray(findings)) return findings;
    } catch {
      // counted below
    }
    return this.ignore();
  }

  private key(kind: EntryKind, ...parts: string[]): string {
    return this.storage.digest([MAGIC, String(CACHE_FORMAT), kind, this.engineId, ...parts]);
  }

  private read(kind: EntryKind, key: string): { meta: unknown; payload: string } | undefined {
    const data = this.storage.read(key);
    if (data === undefined) return undefined;
    const entry = decodeEntry(this.storage, kind, key, data);
    if (!entry) this.ignore();
    return entry;
  }

  private write(kind: EntryKind, key: string, meta: unknown, payload: string): void {
    const data = encodeEntry(this.storage, kind, key, meta, payload);
    if (this.storage.write(key, data)) {
      this.counts.written++;
      this.counts.writtenBytes += data.length;
    }
  }

  private ignore(): undefined {
    this.counts.ignored++;
    return undefined;
  }
}

/** The parts of a file's key that the file and the scan's settings decide. */
export interface FileKey {
  textDigest: string;
  factsKey: string;
  configKey: string;
}

function summaryDigests(cache: ScanCache, summaries: ReadonlyMap<string, unknown>): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const [id, summary] of summaries) digests[id] = cache.digest([JSON.stringify(summary) ?? '-']);
  return digests;
}

function isStringList(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((v) => typeof v === 'string');
}

function isRecordedReads(x: unknown): x is RecordedReads {
  return Array.isArray(x) && x.every((e) => Array.isArray(e) && e.length === 2 && typeof e[0] === 'string' && Array.isArray(e[1]) && e[1].every(isStringList));
}

function isStringRecord(x: unknown): x is Record<string, string> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && Object.values(x).every((v) => typeof v === 'string');
}

/**
 * The facts that decide a file's findings, other than its package (which the two-step lookup covers).
 * Every field of FileFacts must be decided on here: a field added without it would let a stale entry
 * be read (a unit test fails when FileFacts gains one).
 */
export function factsKey(facts: FileFacts): string {
  const { path, goMinor, versionSource, toolchainMinor, toolchainStatus, profile } = facts;
  // The path is part of it: messages and fixes may name the file's go.mod, and a file's test-ness and
  // package follow from where it is. A CPU profile counts by its identity (its path, size and a hash
  // of its bytes, and the file's package).
  return JSON.stringify([path, goMinor, versionSource, toolchainMinor, toolchainStatus, profile?.identity ?? null]);
}

/** The fields factsKey covers, and the package view, which the two-step lookup covers. */
export const FACTS_FIELDS_IN_KEY: readonly (keyof FileFacts)[] = ['path', 'goMinor', 'versionSource', 'toolchainMinor', 'toolchainStatus', 'profile', 'package'];

/**
 * The configuration as it affects findings: every rule's effective severity (so that `loopvar/*: off`
 * and each loopvar rule off are one key) and every other option. Severities are in the key rather than
 * applied to cached findings because turning a rule on or off changes what is analysed, and a change of
 * severity alone is rare enough that it may cost one scan.
 */
export function configKey(config: EngineConfig, rules: readonly RuleDoc[]): string {
  const severities = rules.map((r) => `${r.id}=${severityFor(r.id, r.defaultSeverity, config)}`).sort();
  const { rules: _rules, ...options } = config;
  void _rules;
  return JSON.stringify([severities, ruleOptionsKey(config), canonical(options)]);
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
  );
}
