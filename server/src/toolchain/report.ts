// What gohazard tells a user about one file's Go version: the effective language version and where it
// comes from, what that means for loop variables, how it relates to the installed toolchain, and which
// CPU profile applies. The CLI (`gohazard toolchain`), the `gohazard/toolchain` request, the status
// bar, the code lens and the hover on loops all show this one report.
import { basename, dirname } from '../engine/paths';
import type { ProfileStatus, ProfileView } from '../engine/profile/store';
import type { FileFacts } from '../engine/rule';
import { describeInstalledToolchain, ToolchainStatus } from './facts';
import { GoRelease, hasPerIterationLoopVars, languageVersion, parseGoRelease } from './goVersion';
import type { ModuleFacts } from './fileVersion';

export interface ToolchainReport {
  path: string;
  /** e.g. "go1.21" */
  goVersion: string;
  source: {
    kind: 'go.mod' | 'go:build' | 'default' | 'override';
    path?: string;
    /** Zero-based line of the directive. */
    line?: number;
    /** The directive as written, e.g. "go 1.21.3" or "//go:build linux && go1.22". */
    text?: string;
  };
  loopSemantics: 'shared' | 'per-iteration';
  module?: { goMod: string; go?: string; toolchain?: string };
  workspace?: { goWork: string; go?: string; toolchain?: string; includesModule: boolean };
  installedToolchain?: string;
  /** The newest of the go/toolchain lines of go.mod and go.work: what the go command insists on. */
  requiredToolchain?: string;
  needsNewerToolchain: boolean;
  profile: ProfileReport;
  /** "Go 1.21 · shared loop vars" */
  summary: string;
  /** A few sentences for tooltips and hovers. */
  details: string;
}

/** The CPU profile that applies to the file, or why none does. */
export interface ProfileReport {
  status: 'loaded' | 'failed' | 'none';
  path?: string;
  /** configured: gohazard.profile / --profile / .gohazard.json; default.pgo: found next to the code. */
  origin?: 'configured' | 'default.pgo';
  /** e.g. "cpu/nanoseconds" */
  sampleType?: string;
  samples?: number;
  /** CPU time the samples stand for. */
  cpuNanos?: number;
  durationNanos?: number;
  /** Functions with samples. */
  functions?: number;
  /** This file's functions with samples, and the hottest three (cumulative share, 0–1; 1-based line of `func`, as pprof and editors count). */
  fileFunctions?: number;
  hottest?: { functionName: string; cumShare: number; flatShare: number; line: number }[];
  /** Why no profile applies, or why it could not be used. */
  reason?: string;
}

export function profileReport(status: ProfileStatus, view: ProfileView | undefined): ProfileReport {
  if (status.kind === 'none') return { status: 'none', reason: status.reason };
  if (status.kind === 'failed') return { status: 'failed', path: status.path, origin: status.origin, reason: status.message };
  const s = status.profile.cpu.summary;
  const own = view?.functions() ?? [];
  return {
    status: 'loaded',
    path: status.path,
    origin: status.origin,
    sampleType: s.sampleType,
    samples: s.samples,
    cpuNanos: s.cpuNanos,
    durationNanos: s.durationNanos,
    functions: s.functions,
    fileFunctions: own.length,
    hottest: own.slice(0, 3).map((f) => ({ functionName: f.functionName, cumShare: f.cumShare, flatShare: f.flatShare, line: f.startLine + 1 })),
  };
}

