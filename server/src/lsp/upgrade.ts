// The upgrade-impact request (`gohazard/upgradeImpact`) and the "Upgrade module to go 1.22" quick fix.
// Results are cached per go.mod until a Go file or a module file changes.
import { CancellationToken, CodeAction, CodeActionKind, Connection, Range, WorkDoneProgressServerReporter } from 'vscode-languageserver';
import { Project } from '../engine/project';
import { dirname } from '../engine/paths';
import { Finding } from '../engine/types';
import { Cancelled, describeImpact, upgradeImpact, UpgradeImpact } from '../workspace/upgradeImpact';
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

export class UpgradeService {
  private readonly cache = new Map<string, Promise<UpgradeImpact | undefined>>();

  constructor(
    private readonly connection: Connection,
    private readonly project: () => Project | undefined,
    private readonly openText: (path: string) => string | undefined,
    private readonly platform: Pick<ServerHost, 'pathToUri' | 'moduleSources'>,
  ) {}

  /** Something in the workspace changed: earlier impacts may be wrong now. */
  invalidate(): void {
    this.cache.clear();
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
    let pending = this.cache.get(module.goModPath);
    if (!pending) {
      pending = upgradeImpact(project, dirname(module.goModPath), this.platform.moduleSources, { openText: this.openText }).catch(() => undefined);
      this.cache.set(module.goModPath, pending);
    }
    const impact = await pending;
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
