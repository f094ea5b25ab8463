// The workspace scan (`gohazard/scanWorkspace`): every .go file of the workspace folders, with
// work-done progress (percentage, current directory) and cancellation. The host lists and analyses the
// files: on worker threads in Node, in batches in the browser worker. Files open in the editor keep
// their live diagnostics; the others get the scan's. After a scan, files that change on disk are
// scanned again (and deleted ones cleared), and a go.mod change re-scans what was scanned.
import { CancellationToken, Connection, Diagnostic, WorkDoneProgressServerReporter } from 'vscode-languageserver';
import type { EngineConfig } from '../engine/config';
import type { Project } from '../engine/project';
import { configureScan, ProjectConfigs } from '../engine/projectConfig';
import { familyOf } from '../engine/rule';
import type { Finding } from '../engine/types';
import type { RunningScan, ScannedFile, ServerHost } from './host';

export const SCAN_WORKSPACE_REQUEST = 'gohazard/scanWorkspace';

export interface ScanSummary {
  files: number;
  findings: Record<string, number>;
  milliseconds: number;
  cancelled: boolean;
  summary: string;
}

export interface ScanSettings {
  config: EngineConfig;
  exclude: RegExp[];
  /** The .gohazard.json files, whose excludes and settings apply under the user's. */
  projectConfigs: ProjectConfigs;
}

export class WorkspaceScan {
  /** Engine paths of the files the last scan covered, to re-scan them after changes. */
  private readonly scanned = new Set<string>();
  private running: RunningScan | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly platform: Pick<ServerHost, 'workspace' | 'pathToUri'>,
    private readonly project: () => Project | undefined,
    private readonly roots: () => string[],
    private readonly settings: () => Promise<ScanSettings>,
    private readonly isOpen: (path: string) => boolean,
    private readonly toDiagnostic: (f: Finding, uri: string) => Diagnostic,
    private readonly log: (message: string) => void,
  ) {}

  register(): void {
    this.connection.onRequest(SCAN_WORKSPACE_REQUEST, async (params: { workDoneToken?: string | number }, token: CancellationToken) => {
      const progress = params?.workDoneToken !== undefined ? this.connection.window.attachWorkDoneProgress(params.workDoneToken) : await this.connection.window.createWorkDoneProgress();
      const ownCancel: CancellationToken | undefined = 'token' in progress ? (progress as WorkDoneProgressServerReporter).token : undefined;
      progress.begin('gohazard: scanning the workspace', 0, 'listing Go files', true);
      try {
        return await this.scanAll(token, ownCancel, (percentage, message) => progress.report(percentage, message));
      } finally {
        progress.done();
      }
    });
  }

  /** Scans every Go file of the workspace folders. */
  private async scanAll(token: CancellationToken, ownCancel: CancellationToken | undefined, report: (percentage: number, message: string) => void): Promise<ScanSummary> {
    const started = Date.now();
    this.running?.cancel();
    const settings = await this.settings();
    const { files, configByDir } = await configureScan(settings.projectConfigs, await this.workspaceFiles(), settings.config);
    const findings: Record<string, number> = {};
    const handle = this.platform.workspace.startScan({
      files,
      config: settings.config,
      configByDir,
      roots: this.roots(),
      log: this.log,
      toolchain: this.project()?.toolchain,
      onResults: (results) => {
        for (const r of results) for (const f of r.findings) findings[familyOf(f.rule)] = (findings[familyOf(f.rule)] ?? 0) + 1;
        this.publish(results);
      },
      onProgress: (done, total, dir) => report(Math.floor((100 * done) / Math.max(total, 1)), `${done}/${total} · ${this.displayDir(dir)}`),
    });
    this.running = handle;
    const cancelListeners = [token.onCancellationRequested(() => handle.cancel()), ownCancel?.onCancellationRequested(() => handle.cancel())];
    try {
      const outcome = await handle.done;
      this.scanned.clear();
      for (const path of outcome.paths) this.scanned.add(path);
      const milliseconds = Date.now() - started;
      const counts = Object.entries(findings).map(([family, n]) => `${n} ${family}`).join(', ') || 'no findings';
      const cached = outcome.cache ? ` (${outcome.cache.hits} from the cache)` : '';
      const summary = `${outcome.cancelled ? 'Cancelled after' : 'Scanned'} ${outcome.paths.length} of ${files.length} Go files${cached} in ${(milliseconds / 1000).toFixed(1)} s: ${counts}.`;
      this.log(summary);
      return { files: outcome.paths.length, findings, milliseconds, cancelled: outcome.cancelled, summary };
    } finally {
      cancelListeners.forEach((l) => l?.dispose());
      if (this.running === handle) this.running = undefined;
    }
  }

  /** After files changed on disk: scan again those the last scan covered (or new ones in the workspace). */
  async rescan(paths: string[], deleted: string[]): Promise<void> {
    if (this.scanned.size === 0) return;
    for (const path of deleted) {
      if (this.scanned.delete(path)) void this.connection.sendDiagnostics({ uri: this.platform.pathToUri(path), diagnostics: [] });
    }
    const settings = await this.settings();
    const candidates = paths.filter((p) => p.endsWith('.go') && !this.isOpen(p) && this.inWorkspace(p));
    const { files, configByDir } = await configureScan(settings.projectConfigs, candidates, settings.config);
    // Files a .gohazard.json now excludes lose their scanned diagnostics.
    const kept = new Set(files);
    for (const path of candidates) {
      if (!kept.has(path) && this.scanned.delete(path)) void this.connection.sendDiagnostics({ uri: this.platform.pathToUri(path), diagnostics: [] });
    }
    if (files.length === 0) return;
    const outcome = await this.platform.workspace.startScan({ files, config: settings.config, configByDir, roots: this.roots(), toolchain: this.project()?.toolchain, threads: 1, onResults: (results) => this.publish(results) }).done;
    for (const path of outcome.paths) this.scanned.add(path);
  }

  /** A go.mod or go.work changed: every scanned file may have another version now. */
  rescanAll(): Promise<void> {
    return this.rescan([...this.scanned], []);
  }

  /** A file closed in the editor goes back to its scanned diagnostics. */
  fileClosed(path: string): void {
    if (this.scanned.has(path)) void this.rescan([path], []);
  }

  private publish(results: ScannedFile[]): void {
    for (const r of results) {
      if (this.isOpen(r.path)) continue;
      const uri = this.platform.pathToUri(r.path);
      void this.connection.sendDiagnostics({ uri, diagnostics: r.findings.map((f) => this.toDiagnostic(f, uri)) });
    }
  }

  private async workspaceFiles(): Promise<string[]> {
    const { exclude } = await this.settings();
    return this.platform.workspace.listGoFiles(this.roots(), exclude, this.log);
  }

  /** Never read outside the workspace folders (in Node, not even through a symlinked file). */
  private inWorkspace(path: string): boolean {
    return this.platform.workspace.mayRead(path, this.roots());
  }

  private displayDir(path: string): string {
    for (const root of this.roots()) {
      const prefix = root.endsWith('/') ? root : `${root}/`;
      if (path.startsWith(prefix)) return path.slice(prefix.length) || '.';
      if (path === root) return '.';
    }
    return path;
  }
}
