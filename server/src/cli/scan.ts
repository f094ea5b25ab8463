// `gohazard scan`: analyse the named Go files with the same engine the language server uses, on worker
// threads when there are enough files to pay for starting them.
import { dirname, join, relative, resolve } from 'node:path';
import { EngineConfig, FailOn } from '../engine/config';
import type { Project } from '../engine/project';
import { ruleDocs } from '../engine/analyzer';
import { allRules } from '../rules';
import { dirname as engineDirname } from '../engine/paths';
import { configureScan, ProjectConfigs } from '../engine/projectConfig';
import { SourceText } from '../engine/sourceText';
import { fromEnginePath, nodeFileHost, toEnginePath } from '../node/nodeHost';
import type { FileReport } from './report';
import { ScanHandle, ScanOutcome } from '../workspace/scanner';
import type { FileResult } from '../workspace/scanProtocol';
import { goFilesOf, WalkProblem } from '../workspace/walk';
import { resolveProfile } from '../toolchain/facts';
import { filesOfShard, Shard } from './shard';
import { InputError } from './usageError';

export interface ScanResult {
  files: number;
  reports: FileReport[];
  problems: WalkProblem[];
  /** What is wrong in the .gohazard.json files read (their valid parts still apply). */
  configProblems: WalkProblem[];
  /** Every file analysed, relative to the working directory with forward slashes (as FileReport.path). */
  analysed: string[];
  /** With the scan cache: how many files' findings came from it (hits) or were analysed (misses), and more. */
  cache?: ScanOutcome['cache'];
}

export interface ScanCacheStats {
  hits: number;
  misses: number;
}

export interface ScanProgress {
  /** Files done, of total. */
  done: number;
  total: number;
  /** The directory (package) last finished. */
  dir: string;
  /** Findings so far. */
  findings: number;
}

export interface ScanOptions {
  /** Analyse every file at this language version (go1.N minor), whatever go.mod says. */
  goMinor?: number;
  /** Worker threads; 0 analyses in this thread. Default: one per core, in-thread for few files. */
  threads?: number;
  /** Files above this many bytes are skipped with a message (0: no limit; absent: the default). */
  maxFileBytes?: number;
  /** Called as files finish: after each file in this thread, after each directory on workers. */
  onProgress?: (progress: ScanProgress) => void;
  /** Only the packages of this shard (shard.ts). */
  shard?: Shard;
  /** The scan cache (node/diskCache.ts resolveCacheDir); none when absent. */
  cache?: { dir: string; maxBytes?: number };
  /** The .gohazard.json files read so far (configuredBaseline reads some before the scan); new when absent. */
  configs?: ScanConfigs;
}

/** The scan's .gohazard.json files, each read once, and the problems found in them as paths from the working directory. */
export class ScanConfigs {
  readonly configs = new ProjectConfigs(nodeFileHost, new Set(ruleDocs(allRules).map((d) => d.id)));
  readonly problems: WalkProblem[] = [];

  constructor() {
    this.configs.onLoad = (loaded) => {
      const path = toEnginePath(relative(process.cwd(), fromEnginePath(loaded.path)));
      for (const p of loaded.problems) this.problems.push({ path: `${path}:${p.range.start.line + 1}:${p.range.start.character + 1}`, message: p.message });
    };
  }
}

/** Below this many files, starting workers (a grammar each) costs more than it saves. */
const IN_THREAD_LIMIT = 64;

/** The scan resolves go.mod files and CPU profiles here; it parses in worker threads (or a Project of its own). */
export type ScanContext = Pick<Project, 'modules' | 'profiles' | 'toolchain'>;

