// What the Node and the browser clients share: the language client's options and lifecycle, the status
// bar, the output channel and the commands. Each entry (extension.ts, browserExtension.ts) only says
// how to start the server: a Node process or a web worker.
import * as vscode from 'vscode';
import { BaseLanguageClient, LanguageClientOptions, State, WorkDoneProgress } from 'vscode-languageclient';
import { crashHandler } from './crashHandler';
import { RestartBudget } from './restartBudget';

/** Sent when the user trusts the workspace (server/src/lsp/server.ts). */
const WORKSPACE_TRUSTED_NOTIFICATION = 'gohazard/workspaceTrusted';

export interface ServerLauncher {
  documentSelector: NonNullable<LanguageClientOptions['documentSelector']>;
  initializationOptions: object;
  /** A language client for a new server (not started), with its way to restart and what frees its server. */
  newClient(options: LanguageClientOptions): LaunchedClient;
  /** Replaces the status bar tooltip's line about an unknown installed toolchain (the browser cannot run go). */
  installedToolchainNote?: string;
}

export interface LaunchedClient {
  client: BaseLanguageClient;
  /**
   * Restarts the server with the same client (Node: a new process). Without it, "Restart" disposes the
   * client and makes a new one (a web worker that has ended cannot serve again).
   */
  restart?(): Promise<void>;
  /** Frees the server once the client has stopped (the browser terminates the worker). */
  dispose?(): void;
}

let client: BaseLanguageClient | undefined;
let launched: LaunchedClient | undefined;
let clientSubscriptions: vscode.Disposable[] = [];
let status: vscode.StatusBarItem | undefined;
let launcher: ServerLauncher | undefined;
let output: vscode.OutputChannel | undefined;
/** Crashes counted across the restarts of one client; the restart command starts the count anew. */
const restartBudget = new RestartBudget();

export async function activateGohazard(context: vscode.ExtensionContext, serverLauncher: ServerLauncher): Promise<void> {
  launcher = serverLauncher;
  output = vscode.window.createOutputChannel('gohazard');
  status = vscode.window.createStatusBarItem('gohazard.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'gohazard';
  status.command = 'gohazard.showOutput';
  upgradeResults = vscode.languages.createDiagnosticCollection('gohazard upgrade impact');
  context.subscriptions.push(output, status, upgradeResults);
  context.subscriptions.push(
    vscode.window.onDidChangeActiveTextEditor(() => void updateStatus()),
    // A //go:build line edited in the active file changes its version: refresh once typing pauses.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) scheduleStatusUpdate();
    }),
    vscode.commands.registerCommand('gohazard.openVersionSource', openVersionSource),
    vscode.commands.registerCommand('gohazard.showOutput', () => output!.show(true)),
    vscode.commands.registerCommand('gohazard.scanWorkspace', () => scanWorkspace()),
    vscode.commands.registerCommand('gohazard.upgradeImpact', (uri?: vscode.Uri) => showUpgradeImpact(upgradeResults!, uri)),
    vscode.commands.registerCommand('gohazard.toggleAllocations', (uri?: vscode.Uri) => toggleAllocations(uri ?? vscode.window.activeTextEditor?.document.uri)),
    vscode.commands.registerCommand('gohazard.toggleAllocationsWorkspace', () => toggleAllocations(undefined)),
    vscode.commands.registerCommand('gohazard.restartServer', async () => {
      output!.appendLine('restarting the gohazard language server');
      await restart();
    }),
    // Restricted mode lifted: the running server may now read the installed toolchain's version.
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (client?.state === State.Running) void client.sendNotification(WORKSPACE_TRUSTED_NOTIFICATION);
    }),
  );
  createClient();
  void updateStatus();
  await client!.start();
}

export async function deactivateGohazard(): Promise<void> {
  await stopClient('stop');
}

