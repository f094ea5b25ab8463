// The VS Code side of gohazard in VS Code for the web (vscode.dev, github.dev): the same UI as on
// desktop (ui.ts), with the language server in a web worker (dist/web/server.js). The worker has no
// disk: it asks for files through gohazard/fs/* requests, answered here with the VS Code file system
// API, and gets the grammar's WASM bytes, read from the extension's own files, with its initialization
// options. What needs a program (reading the installed go command's version) is not available.
import * as vscode from 'vscode';
import { LanguageClient } from 'vscode-languageclient/browser';
import {
  BrowserInitializationOptions,
  FIND_FILES_REQUEST,
  FindFilesParams,
  READ_BINARY_FILE_REQUEST,
  READ_DIRECTORY_REQUEST,
  READ_FILE_REQUEST,
  ReadBinaryFileParams,
  ReadBinaryFileResult,
  ReadDirectoryParams,
  ReadFileParams,
} from '../../server/src/browser/fsProtocol';
import { activateGohazard, deactivateGohazard } from './ui';

/** The web worker constructor of the browser extension host (the project compiles without the DOM library). */
declare const Worker: new (url: string, options?: { name?: string }) => { terminate(): void };

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverMain = vscode.Uri.joinPath(context.extensionUri, 'dist', 'web', 'server.js');
  const initializationOptions: BrowserInitializationOptions = {
    trusted: vscode.workspace.isTrusted,
    grammar: {
      language: await grammarBase64(context, 'tree-sitter-go.wasm'),
      runtime: await grammarBase64(context, 'tree-sitter.wasm'),
    },
  };
  // Documents of the schemes the workspace folders use (vscode-vfs for github.dev, …).
  const schemes = [...new Set((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.scheme))];
  const selectors = (scheme?: string) => [
    { scheme, language: 'go' },
    // go.mod and go.work decide the files' Go version: their unsaved edits count too.
    { scheme, pattern: '**/go.mod' },
    { scheme, pattern: '**/go.work' },
  ];
  await activateGohazard(context, {
    documentSelector: schemes.length > 0 ? schemes.flatMap(selectors) : selectors(),
    initializationOptions,
    newClient(clientOptions) {
      const worker = new Worker(serverMain.toString(true), { name: 'gohazard language server' });
      const client = new LanguageClient('gohazard', 'gohazard', clientOptions, worker as never);
      serveFiles(client);
      return { client, dispose: () => worker.terminate() };
    },
    installedToolchainNote:
      'Installed toolchain: unknown. In the browser gohazard cannot run the `go` command, so rules that depend on the toolchain assume the newest Go release gohazard knows.',
  });
}

export function deactivate(): Promise<void> {
  return deactivateGohazard();
}

async function grammarBase64(context: vscode.ExtensionContext, name: string): Promise<string> {
  return toBase64(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(context.extensionUri, 'grammars', name)));
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Answers the server's file requests; it may read inside the workspace folders only. */
function serveFiles(client: LanguageClient): void {
  const readable = (uri: vscode.Uri) => !vscode.workspace.workspaceFolders?.length || vscode.workspace.getWorkspaceFolder(uri) !== undefined;
  const utf8 = new TextDecoder('utf-8');
  client.onRequest(READ_FILE_REQUEST, async ({ uri }: ReadFileParams): Promise<string | null> => {
    const target = vscode.Uri.parse(uri);
    if (!readable(target)) return null;
    try {
      return utf8.decode(await vscode.workspace.fs.readFile(target));
    } catch {
      return null;
    }
  });
  client.onRequest(READ_BINARY_FILE_REQUEST, async ({ uri, maxBytes }: ReadBinaryFileParams): Promise<ReadBinaryFileResult> => {
    const target = vscode.Uri.parse(uri);
    if (!readable(target)) return null;
    try {
      const stat = await vscode.workspace.fs.stat(target);
      if (stat.size > maxBytes) return { tooLarge: stat.size };
      return { base64: toBase64(await vscode.workspace.fs.readFile(target)) };
    } catch {
      return null;
    }
  });
  client.onRequest(READ_DIRECTORY_REQUEST, async ({ uri }: ReadDirectoryParams): Promise<string[] | null> => {
    const target = vscode.Uri.parse(uri);
    if (!readable(target)) return null;
    try {
      return (await vscode.workspace.fs.readDirectory(target)).map(([name]) => name);
    } catch {
      return null;
    }
  });
  client.onRequest(FIND_FILES_REQUEST, async ({ include, exclude }: FindFilesParams): Promise<string[]> => {
    return (await vscode.workspace.findFiles(include, exclude ?? null)).map((u) => u.toString());
  });
}
