// The workspace scan (`gohazard/scanWorkspace`): every .go file of the workspace folders, on worker
// threads, with work-done progress (percentage, current directory) and cancellation. Files open in the
// editor keep their live diagnostics; the others get the scan's. After a scan, files that change on
// disk are scanned again (and deleted ones cleared), and a go.mod change re-scans what was scanned.
import { realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CancellationToken, Connection, Diagnostic, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { EngineConfig } from '../engine/config';
import { matchesAny } from '../engine/glob';
import type { Project } from '../engine/project';
import { familyOf } from '../engine/rule';
import type { Finding } from '../engine/types';
import { fromEnginePath, toEnginePath } from '../node/nodeHost';
import { ScanHandle } from '../workspace/scanner';
import type { FileResult } from '../workspace/scanProtocol';
import { goFilesOf } from '../workspace/walk';

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
}

export class WorkspaceScan {
  /** Engine paths of the files the last scan covered, to re-scan them after changes. */
  private readonly scanned = new Set<string>();
  private running: ScanHandle | undefined;

  constructor(
    private readonly connection: Connection,
    private readonly project: () => Project | undefined,
    private readonly roots: () => string[],
    private readonly settings: () => Promise<ScanSettings>,
    private readonly isOpen: (path: string) => boolean,
    private readonly toDiagnostic: (f: Finding) => Diagnostic,
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
    const files = await this.workspaceFiles();
    const { config } = await this.settings();
    const findings: Record<string, number> = {};
    const handle = new ScanHandle({
      files,
      config,
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
      for (const r of outcome.results) this.scanned.add(toEnginePath(r.file));
      const milliseconds = Date.now() - started;
      const counts = Object.entries(findings).map(([family, n]) => `${n} ${family}`).join(', ') || 'no findings';
      const summary = `${outcome.cancelled ? 'Cancelled after' : 'Scanned'} ${outcome.results.length} of ${files.length} Go files in ${(milliseconds / 1000).toFixed(1)} s: ${counts}.`;
      this.log(summary);
      return { files: outcome.results.length, findings, milliseconds, cancelled: outcome.cancelled, summary };
    } finally {
      cancelListeners.forEach((l) => l?.dispose());
      if (this.running === handle) this.running = undefined;
    }
  }

  /** After files changed on disk: scan again those the last scan covered (or new ones in the workspace). */
  async rescan(paths: string[], deleted: string[]): Promise<void> {
    if (this.scanned.size === 0) return;
    for (const path of deleted) {
      if (this.scanned.delete(path)) void this.connection.sendDiagnostics({ uri: pathToFileURL(fromEnginePath(path)).toString(), diagnostics: [] });
    }
    const files = paths.filter((p) => p.endsWith('.go') && !this.isOpen(p) && this.inWorkspace(p));
    if (files.length === 0) return;
    const { config } = await this.settings();
    const outcome = await new ScanHandle({ files: files.map(fromEnginePath), config, toolchain: this.project()?.toolchain, threads: 1, onResults: (results) => this.publish(results) }).done;
    for (const r of outcome.results) this.scanned.add(toEnginePath(r.file));
  }

  /** A go.mod or go.work changed: every scanned file may have another version now. */
  rescanAll(): Promise<void> {
    return this.rescan([...this.scanned], []);
  }

  /** A file closed in the editor goes back to its scanned diagnostics. */
  fileClosed(path: string): void {
    if (this.scanned.has(path)) void this.rescan([path], []);
  }

  private publish(results: FileResult[]): void {
    for (const r of results) {
      const path = toEnginePath(r.file);
      if (this.isOpen(path)) continue;
      void this.connection.sendDiagnostics({ uri: pathToFileURL(r.file).toString(), diagnostics: r.findings.map(this.toDiagnostic) });
    }
  }

  private async workspaceFiles(): Promise<string[]> {
    const { exclude } = await this.settings();
    const files: string[] = [];
    for (const root of this.roots()) {
      const problems: { path: string; message: string }[] = [];
      for (const file of await goFilesOf([`${fromEnginePath(root)}/...`], problems)) {
        const rel = toEnginePath(relative(fromEnginePath(root), file));
        if (matchesAny(rel, exclude)) continue;
        if (this.inWorkspace(toEnginePath(file))) files.push(file);
      }
      for (const p of problems) this.log(`scan: ${p.path}: ${p.message}`);
    }
    return files;
  }

  /** Never read outside the workspace folders, even through a symlinked file. */
  private inWorkspace(path: string): boolean {
    let real: string;
    try {
      real = toEnginePath(realpathSync(fromEnginePath(path)));
    } catch {
      return false;
    }
    return this.roots().some((root) => {
      let realRoot = root;
      try {
        realRoot = toEnginePath(realpathSync(fromEnginePath(root)));
      } catch {
        // the root itself is gone: nothing under it is readable anyway
      }
      return real === realRoot || real.startsWith(`${realRoot}/`);
    });
  }

  private displayDir(dir: string): string {
    const path = toEnginePath(dir);
    for (const root of this.roots()) if (path.startsWith(`${root}/`)) return path.slice(root.length + 1);
    return path;
  }
}
