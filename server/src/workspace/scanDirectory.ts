// Analyses the files of one directory, as a scan worker does for each job it gets (and `gohazard scan`
// in its own thread for a few files): the directory's package index is built once, each file is parsed
// once for its summary and its analysis, and with a scan cache, files whose findings are cached are
// not parsed at all.
import { resolve } from 'node:path';
import { AnalysisCache } from '../engine/analyzer';
import type { ByteLayout } from '../engine/byteLayout';
import type { EngineConfig } from '../engine/config';
import { GoDocument } from '../engine/document';
import { packageClauseName } from '../engine/packageIndex';
import type { Project } from '../engine/project';
import { factsKey, ScanCache } from '../engine/scanCache';
import { toEnginePath } from '../node/nodeHost';
import { readGoSourceSync } from './readSource';
import type { FileResult } from './scanProtocol';

/**
 * Text of one directory whose trees are kept for its whole scan: about 26 bytes of WASM memory per
 * character (which never shrinks), so at most about 40 MB more per worker than the largest file needs.
 */
const LENT_CHARS = 1_500_000;

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

/** errors collects the engine's internal errors (rules, indexers) as they happen; a file's are reported with it. */
export async function scanDirectory(project: Project, scan: DirectoryScan, errors: string[]): Promise<FileResult[]> {
  const results: FileResult[] = [];
  const cache = scan.cache?.cache;
  // The directory's trees, up to LENT_CHARS of text, are parsed once and serve both the package index
  // (summaries of siblings) and the analysis; the others are parsed for each use. With a cache, only
  // files that will be summarised are lent (another file of the directory has them in its package and
  // their summary is not cached): the others may not need a tree at all.
  const docs = new Map<string, GoDocument>();
  const overlaid: string[] = [];
  let lentChars = 0;
  try {
    const sources: { file: string; text: string | undefined; layout?: ByteLayout; problems: string[]; digest?: string }[] = [];
    for (const file of scan.files) {
      if (scan.cancelled()) break;
      const problems: { path: string; message: string }[] = [];
      const source = readGoSourceSync(file, problems, scan.maxFileBytes);
      const text = source?.text;
      const digest = text !== undefined ? cache?.textDigest(text) : undefined;
      sources.push({ file, text, layout: source?.layout, problems: problems.map((p) => p.message), digest });
      if (text === undefined || scan.parseOnly) continue;
      // The package index reads siblings as the scan read them, not from the disk again.
      overlaid.push(toEnginePath(resolve(file)));
      project.packages.setOverlay(overlaid[overlaid.length - 1], text);
    }
    const summarised = cache ? neededAsSiblings(sources) : undefined;
    for (const { file, text, digest } of sources) {
      if (text === undefined || scan.parseOnly || lentChars + text.length > LENT_CHARS) continue;
      if (summarised && (!summarised.has(file) || cache!.loadSummary(digest!))) continue;
      const doc = new GoDocument(project.grammar, text);
      docs.set(file, doc);
      if (doc.unparsedReason) continue;
      project.packages.lend(toEnginePath(resolve(file)), text, doc.tree.rootNode);
      lentChars += text.length;
    }
    for (const { file, text, layout, problems, digest } of sources) {
      if (scan.cancelled()) break;
      if (text === undefined) {
        results.push({ file, problems, findings: [], lines: 0 });
        continue;
      }
      const lines = countLines(text);
      if (scan.parseOnly) {
        new GoDocument(project.grammar, text).dispose();
        results.push({ file, findings: [], lines, problems: [] });
        continue;
      }
      const path = toEnginePath(resolve(file));
      const doc = docs.get(file);
      // A lent tree serves the file's own summary too.
      const facts = await project.facts(path, text, undefined, scan.config);
      if (scan.goMinor !== undefined) {
        facts.goMinor = scan.goMinor;
        facts.versionSource = { kind: 'override' };
      }
      const key = cache && digest !== undefined ? { textDigest: digest, factsKey: factsKey(facts), configKey: scan.cache!.configKey } : undefined;
      const cached = key && cache!.loadFindings(key, facts.package?.dependencies);
      if (cached) {
        results.push({ file, findings: cached, lines, problems: errors.splice(0), ...(cached.length > 0 ? { text, layout } : {}), cached: true });
        continue;
      }
      const own = doc ?? new GoDocument(project.grammar, text);
      let findings;
      try {
        findings = project.analyzer.analyze(own, facts, scan.config, new AnalysisCache()).findings;
      } finally {
        if (!doc) own.dispose();
      }
      const fileErrors = errors.splice(0);
      // Findings made despite an internal error, or without a tree because parsing took too long, are
      // not kept: the next scan tries again.
      if (key && fileErrors.length === 0 && !own.parseTimedOut) cache!.storeFindings(key, facts.package?.reads ?? { ids: [], recorded: () => [] }, facts.package?.dependencies, findings);
      results.push({ file, findings, lines, problems: fileErrors, ...(findings.length > 0 ? { text, layout } : {}) });
    }
  } finally {
    // Each directory is scanned once: what the package index cached for it is no longer needed.
    for (const path of overlaid) project.packages.setOverlay(path, undefined);
    project.packages.clear();
    cache?.endDirectory();
    for (const doc of docs.values()) doc.dispose();
  }
  return results;
}

/**
 * The files some other file of the directory has in its package, as the package index decides it
 * (same package clause; a test file is seen only by test files), read from the package clause alone.
 */
function neededAsSiblings(sources: readonly { file: string; text: string | undefined }[]): Set<string> {
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
