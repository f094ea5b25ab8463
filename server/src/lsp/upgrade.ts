// The upgrade-impact request (`gohazard/upgradeImpact`) and the "Upgrade module to go 1.22" quick fix.
// Impacts are cached per go.mod. A module file change discards them; a Go file change only makes them
// stale: the quick fix, offered while one types, names the last count of loops (its edit is the go
// line of go.mod, which did not change), and the count is made again once edits pause, since it
// analyses every file of the module.
import { CancellationToken, CodeAction, CodeActionKind, Connection, Range, WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { Project } from '../engine/project';
import { dirname } from '../engine/paths';
import { Finding } from '../engine/types';
import { Cancelled, describeImpact, ImpactOptions, upgradeImpact, UpgradeImpact } from '../workspace/upgradeImpact';
import { SLICE_MS } from './scheduler';
import type { ServerHost } from './host';

export const UPGRADE_IMPACT_REQUEST = 'gohazard/upgradeImpact';

export interface UpgradeImpactParams {
  /** A file or folder of the module. */
  uri: string;
  /** A client-made work-done progress token; without one the server creates its own progress. */
  workDoneToken?: string | number;
}

export interface UpgradeImpactResult {
  goMod: string;
  goVersion: string;
  target: string;
  upToDate: boolean;
  files: number;
  loops: number;
  summary: string;
  changes: { uri: string; range: Range; message: string }[];
}

const UPGRADE_RULES = new Set(['loopvar/capture', 'loopvar/address', 'loopvar/semantics-change']);

/** Findings that the upgrade to go 1.22 resolves or changes, which therefore offer it. */
export function changesAtUpgrade(finding: Finding): boolean {
  return UPGRADE_RULES.has(finding.rule);
}

/** A stale impact is made again once Go files have not changed for this long. */
const REFRESH_AFTER_MS = 2000;
/** How long a code action waits for the first impact of a module. */
const FIRST_IMPACT_WAIT_MS = 1000;

interface CachedImpact {
  pending: Promise<UpgradeImpact | undefined>;
  /** The last one made, once there is one. */
  done?: UpgradeImpact;
  stale: boolean;
}

export class UpgradeService {
  private readonly cache = new Map<string, CachedImpact>();
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly project: () => Project | undefined,
    private readonly openText: (path: string) => string | undefined,
    private readonly platform: Pick<ServerHost, 'pathToUri' | 'moduleSources' | 'yieldToEventLoop'>,
  ) {}

  /** Time slices like an analysis's: requests are answered while an impact is made. */
  private slices(): NonNullable<ImpactOptions['slices']> {
    let start = performance.now();
    return {
      used: () => performance.now() - start >= SLICE_MS,
      pause: async () => {
        await this.platform.yieldToEventLoop();
        start = performance.now();
      },
    };
  }

  /**
   * Starts making the impact of the module of a file whose findings offer the upgrade, unless there is
   * one: the quick fix that names it is then ready when asked for.
   */
  async prepare(path: string): Promise<void> {
    const module = await this.project()?.modules.moduleFor(path);
    if (module && !this.cache.has(module.goModPath)) this.compute(module.goModPath);
  }

  /** A go.mod or go.work changed: earlier impacts are wrong now. */
  invalidate(): void {
    this.cache.clear();
  }

  /** A Go file changed: earlier impacts may count other loops now. */
  goFilesChanged(): void {
    for (const entry of this.cache.values()) entry.stale = true;
    if (this.cache.size === 0) return;
    if (this.refreshTimer !== undefined) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      for (const [goMod, entry] of this.cache) if (entry.stale && entry.done) this.compute(goMod);
    }, REFRESH_AFTER_MS);
    unref(this.refreshTimer);
  }

  private compute(goModPath: string): CachedImpact {
    const project = this.project();
    const entry: CachedImpact = { pending: Promise.resolve(undefined), done: this.cache.get(goModPath)?.done, stale: false };
    this.cache.set(goModPath, entry);
    entry.pending = project
      ? upgradeImpact(project, dirname(goModPath), this.platform.moduleSources, { openText: this.openText, slices: this.slices() }).then(
          (impact) => {
            if (this.cache.get(goModPath) === entry) entry.done = impact;
            return impact;
          },
          () => undefined,
        )
      : Promise.resolve(undefined);
    return entry;
  }

  register(uriToPath: (uri: string) => string | undefined): void {
    this.connection.onRequest(UPGRADE_IMPACT_REQUEST, async (params: UpgradeImpactParams, token: CancellationToken) => {
      const path = uriToPath(params.uri);
      const project = this.project();
      if (!path || !project) return null;
      // With a client token the client cancels the request itself; a server-made progress has its own cancel.
      const attached = params.workDoneToken !== undefined;
      const progress = attached ? this.connection.window.attachWorkDoneProgress(params.workDoneToken!) : await this.connection.window.createWorkDoneProgress();
      const progressCancelled: CancellationToken | undefined = 'token' in progress ? (progress as WorkDoneProgressServerReporter).token : undefined;
      progress.begin('gohazard: upgrade impact', 0, 'reading the module', true);
      try {
        const dir = path.endsWith('.go') || path.endsWith('/go.mod') ? dirname(path) : path;
        const impact = await upgradeImpact(project, dir, this.platform.moduleSources, {
          openText: this.openText,
          isCancelled: () => token.isCancellationRequested || progressCancelled?.isCancellationRequested === true,
          onProgress: (done, total) => progress.report(Math.floor((100 * done) / Math.max(total, 1)), `${done}/${total} files`),
          slices: this.slices(),
        });
        return impact ? toResult(impact, this.platform.pathToUri) : null;
      } catch (error) {
        if (error instanceof Cancelled) return null;
        throw error;
      } finally {
        progress.done();
      }
    });
  }

  /** "Upgrade module to go 1.22 (N loops change meaning)" for the module of a file. */
  async upgradeAction(path: string): Promise<CodeAction | undefined> {
    const project = this.project();
    if (!project) return undefined;
    const module = await project.modules.moduleFor(path);
    if (!module) return undefined;
    const entry = this.cache.get(module.goModPath) ?? this.compute(module.goModPath);
    // The other fixes of the request must not wait long for this one: a first impact of a large module
    // (every file analysed) is offered by a later request instead.
    const impact = entry.done ?? (await Promise.race([entry.pending, new Promise<undefined>((resolve) => unref(setTimeout(() => resolve(undefined), FIRST_IMPACT_WAIT_MS)))]));
    if (!impact || impact.upToDate) return undefined;
    const goModText = this.openText(module.goModPath) ?? (await project.modules.readFile(module.goModPath)) ?? '';
    const edit = goLineEdit(goModText, impact.goLine, impact.target);
    return {
      title: `Upgrade module to ${impact.target} (${impact.loops} loop${impact.loops === 1 ? '' : 's'} in the module change${impact.loops === 1 ? 's' : ''} meaning)`,
      kind: CodeActionKind.QuickFix,
      edit: { changes: { [this.platform.pathToUri(module.goModPath)]: [edit] } },
    };
  }
}