/** One sentence about the profile, with its path as `showPath` writes it. */
export function describeProfile(p: ProfileReport, showPath: (path: string) => string = (path) => path): string {
  const where = p.path ? `${showPath(p.path)}${p.origin === 'configured' ? ' (from the configuration)' : ''}` : '';
  if (p.status === 'none') return `CPU profile: none (${p.reason}).`;
  if (p.status === 'failed') return `CPU profile: ${where} cannot be used: ${p.reason}.`;
  const cpu = p.cpuNanos !== undefined ? `${seconds(p.cpuNanos)} of CPU in ` : '';
  const over = p.durationNanos ? ` over ${seconds(p.durationNanos)}` : '';
  const hottest = p.hottest?.length
    ? ` Hottest here: ${p.hottest.map((f) => `${f.functionName} ${percent(f.cumShare)}`).join(', ')}${(p.fileFunctions ?? 0) > p.hottest.length ? ` (of ${p.fileFunctions} functions with samples)` : ''}.`
    : ' No function of this file has samples in it.';
  return `CPU profile: ${where}, ${cpu}${p.samples} samples${over} (${p.sampleType}), ${p.functions} functions.${hottest}`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

function seconds(nanos: number): string {
  return `${(nanos / 1e9).toFixed(2)} s`;
}

export function toolchainReport(facts: FileFacts, module: ModuleFacts | undefined, directive: string | undefined, installed: string | undefined, profile: ProfileStatus): ToolchainReport {
  const perIteration = hasPerIterationLoopVars(facts.goMinor);
  const required = [module?.facts.go?.value, module?.facts.toolchain?.value, module?.workspace?.facts.goMinor !== undefined ? `1.${module.workspace.facts.goMinor}` : undefined, module?.workspace?.facts.toolchain]
    .map((v) => (v ? { text: v.replace(/^go/, ''), release: parseGoRelease(v) } : undefined))
    .filter((v): v is { text: string; release: GoRelease } => v?.release !== undefined)
    .reduce<{ text: string; release: GoRelease } | undefined>((best, v) => (!best || compareReleases(v.release, best.release) > 0 ? v : best), undefined);
  const installedRelease = installed ? parseGoRelease(installed) : undefined;
  const needsNewer = !!(required && installedRelease && compareReleases(required.release, installedRelease) > 0);
  const goVersion = languageVersion(facts.goMinor);
  const report: ToolchainReport = {
    path: facts.path,
    goVersion,
    source: { ...facts.versionSource, text: directive },
    loopSemantics: perIteration ? 'per-iteration' : 'shared',
    module: module && { goMod: module.goModPath, go: module.facts.go?.value, toolchain: module.facts.toolchain?.value },
    workspace: module?.workspace && {
      goWork: module.workspace.goWorkPath,
      go: module.workspace.facts.goMinor !== undefined ? `1.${module.workspace.facts.goMinor}` : undefined,
      toolchain: module.workspace.facts.toolchain,
      includesModule: module.workspace.includesModule,
    },
    installedToolchain: installed,
    requiredToolchain: required && `go${required.text}`,
    needsNewerToolchain: needsNewer,
    profile: profileReport(profile, facts.profile),
    summary: `Go 1.${facts.goMinor} · ${perIteration ? 'per-iteration' : 'shared'} loop vars`,
    details: '',
  };
  report.details = describe(report, facts.toolchainStatus);
  return report;
}

function describe(r: ToolchainReport, status: ToolchainStatus): string {
  const lines: string[] = [];
  const where = r.source.path ? `${basename(r.source.path)}${r.source.line !== undefined ? ` line ${r.source.line + 1}` : ''}` : '';
  switch (r.source.kind) {
    case 'go.mod':
      lines.push(r.source.line !== undefined ? `This file is ${r.goVersion}, from the go directive of ${where} (\`${r.source.text ?? ''}\`).` : `This file is ${r.goVersion}: ${basename(r.source.path ?? 'go.mod')} has no go directive, which means go 1.16.`);
      break;
    case 'go:build':
      lines.push(`This file is ${r.goVersion}, from its build constraint on line ${(r.source.line ?? 0) + 1} (\`${r.source.text ?? ''}\`); current toolchains use max(constraint, go1.21).`);
      break;
    case 'override':
      lines.push(`This file is analysed as ${r.goVersion} (set on the command line).`);
      break;
    default:
      lines.push(`This file is in no module: the go command compiles it at the toolchain's own language version, ${r.goVersion}.`);
  }
  lines.push(
    r.loopSemantics === 'shared'
      ? 'Loop variables are shared by all iterations (before Go 1.22): closures and pointers that outlive an iteration see later values.'
      : 'Loop variables are per-iteration (Go 1.22 and later): each iteration has its own copy.',
  );
  if (r.workspace) lines.push(`go.work: ${r.workspace.goWork}${r.workspace.includesModule ? '' : ' (does not use this module)'}.`);
  lines.push(describeInstalledToolchain(status, r.installedToolchain));
  if (r.needsNewerToolchain) lines.push(`The module needs ${r.requiredToolchain}, newer than the installed ${r.installedToolchain}: the go command will refuse to build or, with GOTOOLCHAIN=auto, download it.`);
  // Profile paths relative to the module root read better in a tooltip than absolute ones.
  const root = r.module ? `${dirname(r.module.goMod)}/` : undefined;
  lines.push(describeProfile(r.profile, (path) => (root && path.startsWith(root) ? path.slice(root.length) : path)));
  return lines.join('\n');
}

export function compareReleases(a: GoRelease, b: GoRelease): number {
  if (a.minor !== b.minor) return a.minor - b.minor;
  // 1.21rc1 < 1.21 (== 1.21.0) < 1.21.1
  const rank = (r: GoRelease) => (r.prerelease ? -1 : (r.patch ?? 0));
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  return (a.prerelease ?? '').localeCompare(b.prerelease ?? '', undefined, { numeric: true });
}