function createClient(): void {
  const options: LanguageClientOptions = {
    documentSelector: launcher!.documentSelector,
    outputChannel: output,
    // Read at each (re)start: trust granted meanwhile counts.
    initializationOptions: () => ({ ...launcher!.initializationOptions, trusted: vscode.workspace.isTrusted }),
    // A crashed server is restarted a bounded number of times, each crash said in the output channel.
    errorHandler: crashHandler(output!, restartBudget),
  };
  launched = launcher!.newClient(options);
  client = launched.client;
  clientSubscriptions = [
    client.onDidChangeState(() => void updateStatus()),
    client.onNotification('gohazard/toolchainChanged', () => {
      // A go.mod or go.work changed: an upgrade-impact list made before may describe another version.
      upgradeResults?.clear();
      void updateStatus();
    }),
  ];
}

/** Stops the server; `dispose` also frees the client, which will not start again. */
async function stopClient(how: 'stop' | 'dispose'): Promise<void> {
  const stopping = client;
  client = undefined;
  clientSubscriptions.forEach((s) => s.dispose());
  clientSubscriptions = [];
  try {
    await (how === 'stop' ? stopping?.stop() : stopping?.dispose());
  } finally {
    launched?.dispose?.();
    launched = undefined;
  }
}

async function restart(): Promise<void> {
  restartBudget.reset();
  if (client && launched?.restart) {
    await launched.restart();
    return;
  }
  await stopClient('dispose');
  createClient();
  void updateStatus();
  await client!.start();
}

interface AllocationsState {
  workspace: boolean;
  files: string[];
}

/**
 * Shows or hides every predicted heap allocation (the allocations view) in one file, or with no uri
 * in every file; returns the new state. By default only allocations in hot code are findings.
 */
async function toggleAllocations(uri: vscode.Uri | undefined): Promise<AllocationsState | undefined> {
  if (!client) return undefined;
  const state = await client.sendRequest<AllocationsState>('gohazard/allocations', uri ? { uri: uri.toString() } : {});
  const shown = uri ? state.files.includes(uri.toString()) : state.workspace;
  const where = uri ? uri.path.split('/').pop() : 'the workspace';
  vscode.window.setStatusBarMessage(`gohazard: ${shown ? 'showing every predicted heap allocation in' : 'allocations hidden in'} ${where}`, 5000);
  return state;
}

interface UpgradeImpactResult {
  goMod: string;
  upToDate: boolean;
  loops: number;
  summary: string;
  changes: { uri: string; range: vscode.Range; message: string }[];
}

/**
 * Sends a long request with a cancellable progress notification fed by the server's work-done
 * progress; cancelling the notification cancels the request.
 */
