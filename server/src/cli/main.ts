// The gohazard command line: `gohazard scan` for CI and `gohazard lsp` for editors.
import { EngineConfig, FailOn, failOnValues, parseEscapeScope, sanitizeRules, severityFor } from '../engine/config';
import { megabytesToBytes } from '../engine/limits';
import { FactsContext, Project } from '../engine/project';
import { ruleDocs } from '../engine/analyzer';
import type { ToolchainKnowledge } from '../toolchain/facts';
import { Severity } from '../engine/types';
import { allRules } from '../rules';
import { relative, resolve } from 'node:path';
import { fromEnginePath, loadGrammar, nodeFileHost, packageVersion, toEnginePath } from '../node/nodeHost';
import { threadCpuClock } from '../node/threadCpu';
import { isScanFormat, ScanFormat, scanFormats } from './format';
import type { FileReport, ScanReport } from './report';
import { ScanConfigs, configuredBaseline, scan, scanRoots } from './scan';
import { parseShard, Shard } from './shard';
import { MergeError, mergeOutputs } from './merge';
import { groupSharedFixes } from './sharedFixes';
import { readFileSync } from 'node:fs';
import { resolveCacheDir } from '../node/diskCache';
import { parseGoRelease } from '../toolchain/goVersion';
import { runUpgradeImpact } from './upgradeImpactCommand';
import { runToolchain } from './toolchainCommand';
import { probeGoToolchain } from '../node/goToolchain';
import { ProgressLine } from './progress';
import { applyFilters, checkFilterOptions, FilterOptions, loadFilters } from './scanFilters';
import { formatStaleEntries, formatSummary } from './summary';
import { colourFor } from './terminal';
import { InputError, UsageError } from './usageError';
import { runExplain, runRules } from './rulesCommand';

const usage = `usage:
  gohazard scan [--format text|json|sarif|github|codeclimate] [--fail-on error|warning|info|hint|none]
                [--min-severity error|warning|info|hint]
                [--rule <rule-id|family/*>=<error|warning|info|hint|off>]... [--escape-scope hot|loops|all]
                [--go-version 1.N] [--threads N] [--max-file-size MB] [--profile FILE]
                [--new-from-rev REV | --new-from-patch FILE]
                [--baseline FILE] [--write-baseline FILE] [--quiet]
                [--cache-dir DIR | --no-cache] [--shard K/N]
                [paths | dir/... ]
  gohazard merge [--fail-on error|warning|info|hint|none] shard.json... | shard.sarif...
                                the outputs of scan --shard 1/N … N/N as one scan's
  gohazard toolchain [--format text|json] [--profile FILE] [paths | dir/...]
                                each file's Go version, its source, loop-variable semantics
                                and CPU profile
  gohazard upgrade-impact [--format text|json] [dir]
                                the loops of dir's module that change meaning at go 1.22
  gohazard rules [--format text|json]
                                every rule: id, default severity, family, summary
  gohazard explain RULE         a rule's documentation, with an example of the hazard and of its fix
  gohazard lsp --stdio          serve the Language Server Protocol on stdin/stdout
  gohazard --version

scan prints findings at or above --min-severity (default info: hints are explanations, shown in
editors but not printed unless asked for or --fail-on hint), and exits 0 when nothing at or above
--fail-on (default: failOn of the file's .gohazard.json, else warning) was found, 1 when something
was, and 2 on a usage or internal error. Flags override the settings of the nearest .gohazard.json
(walking up to the repository root).`;

const severityRank: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return runScan(rest);
    case 'upgrade-impact':
      return runUpgrade(rest);
    case 'merge':
      return runMerge(rest);
    case 'toolchain': {
      const { format, positional, profile } = parseFormatArgs(rest, true);
      const project = await newProject();
      if (profile) await checkProfile(project, profile);
      return runToolchain(project, positional, format, profile);
    }
    case 'rules':
      return runRules(rest);
    case 'explain':
      return runExplain(rest);
    case 'lsp':
      // Loaded lazily: the scan path must not pay for the LSP libraries.
      (await import('../node/lspServer')).startNodeServer();
      return new Promise<number>(() => {});
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${usage}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