/** Replaces the `go` line of go.mod, or adds one after the module line. */
export function goLineEdit(goMod: string, goLine: number | undefined, target: string): { range: Range; newText: string } {
  const version = target.replace(/^go/, '');
  const lines = goMod.split('\n');
  if (goLine !== undefined && goLine < lines.length) {
    const text = lines[goLine].replace(/\r$/, '');
    return { range: { start: { line: goLine, character: 0 }, end: { line: goLine, character: text.length } }, newText: `go ${version}` };
  }
  const moduleLine = Math.max(0, lines.findIndex((l) => /^\s*module\s/.test(l)));
  return { range: { start: { line: moduleLine + 1, character: 0 }, end: { line: moduleLine + 1, character: 0 } }, newText: `\ngo ${version}\n` };
}

function toResult(impact: UpgradeImpact, pathToUri: (path: string) => string): UpgradeImpactResult {
  const summary = describeImpact(impact, 'go.mod');
  return {
    goMod: pathToUri(impact.goModPath),
    goVersion: impact.goVersion,
    target: impact.target,
    upToDate: impact.upToDate,
    files: impact.files,
    loops: impact.loops,
    summary,
    changes: impact.changes.map((c) => ({ uri: pathToUri(c.path), range: c.finding.range, message: c.finding.message })),
  };
}

/** A Node timer must not keep the process alive; a browser timer is a number. */
function unref(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}
