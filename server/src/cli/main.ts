// The gohazard command line: `gohazard scan` for CI and `gohazard lsp` for editors. Each command loads
// what it needs when it runs (the engine and its rules take longer to load than `--version` may take).
import { EngineConfig, sanitizeRules } from '../engine/config';
import { megabytesToBytes } from '../engine/limits';
import type { Project } from '../engine/project';
import type { Severity } from '../engine/types';
import { relative, resolve } from 'node:path';
import { fromEnginePath, loadGrammar, nodeFileHost, packageVersion, toEnginePath } from '../node/nodeHost';
import type { ScanReport } from './report';
import { parseGoRelease } from '../toolchain/goVersion';

const usage = `usage:
  gohazard scan [--format text|json|sarif] [--fail-on error|warning|info|hint|none]
                [--min-severity error|warning|info|hint]
                [--rule <rule-id|family/*>=<error|warning|info|hint|off>]... [--escape-scope hot|loops|all]
                [--go-version 1.N] [--threads N] [--max-file-size MB] [--profile FILE]
                [paths | dir/... ]
  gohazard toolchain [--format text|json] [--profile FILE] [paths | dir/...]
                                each file's Go version, its source, loop-variable semantics
                                and CPU profile
  gohazard upgrade-impact [--format text|json] [dir]
                                the loops of dir's module that change meaning at go 1.22
  gohazard lsp --stdio          serve the Language Server Protocol on stdin/stdout
  gohazard --version

scan prints findings at or above --min-severity (default info: hints are explanations, shown in
editors but not printed unless asked for or --fail-on hint), and exits 0 when nothing at or above
--fail-on (default warning) was found, 1 when something was,
and 2 on a usage or internal error.`;

class UsageError extends Error {}
/** Exits 2 with the message alone (no usage text). */
class InputError extends Error {}

const severityRank: Record<Severity, number> = { error: 3, warning: 2, info: 1, hint: 0 };

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'scan':
      return runScan(rest);
    case 'upgrade-impact':
      return runUpgrade(rest);
    case 'toolchain': {
      const { format, positional, profile } = parseFormatArgs(rest, true);
      const project = await newProject();
      if (profile) await checkProfile(project, profile);
      const { runToolchain } = await import('./toolchainCommand');
      return runToolchain(project, positional, format, profile);
    }
    case 'lsp':
      // Loaded lazily: the scan path must not pay for the LSP libraries.
      (await import('../node/lspServer')).startNodeServer();
      return new Promise<number>(() => {});
    case '--version':
    case 'version':
      process.stdout.write(`gohazard ${packageVersion()}\n`);
      return 0;
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

interface ScanOptions {
  format: 'text' | 'json' | 'sarif';
  goMinor?: number;
  threads?: number;
  maxFileBytes?: number;
  failOn: Severity | 'none';
  minSeverity?: Severity;
  config: EngineConfig;
  paths: string[];
}

function parseScanArgs(args: string[]): ScanOptions {
  const options: ScanOptions = { format: 'text', failOn: 'warning', config: { rules: {} }, paths: [] };
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
        if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`--format must be text, json or sarif, not "${v}"`);
        options.format = v;
        break;
      }
      case '--fail-on': {
        const v = value();
        if (!['error', 'warning', 'info', 'hint', 'none'].includes(v)) throw new UsageError(`--fail-on must be error, warning, info, hint or none, not "${v}"`);
        options.failOn = v as Severity | 'none';
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
        if (v !== 'hot' && v !== 'loops' && v !== 'all') throw new UsageError(`--escape-scope must be hot, loops or all, not "${v}"`);
        options.config.escapeScope = v;
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
      case '--rule': {
        const v = value();
        const eq = v.lastIndexOf('=');
        if (eq <= 0) throw new UsageError(`--rule takes <rule-id>=<severity>, not "${v}"`);
        rules[v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown flag ${arg}`);
        options.paths.push(arg);
    }
  }
  const { rules: sane, problems } = sanitizeRules(rules);
  if (problems.length > 0) throw new UsageError(problems.join('; ').replace(/gohazard\.rules/g, '--rule'));
  options.config.rules = sane;
  return options;
}

/** The engine, knowing the installed toolchain when a go command answers (the CLI runs on trusted code). */
async function newProject(): Promise<Project> {
  const [{ Project }, { allRules }, { probeGoToolchain }] = await Promise.all([import('../engine/project'), import('../rules'), import('../node/goToolchain')]);
  const project = new Project(await loadGrammar(), allRules, nodeFileHost, (rule, error) => {
    process.stderr.write(`gohazard: internal error in rule ${rule}: ${(error as Error)?.stack ?? error}\n`);
  });
  const probe = await probeGoToolchain(process.env.GOHAZARD_GO ?? 'go');
  if ('found' in probe) {
    project.toolchain.installedMinor = probe.found.minor;
    project.toolchain.installedVersion = probe.found.version;
  }
  return project;
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
async function checkProfile(project: Project, profile: string): Promise<void> {
  const loaded = await project.profiles.load(profile);
  if ('error' in loaded) throw new InputError(`--profile ${toEnginePath(relative(process.cwd(), fromEnginePath(profile)))}: ${loaded.error}`);
}

async function runUpgrade(args: string[]): Promise<number> {
  const { format, positional } = parseFormatArgs(args);
  if (positional.length > 1) throw new UsageError('upgrade-impact takes one directory');
  const { runUpgradeImpact } = await import('./upgradeImpactCommand');
  return runUpgradeImpact(await newProject(), positional[0] ?? '.', format);
}

async function runScan(args: string[]): Promise<number> {
  const options = parseScanArgs(args);
  const [project, { scan }, { formatText }, { formatJson }, { formatSarif }] = await Promise.all([newProject(), import('./scan'), import('./format/text'), import('./format/json'), import('./format/sarif')]);
  if (options.config.profilePath) await checkProfile(project, options.config.profilePath);
  const result = await scan(project, options.paths, options.config, { goMinor: options.goMinor, threads: options.threads, maxFileBytes: options.maxFileBytes });
  for (const p of result.problems) process.stderr.write(`gohazard: ${p.path}: ${p.message}\n`);
  const shown = severityRank[options.minSeverity ?? (options.failOn === 'hint' ? 'hint' : 'info')];
  const reports = result.reports.map((r) => ({ ...r, findings: r.findings.filter((f) => severityRank[f.severity] >= shown) })).filter((r) => r.findings.length > 0);
  const report: ScanReport = { files: result.files, reports, rules: project.analyzer.docs, toolVersion: packageVersion() };
  const format = { text: formatText, json: formatJson, sarif: formatSarif }[options.format];
  process.stdout.write(format(report));
  if (result.files === 0 && result.problems.length > 0) return 2;
  if (options.failOn === 'none') return 0;
  const threshold = severityRank[options.failOn];
  const failed = reports.some((r) => r.findings.some((f) => severityRank[f.severity] >= threshold));
  return failed ? 1 : 0;
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