/** config: the command line's settings, over each file's .gohazard.json. */
export async function scan(project: ScanContext, args: readonly string[], config: EngineConfig, options: ScanOptions = {}): Promise<ScanResult> {
  const problems: WalkProblem[] = [];
  const goModProblems = new Map<string, readonly string[]>();
  project.modules.onGoModRead = (goMod, list) => goModProblems.set(goMod, list);
  const profileProblems = new Map<string, string>();
  project.profiles.onLoad = (path, result) => {
    if ('error' in result) profileProblems.set(path, result.error);
  };
  const listed = await goFilesOf(args, problems);
  const configs = options.configs ?? new ScanConfigs();
  const { files, configByDir, failOnByDir } = await applyProjectConfigs(options.shard ? await filesOfShard(listed, options.shard, project.modules) : listed, config, configs);
  options.onProgress?.({ done: 0, total: files.length, dir: '', findings: 0 });
  // Resolve every directory's go.mod and CPU profile here, even when workers analyse the files, to
  // report broken ones once.
  for (const dir of new Set(files.map(dirname))) {
    const file = toEnginePath(join(resolve(dir), 'x.go'));
    await resolveProfile(file, await project.modules.moduleFor(file), project.profiles, configByDir.get(dir)?.profilePath);
  }
  for (const [path, error] of profileProblems) problems.push({ path: toEnginePath(relative(process.cwd(), fromEnginePath(path))), message: `CPU profile cannot be used: ${error}` });
  for (const [goMod, list] of goModProblems) {
    for (const p of list) {
      const m = /^go\.mod:(\d+): (.*)$/s.exec(p);
      problems.push({ path: `${toEnginePath(relative(process.cwd(), fromEnginePath(goMod)))}${m ? `:${m[1]}` : ''}`, message: m ? m[2] : p });
    }
  }
  const inThread = options.threads === 0 || (options.threads === undefined && files.length < IN_THREAD_LIMIT);
  let findings = 0;
  const onResults = (results: FileResult[]) => {
    for (const r of results) findings += r.findings.length;
  };
  const onProgress = options.onProgress && ((done: number, total: number, dir: string) => options.onProgress!({ done, total, dir, findings }));
  const outcome = await new ScanHandle({
    files,
    config,
    configByDir,
    toolchain: project.toolchain,
    goMinor: options.goMinor,
    threads: inThread ? 0 : options.threads,
    maxFileBytes: options.maxFileBytes,
    cache: options.cache,
    onResults,
    onProgress,
  }).done;
  const results = outcome.results;
  const reports: FileReport[] = [];
  const analysed: string[] = [];
  for (const r of results) {
    problems.push(...r.problems.map((message) => ({ path: r.file, message })));
    const path = toEnginePath(relative(process.cwd(), resolve(r.file)));
    if (r.lines > 0) analysed.push(path);
    if (r.findings.length > 0 && r.text !== undefined) reports.push({ path, source: new SourceText(r.text, r.layout), findings: r.findings, failOn: failOnByDir.get(dirname(r.file)) });
  }
  // In the order of the printed paths, which `gohazard merge` can restore from the shards' outputs.
  reports.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: analysed.length, analysed, reports, problems, configProblems: configs.problems, cache: outcome.cache };
}

/**
 * Each directory's .gohazard.json: the files it excludes are dropped, and the others get its settings
 * under the command line's. Keyed by dirname(file) of the paths as given, as the scanner groups them.
 */
async function applyProjectConfigs(files: string[], config: EngineConfig, configs: ScanConfigs) {
  const given = new Map(files.map((f) => [toEnginePath(resolve(f)), f]));
  const configured = await configureScan(configs.configs, [...given.keys()], config);
  const configByDir = new Map<string, EngineConfig>();
  const failOnByDir = new Map<string, FailOn>();
  for (const path of configured.files) {
    const dir = dirname(given.get(path)!);
    configByDir.set(dir, configured.configByDir.get(engineDirname(path))!);
    const failOn = configured.projectByDir.get(engineDirname(path))?.settings.failOn;
    if (failOn) failOnByDir.set(dir, failOn);
  }
  return { files: configured.files.map((path) => given.get(path)!), configByDir, failOnByDir };
}

/**
 * The baseline the .gohazard.json governing the scanned directories names (its `baseline` key), as a
 * path from the working directory; undefined when none does. A scan's findings are filtered by one
 * baseline, so directories whose configurations name different ones are an error.
 */
export async function configuredBaseline(args: readonly string[], configs: ScanConfigs): Promise<string | undefined> {
  const named = new Map<string, string>();
  for (const root of scanRoots(args)) {
    const config = await configs.configs.forDirectory(toEnginePath(resolve(root)));
    const baseline = config?.settings.baseline;
    if (baseline !== undefined) named.set(relative(process.cwd(), fromEnginePath(baseline)) || '.', relative(process.cwd(), fromEnginePath(config!.path)));
  }
  if (named.size > 1) {
    throw new InputError(`the scanned directories name different baselines (${[...named].map(([b, c]) => `${b} in ${c}`).join(', ')}); scan them apart, or choose one with --baseline`);
  }
  return [...named.keys()][0];
}

/** The directories the arguments name (a file's own directory), where the cache must not be. */
export function scanRoots(args: readonly string[]): string[] {
  return (args.length > 0 ? args : ['./...']).map((arg) => {
    const root = arg === '...' ? '.' : arg.endsWith('/...') ? arg.slice(0, -4) || '.' : arg;
    return root.endsWith('.go') ? dirname(root) : root;
  });
}
