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
  };
  client = new LanguageClient('gohazard', 'gohazard', serverOptions, clientOptions);
  context.subscriptions.push(
    client.onDidChangeState(() => updateStatus()),
    vscode.window.onDidChangeActiveTextEditor(() => updateStatus()),
    vscode.commands.registerCommand('gohazard.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('gohazard.upgradeImpact', (uri?: vscode.Uri) => showUpgradeImpact(upgradeResults, uri)),
    vscode.commands.registerCommand('gohazard.restartServer', async () => {
      output.appendLine('restarting the gohazard language server');
      await client?.restart();
    }),
  );
  updateStatus();
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

/** Asks the server which loops of the module change meaning at go 1.22 and lists them in the Problems panel. */
async function showUpgradeImpact(results: vscode.DiagnosticCollection, target?: vscode.Uri): Promise<UpgradeImpactResult | undefined> {
  const uri = target ?? vscode.window.activeTextEditor?.document.uri ?? vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!client || !uri) {
    void vscode.window.showWarningMessage('gohazard: open a Go file of the module first.');
    return undefined;
  }
  const token = `gohazard-upgrade-${Date.now()}`;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'gohazard: upgrade impact', cancellable: true },
    async (progress, cancel) => {
      let last = 0;
      const listener = client!.onProgress(WorkDoneProgress.type, token, (value) => {
        if (value.kind !== 'report') return;
        progress.report({ message: value.message, increment: value.percentage !== undefined ? value.percentage - last : undefined });
        last = value.percentage ?? last;
      });
      try {
        return await client!.sendRequest<UpgradeImpactResult | null>('gohazard/upgradeImpact', { uri: uri.toString(), workDoneToken: token }, cancel);
      } finally {
        listener.dispose();
      }
    },
  );
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

function updateStatus(): void {
  if (!status) return;
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'go') {
    status.hide();
    return;
  }
  const state = client?.state;
  if (state === State.Running) {
    status.text = '$(shield) gohazard';
    status.tooltip = 'gohazard is analysing Go files. Click to show its output.';
  } else if (state === State.Starting) {
    status.text = '$(sync~spin) gohazard';
    status.tooltip = 'gohazard is starting.';
  } else {
    status.text = '$(error) gohazard';
    status.tooltip = 'The gohazard language server is not running. Click to show its output.';
  }
  status.show();
}
