// The VS Code side of gohazard on desktop (and code-server): starts the language server as a Node
// process; the UI (status bar, output channel, commands) is shared with the browser entry (ui.ts).
// All analysis happens in the server.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, ServerOptions, TransportKind } from 'vscode-languageclient/node';
import { activateGohazard, deactivateGohazard } from './ui';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  // The .vsix ships the esbuild bundle (npm run bundle); a development checkout may only have tsc's out/.
  const bundled = context.asAbsolutePath('dist/server.js');
  const serverModule = existsSync(bundled) ? bundled : context.asAbsolutePath('out/server/src/lsp/main.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  await activateGohazard(context, {
    documentSelector: [
      { scheme: 'file', language: 'go' },
      // go.mod and go.work decide the files' Go version: their unsaved edits count too.
      { scheme: 'file', pattern: '**/go.mod' },
      { scheme: 'file', pattern: '**/go.work' },
    ],
    // Restricted mode: the server still analyses, but runs no program (not even `go env GOVERSION`).
    initializationOptions: { trusted: vscode.workspace.isTrusted },
    newClient(clientOptions) {
      const client = new LanguageClient('gohazard', 'gohazard', serverOptions, clientOptions);
      return { client, restart: () => client.restart() };
    },
  });
}

export function deactivate(): Promise<void> {
  return deactivateGohazard();
}
