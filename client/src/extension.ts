// The VS Code side of gohazard on desktop (and code-server): starts the language server as a Node
// process; the UI (status bar, output channel, commands) is shared with the browser entry (ui.ts).
// All analysis happens in the server.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { ServerExits } from './serverExits';
import { activateGohazard, deactivateGohazard } from './ui';

/** The language client, except that the clean exit of a server it was asked to stop is not logged as an error. */
class GohazardClient extends LanguageClient {
  private readonly exits = new ServerExits();

  constructor(serverOptions: ServerOptions, clientOptions: LanguageClientOptions) {
    super('gohazard', 'gohazard', serverOptions, clientOptions);
  }

  // restart(), dispose() and deactivation all stop through here.
  override stop(timeout?: number): Promise<void> {
    if (this.state === State.Running) this.exits.stopRequested();
    return super.stop(timeout);
  }

  override error(message: string, data?: unknown, showNotification?: boolean | 'force'): void {
    if (this.exits.levelOf(message) === 'info') this.info(`${message.replace(/\.$/, '')}, as requested.`, data, false);
    else super.error(message, data, showNotification);
  }
}

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
      const client = new GohazardClient(serverOptions, clientOptions);
      return { client, restart: () => client.restart() };
    },
  });
}

export function deactivate(): Promise<void> {
  return deactivateGohazard();
}