async function requestWithProgress<R>(title: string, method: string, params: object): Promise<R | null> {
  const token = `gohazard-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const current = client!;
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, cancel) => {
    let last = 0;
    const listener = current.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind !== 'report') return;
      progress.report({ message: value.message, increment: value.percentage !== undefined ? value.percentage - last : undefined });
      last = value.percentage ?? last;
    });
    try {
      return await current.sendRequest<R | null>(method, { ...params, workDoneToken: token }, cancel);
    } finally {
      listener.dispose();
    }
  });
}

interface ScanSummary {
  files: number;
  findings: Record<string, number>;
  milliseconds: number;
  cancelled: boolean;
  summary: string;
}

/** Scans every Go file of the workspace; findings of files that are not open appear in the Problems panel. */
async function scanWorkspace(): Promise<ScanSummary | undefined> {
  if (!client) return undefined;
  const result = await requestWithProgress<ScanSummary>('gohazard: scanning the workspace', 'gohazard/scanWorkspace', {});
  if (result) void vscode.window.showInformationMessage(`gohazard: ${result.summary}`);
  return result ?? undefined;
}

/** Asks the server which loops of the module change meaning at go 1.22 and lists them in the Problems panel. */
async function showUpgradeImpact(results: vscode.DiagnosticCollection, target?: vscode.Uri): Promise<UpgradeImpactResult | undefined> {
  const uri = target ?? vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!client || !uri) {
    void vscode.window.showWarningMessage('gohazard: open a Go file of the module first.');
    return undefined;
  }
  const converter = client.protocol2CodeConverter;
  const result = await requestWithProgress<UpgradeImpactResult>('gohazard: upgrade impact', 'gohazard/upgradeImpact', { uri: uri.toString() });
  results.clear();
  if (!result) return undefined;
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const change of result.changes) {
    const d = new vscode.Diagnostic(converter.asRange(change.range), change.message, vscode.DiagnosticSeverity.Information);
    d.source = 'gohazard upgrade impact';
    d.code = 'loopvar/semantics-change';
    byFile.set(change.uri, [...(byFile.get(change.uri) ?? []), d]);
  }
  for (const [file, diagnostics] of byFile) results.set(vscode.Uri.parse(file), diagnostics);
  const show = result.changes.length > 0 ? 'Show in Problems' : undefined;
  void vscode.window.showInformationMessage(`gohazard: ${result.summary}`, ...(show ? [show] : [])).then((choice) => {
    if (choice === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return result;
}

interface ToolchainReport {
  summary: string;
  details: string;
  needsNewerToolchain: boolean;
  requiredToolchain?: string;
  installedToolchain?: string;
  sourceUri?: string;
  source: { line?: number };
}

let statusTimer: ReturnType<typeof setTimeout> | undefined;
/** The last upgrade-impact list in the Problems panel, until the module's version changes. */
let upgradeResults: vscode.DiagnosticCollection | undefined;

function scheduleStatusUpdate(): void {
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = setTimeout(() => void updateStatus(), 300);
}

async function openVersionSource(uri?: string, line?: number): Promise<void> {
  if (!uri) return;
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri));
  const position = new vscode.Position(line ?? 0, 0);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

/** The report's details as tooltip paragraphs, with the host's word on the installed toolchain when it cannot know it. */
function tooltipLines(report: ToolchainReport): string[] {
  const note = launcher?.installedToolchainNote;
  const lines = report.details.split('\n');
  if (!note || report.installedToolchain) return lines;
  const unknown = lines.findIndex((l) => l.startsWith('Installed toolchain: unknown'));
  if (unknown >= 0) lines[unknown] = note;
  else lines.push(note);
  return lines;
}

/** The status bar shows the active Go file's version and loop semantics, asked from the server. */
async function updateStatus(): Promise<void> {
  if (!status) return;
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'go') {
    status.hide();
    return;
  }
  const current = client;
  const state = current?.state;
  if (current && state === State.Running) {
    const uri = editor.document.uri.toString();
    const report = await current.sendRequest<ToolchainReport | null>('gohazard/toolchain', { uri }).catch(() => null);
    if (vscode.window.activeTextEditor?.document.uri.toString() !== uri) return;
    if (report) {
      status.text = `${report.needsNewerToolchain ? '$(warning)' : '$(versions)'} ${report.summary}`;
      const tooltip = new vscode.MarkdownString(tooltipLines(report).join('\n\n'));
      tooltip.appendMarkdown('\n\n_Click to open the directive that decides this._');
      status.tooltip = tooltip;
      status.command = report.sourceUri ? { title: 'Open version source', command: 'gohazard.openVersionSource', arguments: [report.sourceUri, report.source.line ?? 0] } : 'gohazard.showOutput';
    } else {
      status.text = '$(shield) gohazard';
      status.tooltip = 'gohazard is analysing Go files. Click to show its output.';
      status.command = 'gohazard.showOutput';
    }
  } else if (state === State.Starting) {
    status.text = '$(sync~spin) gohazard';
    status.tooltip = 'gohazard is starting.';
  } else {
    status.text = '$(error) gohazard';
    status.tooltip = 'The gohazard language server is not running. Click to show its output.';
    status.command = 'gohazard.showOutput';
  }
  status.show();
}