interface ScanOptions extends FilterOptions {
  format: ScanFormat;
  goMinor?: number;
  threads?: number;
  maxFileBytes?: number;
  /** Absent: each file's .gohazard.json decides, else warning. */
  failOn?: FailOn;
  minSeverity?: Severity;
  config: EngineConfig;
  paths: string[];
  /** No progress line and no summary on stderr. */
  quiet: boolean;
  cacheDir?: string;
  noCache?: boolean;
  shard?: Shard;
}

function parseScanArgs(args: string[]): ScanOptions {
  const options: ScanOptions = { format: 'text', config: { rules: {} }, paths: [], quiet: false };
  const rules: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--format': {
        const v = value();
        if (!isScanFormat(v)) throw new UsageError(`--format must be one of ${Object.keys(scanFormats).join(', ')}, not "${v}"`);
        options.format = v;
        break;
      }
      case '--fail-on': {
        const v = value();
        const failOn = failOnValues.find((f) => f === v);
        if (!failOn) throw new UsageError(`--fail-on must be error, warning, info, hint or none, not "${v}"`);
        options.failOn = failOn;
        break;
      }
      case '--min-severity': {
        const v = value();
        if (!['error', 'warning', 'info', 'hint'].includes(v)) throw new UsageError(`--min-severity must be error, warning, info or hint, not "${v}"`);
        options.minSeverity = v as Severity;
        break;
      }
      case '--escape-scope': {
        const v = value();
        options.config.escapeScope = parseEscapeScope(v);
        if (!options.config.escapeScope) throw new UsageError(`--escape-scope must be hot, loops or all, not "${v}"`);
        break;
      }
      case '--threads': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new UsageError(`--threads takes a number (0: no worker threads), not "${v}"`);
        options.threads = Number(v);
        break;
      }
      case '--max-file-size': {
        const v = value();
        if (!/^\d+(\.\d+)?$/.test(v)) throw new UsageError(`--max-file-size takes a size in MB (0: no limit), not "${v}"`);
        options.maxFileBytes = megabytesToBytes(Number(v));
        break;
      }
      case '--go-version': {
        const v = value();
        const release = parseGoRelease(v);
        if (!release) throw new UsageError(`--go-version takes a Go version such as 1.21, not "${v}"`);
        options.goMinor = release.minor;
        break;
      }
      case '--profile':
        options.config.profilePath = profileArgument(value());
        break;
      case '--cache-dir':
        options.cacheDir = value();
        break;
      case '--no-cache':
        options.noCache = true;
        break;
      case '--shard': {
        const v = value();
        const shard = parseShard(v);
        if (!shard) throw new UsageError(`--shard takes K/N with 1 ≤ K ≤ N (e.g. 2/4), not "${v}"`);
        options.shard = shard;
        break;
      }
      case '--rule': {
        const v = value();
        const eq = v.lastIndexOf('=');
        if (eq <= 0) throw new UsageError(`--rule takes <rule-id>=<severity>, not "${v}"`);
        rules[v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
      case '--new-from-rev':
        options.newFromRev = value();
        break;
      case '--new-from-patch':
        options.newFromPatch = value();
        break;
      case '--baseline':
        options.baseline = value();
        break;
      case '--write-baseline':
        options.writeBaseline = value();
        break;
      case '--quiet':
      case '-q':
        options.quiet = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown flag ${arg}`);
        options.paths.push(arg);
    }
  }
  checkFilterOptions(options);
  const { rules: sane, problems } = sanitizeRules(rules);
  if (problems.length > 0) throw new UsageError(problems.join('; ').replace(/gohazard\.rules/g, '--rule'));
  options.config.rules = sane;
  return options;
}

/**
 * The engine, knowing the installed toolchain when a go command answers (the CLI runs on trusted code),
 * its parse budgets in CPU time as a scan's are.
 */
async function newProject(): Promise<Project> {
  const project = new Project(
    await loadGrammar(),
    allRules,
    nodeFileHost,
    (rule, error) => {
      process.stderr.write(`gohazard: internal error in rule ${rule}: ${(error as Error)?.stack ?? error}\n`);
    },
    threadCpuClock(),
  );
  await probeToolchain(project.toolchain);
  return project;
}

/** What `scan` needs in this thread, without a grammar: its workers (or ScanHandle's own Project) parse. */
async function newScanContext(): Promise<FactsContext> {
  const context = new FactsContext(nodeFileHost);
  await probeToolchain(context.toolchain);
  return context;
}

async function probeToolchain(toolchain: ToolchainKnowledge): Promise<void> {
  const probe = await probeGoToolchain(process.env.GOHAZARD_GO ?? 'go');
  if ('found' in probe) {
    toolchain.installedMinor = probe.found.minor;
    toolchain.installedVersion = probe.found.version;
  }
}

/** `--format text|json` (and `--profile FILE` where allowed) and positional arguments, for the report commands. */
function parseFormatArgs(args: string[], allowProfile = false): { format: 'text' | 'json'; positional: string[]; profile?: string } {
  let format: 'text' | 'json' = 'text';
  let profile: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const eq = args[i].indexOf('=');
    const [flag, inline] = args[i].startsWith('--') && eq > 0 ? [args[i].slice(0, eq), args[i].slice(eq + 1)] : [args[i], undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--format') {
      const v = value();
      if (v !== 'text' && v !== 'json') throw new UsageError(`--format must be text or json, not "${v}"`);
      format = v;
    } else if (flag === '--profile' && allowProfile) profile = profileArgument(value());
    else if (flag.startsWith('-')) throw new UsageError(`unknown flag ${flag}`);
    else positional.push(flag);
  }
  return { format, positional, profile };
}

/** `--profile FILE`: relative to the working directory. */
function profileArgument(value: string): string {
  if (value === '') throw new UsageError('--profile needs a file');
  return toEnginePath(resolve(value));
}

/** A profile named on the command line must be usable: a typo must not silently drop the profile's guidance. */
async function checkProfile(project: Pick<Project, 'profiles'>, profile: string): Promise<void> {
  const loaded = await project.profiles.load(profile);
  if ('error' in loaded) throw new InputError(`--profile ${toEnginePath(relative(process.cwd(), fromEnginePath(profile)))}: ${loaded.error}`);
}

async function runUpgrade(args: string[]): Promise<number> {
  const { format, positional } = parseFormatArgs(args);
  if (positional.length > 1) throw new UsageError('upgrade-impact takes one directory');
  return runUpgradeImpact(await newProject(), positional[0] ?? '.', format);
}

/** A scan shorter than this shows no progress line. */
const PROGRESS_DELAY_MS = 1000;

async function runScan(args: string[]): Promise<number> {
  const started = Date.now();
  const options = parseScanArgs(args);
  const configs = new ScanConfigs();
  if (options.baseline === undefined && options.writeBaseline === undefined) options.baseline = await configuredBaseline(options.paths, configs);
  const filters = await loadFilters(options, options.paths);
  const project = await newScanContext();
  if (options.config.profilePath) await checkProfile(project, options.config.profilePath);
  const paint = colourFor(process.stderr);
  // GOHAZARD_PROGRESS_DELAY_MS lets the terminal tests see the line without a scan that lasts a second.
  const delay = Number(process.env.GOHAZARD_PROGRESS_DELAY_MS) >= 0 ? Number(process.env.GOHAZARD_PROGRESS_DELAY_MS) : PROGRESS_DELAY_MS;
  const progress = process.stderr.isTTY && !options.quiet ? new ProgressLine(process.stderr, paint, delay) : undefined;
  const cache = resolveCacheDir({ explicit: options.cacheDir, disabled: options.noCache, workspaces: scanRoots(options.paths), hiddenInside: true });
  if (cache.problem) process.stderr.write(`gohazard: ${cache.problem}\n`);
  const result = await scan(project, options.paths, options.config, {
    goMinor: options.goMinor,
    threads: options.threads,
    maxFileBytes: options.maxFileBytes,
    cache: cache.dir ? { dir: cache.dir, maxBytes: cache.maxBytes } : undefined,
    shard: options.shard,
    onProgress: progress?.update,
    configs,
  }).finally(() => progress?.finish());
  for (const p of [...result.configProblems, ...result.problems]) process.stderr.write(`gohazard: ${p.path}: ${p.message}\n`);
  const docs = new Map(ruleDocs(allRules).map((d) => [d.id, d]));
  const ruleEnabled = (rule: string) => !docs.has(rule) || severityFor(rule, docs.get(rule)!.defaultSeverity, options.config) !== 'off';
  // The baseline and --new-from-* see every finding (a baseline written without hints still holds them);
  // --min-severity only decides what is printed.
  const shown = applyFilters(result, filters, ruleEnabled);
  const failOnOf = (r: FileReport): FailOn => options.failOn ?? r.failOn ?? 'warning';
  const minimumOf = (failOn: FailOn): Severity => options.minSeverity ?? (failOn === 'hint' ? 'hint' : 'info');
  const printed = shown.reports.map((r) => ({ ...r, findings: r.findings.filter((f) => severityRank[f.severity] >= severityRank[minimumOf(failOnOf(r))]) })).filter((r) => r.findings.length > 0);
  const reports = groupSharedFixes(printed);
  const report: ScanReport = { files: result.files, reports, rules: [...docs.values()], toolVersion: packageVersion(), baseline: shown.baseline, shard: options.shard };
  process.stdout.write(scanFormats[options.format](report));
  if (shown.written !== undefined) process.stderr.write(`gohazard: wrote ${shown.written} finding${shown.written === 1 ? '' : 's'} to the baseline ${options.writeBaseline}\n`);
  else if (shown.baseline) process.stderr.write(formatStaleEntries(shown.baseline, paint));
  const belowMinimum = { severity: minimumOf(options.failOn ?? 'warning'), count: countOf(shown.reports) - countOf(printed) };
  if (!options.quiet) process.stderr.write(formatSummary({ files: result.files, elapsedMs: Date.now() - started, reports, belowMinimum, baseline: shown.baseline, newFrom: shown.newFrom, cache: result.cache }, paint));
  if (result.files === 0 && result.problems.length > 0) return 2;
  const failed = reports.some((r) => {
    const failOn = failOnOf(r);
    return failOn !== 'none' && r.findings.some((f) => severityRank[f.severity] >= severityRank[failOn]);
  });
  return failed ? 1 : 0;
}

function countOf(reports: readonly { findings: readonly unknown[] }[]): number {
  return reports.reduce((n, r) => n + r.findings.length, 0);
}

async function runMerge(args: string[]): Promise<number> {
  let failOn: Severity | 'none' = 'warning';
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--fail-on=') ? ['--fail-on', args[i].slice('--fail-on='.length)] : [args[i], undefined];
    if (flag === '--fail-on') {
      const v = inline ?? args[++i];
      if (!['error', 'warning', 'info', 'hint', 'none'].includes(v)) throw new UsageError(`--fail-on must be error, warning, info, hint or none, not "${v}"`);
      failOn = v as Severity | 'none';
    } else if (flag.startsWith('-')) throw new UsageError(`unknown flag ${flag}`);
    else files.push(flag);
  }
  if (files.length === 0) throw new UsageError('merge takes the output files of the shards');
  let merged;
  try {
    merged = mergeOutputs(files.map((name) => ({ name, text: readFileSync(name, 'utf8') })));
  } catch (error) {
    if (!(error instanceof MergeError) && (error as NodeJS.ErrnoException)?.code === undefined) throw error;
    process.stderr.write(`gohazard: merge: ${(error as Error).message}\n`);
    return 2;
  }
  process.stdout.write(merged.output);
  if (failOn === 'none') return 0;
  return merged.severities.some((s) => severityRank[s] >= severityRank[failOn as Severity]) ? 1 : 0;
}

/** Runs the CLI and sets the process exit code; usage errors exit 2 with the usage text. */
export function runCli(argv: string[]): void {
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) process.stderr.write(`gohazard: ${error.message}\n\n${usage}\n`);
      else if (error instanceof InputError) process.stderr.write(`gohazard: ${error.message}\n`);
      else process.stderr.write(`gohazard: internal error: ${(error as Error)?.stack ?? error}\n`);
      process.exitCode = 2;
    },
  );
}
