// Analyses the files of one directory, as a scan worker does for each job it gets (and `gohazard scan`
// in its own thread for a few files): the directory's package index is built once, each file is parsed
// once for its summary and its analysis, and with a scan cache, files whose findings are cached are
// not parsed at all. A directory none of whose files changed is one cache entry (cachedDirectory),
// which the scanner looks up before it starts a worker for it.
import { readdirSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { AnalysisCache } from '../engine/analyzer';
import type { ByteLayout } from '../engine/byteLayout';
import type { EngineConfig } from '../engine/config';
import type { GoDocument } from '../engine/document';
import { forgetDeclarationMemos } from '../engine/memo';
import { packageClauseName } from '../engine/packageIndex';
import type { FactsWithoutPackage, Project } from '../engine/project';
import type { FileFacts } from '../engine/rule';
import { factsKey, FileKey, ScanCache } from '../engine/scanCache';
import type { Finding } from '../engine/types';
import { toEnginePath } from '../node/nodeHost';
import { readGoSourceSync } from './readSource';
import type { FileResult } from './scanProtocol';

/**
 * Text of one directory whose trees are kept for its whole scan: about 26 bytes of WASM memory per
 * character (which never shrinks), so at most about 16 MB more per worker than the largest file needs.
 * ssa/ (10 MB of Go) on one worker: WebAssembly memory 142 MB with 1.5M characters, 100 MB with 600k,
 * the same CPU time.
 */
const LENT_CHARS = 600_000;

/**
 * Text of the trees the package index may keep to compute other files' escape tags (details) of files
 * not lent, beside the lent ones: about 8 MB of WebAssembly memory.
 */
const SCRATCH_CHARS = 300_000;

/** Sets up a project that scans directories: summaries and details from the cache, bounded trees. */
export function prepareScanProject(project: Project, cache: ScanCache | undefined): void {
  project.packages.useStore(cache);
  project.packages.scratchBudgetChars = SCRATCH_CHARS;
  project.packages.scanning = true;
}

export interface DirectoryScan {
  files: readonly string[];
  config: EngineConfig;
  /** Analyse every file at this language version (go1.N minor), whatever go.mod says. */
  goMinor?: number;
  /** Parse and free each tree, run no rule (the benchmark's baseline). */
  parseOnly?: boolean;
  maxFileBytes?: number;
  cancelled(): boolean;
  /** With the configuration's key (scanCache.configKey). */
  cache?: { cache: ScanCache; configKey: string };
}

interface Source {
  file: string;
  path: string;
  text: string | undefined;
  /** With the text, when its own encoding is not the file's bytes. */
  layout?: ByteLayout;
  problems: string[];
  /** With a cache: what the file's own key is made of (its facts without the package view). */
  key?: FileKey;
}

interface DirectoryRead {
  sources: Source[];
  /** With a cache, when every Go file of the directory was read: the key of the directory's findings. */
  key?: string;
}

/**
 * The findings of a directory none of whose files changed, from the cache, or undefined. Reads and
 * digests the files: cheap enough for the scanner to ask before it hands the directory to a worker.
 */
export async function cachedDirectory(facts: FactsWithoutPackage, scan: DirectoryScan): Promise<FileResult[] | undefined> {
  const read = await readDirectory(facts, scan);
  scan.cache?.cache.endDirectory();
  return read.key !== undefined ? fromDirectoryEntry(read, scan.cache!.cache) : undefined;
}

/** errors collects the engine's internal errors (rules, indexers) as they happen; a file's are reported with it. */
export async function scanDirectory(project: Project, scan: DirectoryScan, errors: string[]): Promise<FileResult[]> {
  const cache = scan.cache?.cache;
  const read = await readDirectory(project, scan);
  const cached = read.key !== undefined ? fromDirectoryEntry(read, cache!) : undefined;
  if (cached) {
    cache!.endDirectory();
    return cached;
  }
  const results: FileResult[] = [];
  // The directory's trees, up to LENT_CHARS of text, are parsed once and serve both the package index
  // (summaries of siblings, when a rule reads them) and the analysis; the others are parsed for each
  // use. With a cache, only files that may be summarised are lent (another file of the directory has
  // them in its package and their summary is not cached): the others may not need a tree at all.
  const docs = new Map<string, GoDocument>();
  const { sources } = read;
  let lentChars = 0;
  // Whether every file's findings may be kept as the directory's entry.
  let whole = read.key !== undefined;
  try {
    for (const { path, text } of sources) {
      // The package index reads siblings as the scan read them, not from the disk again.
      if (text !== undefined && !scan.parseOnly) project.packages.setOverlay(path, text);
    }
    const summarised = cache ? neededAsSiblings(sources) : undefined;
    for (const { file, path, text, key } of sources) {
      if (text === undefined || scan.parseOnly || lentChars + text.length > LENT_CHARS) continue;
      if (summarised && (!summarised.has(file) || cache!.loadSummary(key!.textDigest))) continue;
      const doc = project.newDocument(text);
      docs.set(file, doc);
      if (doc.unparsedReason) continue;
      project.packages.lend(path, text, doc.tree.rootNode);
      lentChars += text.length;
    }
    for (const { file, path, text, layout, problems, key } of sources) {
      if (scan.cancelled()) {
        whole = false;
        break;
      }
      if (text === undefined) {
        results.push({ file, problems, findings: [], lines: 0 });
        continue;
      }
      const lines = countLines(text);
      if (scan.parseOnly) {
        project.newDocument(text).dispose();
        results.push({ file, findings: [], lines, problems: [] });
        continue;
      }
      const doc = docs.get(file);
      let own: GoDocument | undefined;
      // The tree the file is analysed with serves its own summaries too (read during the analysis).
      const ownTree = () => (own && !own.unparsedReason ? own.tree.rootNode : undefined);
      const facts = withOverride(await project.facts(path, text, ownTree, scan.config), scan.goMinor);
      const cachedFindings = key && cache!.loadFindings(key, facts.package?.dependencies);
      if (cachedFindings) {
        results.push({ file, findings: cachedFindings, lines, problems: errors.splice(0), ...(cachedFindings.length > 0 ? { text, layout } : {}), cached: true });
        continue;
      }
      own = doc ?? project.newDocument(text);
      let findings: Finding[];
      try {
        findings = project.analyzer.analyze(own, facts, scan.config, new AnalysisCache()).findings;
      } finally {
        if (!doc) own.dispose();
      }
      const fileErrors = errors.splice(0);
      // Findings made despite an internal error, or without a tree because parsing took too long, are
      // not kept: the next scan tries again.
      const keep = fileErrors.length === 0 && !own.parseTimedOut;
      if (key && keep) cache!.storeFindings(key, facts.package?.reads ?? { ids: [], recorded: () => [] }, facts.package?.dependencies, findings);
      whole &&= keep;
      results.push({ file, findings, lines, problems: fileErrors, ...(findings.length > 0 ? { text, layout } : {}) });
    }
    if (whole && read.key !== undefined) cache!.storeDirectory(read.key, results.map((r) => r.findings));
  } finally {
    // Each directory is scanned once: what the package index cached for it is no longer needed.
    for (const { path, text } of sources) if (text !== undefined) project.packages.setOverlay(path, undefined);
    project.packages.clear();
    forgetDeclarationMemos();
    cache?.endDirectory();
    for (const doc of docs.values()) doc.dispose();
  }
  return results;
}

/**
 * Reads the directory's files; with a cache, each file's key, and the directory's when every Go file
 * of the directory (as the package index lists them) was read as Go source.
 */
async function readDirectory(project: FactsWithoutPackage, scan: DirectoryScan): Promise<DirectoryRead> {
  const cache = scan.cache;
  const sources: Source[] = [];
  for (const file of scan.files) {
    if (scan.cancelled()) break;
    const problems: { path: string; message: string }[] = [];
    const decoded = readGoSourceSync(file, problems, scan.maxFileBytes);
    const text = decoded?.text;
    const path = toEnginePath(resolve(file));
    const source: Source = { file, path, text, layout: decoded?.layout, problems: problems.map((p) => p.message) };
    if (cache && text !== undefined && !scan.parseOnly) {
      const facts = withOverride(await project.factsWithoutPackage(path, text, scan.config), scan.goMinor);
      source.key = { textDigest: cache.cache.textDigest(text), factsKey: factsKey(facts), configKey: cache.configKey };
    }
    sources.push(source);
  }
  const complete = sources.length === scan.files.length && sources.every((s) => s.key !== undefined);
  if (!cache || !complete || !listsEveryGoFile(scan.files)) return { sources };
  return { sources, key: cache.cache.directoryKey(cache.configKey, sources.map((s) => s.key!)) };
}

function fromDirectoryEntry(read: DirectoryRead, cache: ScanCache): FileResult[] | undefined {
  const findings = cache.loadDirectory(read.key!, read.sources.length);
  return findings?.map((f, i) => {
    const { file, text, layout } = read.sources[i];
    return { file, findings: f, lines: countLines(text!), problems: [], ...(f.length > 0 ? { text, layout } : {}), cached: true };
  });
}

/** Whether files are all the Go files of their directory that the package index would read. */
function listsEveryGoFile(files: readonly string[]): boolean {
  if (files.length === 0) return false;
  let names: string[];
  try {
    names = readdirSync(dirname(files[0])).filter((n) => n.endsWith('.go') && !n.startsWith('.') && !n.startsWith('_'));
  } catch {
    return false;
  }
  const listed = new Set(files.map((f) => basename(f)));
  return names.length === listed.size && names.every((n) => listed.has(n));
}

function withOverride(facts: FileFacts, goMinor: number | undefined): FileFacts {
  if (goMinor !== undefined) {
    facts.goMinor = goMinor;
    facts.versionSource = { kind: 'override' };
  }
  return facts;
}

/**
 * The files some other file of the directory has in its package, as the package index decides it
 * (same package clause; a test file is seen only by test files), read from the package clause alone.
 */
function neededAsSiblings(sources: readonly Source[]): Set<string> {
  const clauses = sources.filter((s) => s.text !== undefined).map((s) => ({ file: s.file, name: packageClauseName(s.text!), test: s.file.endsWith('_test.go') }));
  const needed = new Set<string>();
  for (const f of clauses) {
    if (clauses.some((g) => g !== f && g.name === f.name && (g.test || !f.test))) needed.add(f.file);
  }
  return needed;
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
