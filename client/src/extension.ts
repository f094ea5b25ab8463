// The VS Code side of gohazard: starts the language server, owns the UI (status bar, output channel,
// commands) and nothing else. All analysis happens in the server.
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;
let status: vscode.StatusBarItem | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('gohazard');
  status = vscode.window.createStatusBarItem('gohazard.status', vscode.StatusBarAlignment.Right, 100);
  status.name = 'gohazard';
  status.command = 'gohazard.showOutput';
  context.subscriptions.push(output, status);

  const serverModule = context.asAbsolutePath('out/server/src/lsp/main.js');
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
