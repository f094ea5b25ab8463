// The VS Code side of gohazard: starts the language server, owns the UI (status bar, output channel,
// commands) and nothing else. All analysis happens in the server.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind, WorkDoneProgress } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('gohazard');
  status = vscode.window.createStatusBarItem('gohazard.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'gohazard';
  status.command = 'gohazard.showOutput';
  const upgradeResults = vscode.languages.createDiagnosticCollection('gohazard upgrade impact');
  context.subscriptions.push(output, status, upgradeResults);

  // The .vsix ships the esbuild bundle (npm run bundle); a development checkout may only have tsc's out/.
  const bundled = context.asAbsolutePath('dist/server.js');
  const serverModule = existsSync(bundled) ? bundled : context.asAbsolutePath('out/server/src/lsp/main.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'go' },
      // go.mod and go.work decide the files' Go version: their unsaved edits count too.
      { scheme: 'file', pattern: '**/go.mod' },
      { scheme: 'file', pattern: '**/go.work' },
    ],
    outputChannel: output,
    // Restricted mode: the server still analyses, but runs no program (not even `go env GOVERSION`).
    initializationOptions: { trusted: vscode.workspace.isTrusted },
  };
  client = new LanguageClient('gohazard', 'gohazard', serverOptions, clientOptions);
  context.subscriptions.push(
    client.onDidChangeState(() => void updateStatus()),
    client.onNotification('gohazard/toolchainChanged', () => void updateStatus()),
    vscode.window.onDidChangeActiveTextEditor(() => void updateStatus()),
    // A //go:build line edited in the active file changes its version: refresh once typing pauses.
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) scheduleStatusUpdate();
    }),
    vscode.commands.registerCommand('gohazard.openVersionSource', openVersionSource),
    vscode.commands.registerCommand('gohazard.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('gohazard.scanWorkspace', () => scanWorkspace()),
    vscode.commands.registerCommand('gohazard.upgradeImpact', (uri?: vscode.Uri) => showUpgradeImpact(upgradeResults, uri)),
    vscode.commands.registerCommand('gohazard.restartServer', async () => {
      output.appendLine('restarting the gohazard language server');
      await client?.restart();
    }),
  );
  void updateStatus();
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
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
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, cancel) => {
    let last = 0;
    const listener = client!.onProgress(WorkDoneProgress.type, token, (value) => {
      if (value.kind !== 'report') return;
      progress.report({ message: value.message, increment: value.percentage !== undefined ? value.percentage - last : undefined });
      last = value.percentage ?? last;
    });
    try {
      return await client!.sendRequest<R | null>(method, { ...params, workDoneToken: token }, cancel);
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
  const result = await requestWithProgress<UpgradeImpactResult>('gohazard: upgrade impact', 'gohazard/upgradeImpact', { uri: uri.toString() });
  results.clear();
  if (!result) return undefined;
  const byFile = new Map<string, vscode.Diagnostic[]>();
  for (const change of result.changes) {
    const d = new vscode.Diagnostic(client.protocol2CodeConverter.asRange(change.range), change.message, vscode.DiagnosticSeverity.Information);
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
  sourceUri?: string;
  source: { line?: number };
}

let statusTimer: NodeJS.Timeout | undefined;

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

/** The status bar shows the active Go file's version and loop semantics, asked from the server. */
async function updateStatus(): Promise<void> {
  if (!status) return;
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'go') {
    status.hide();
    return;
  }
  const state = client?.state;
  if (state === State.Running) {
    const uri = editor.document.uri.toString();
    const report = await client!.sendRequest<ToolchainReport | null>('gohazard/toolchain', { uri }).catch(() => null);
    if (vscode.window.activeTextEditor?.document.uri.toString() !== uri) return;
    if (report) {
      status.text = `${report.needsNewerToolchain ? '$(warning)' : '$(versions)'} ${report.summary}`;
      const tooltip = new vscode.MarkdownString(report.details.split('\n').join('\n\n'));
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
