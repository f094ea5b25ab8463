// The language server's host in a web worker (VS Code for the web): files come from the client through
// the gohazard/fs/* requests, the grammar's bytes with the initialization options, and the workspace
// scan runs in this worker. No program can run, so the installed Go toolchain stays unknown.
import type { Connection } from 'vscode-languageserver';
import { GoGrammar } from '../engine/grammar';
import { matchesAny } from '../engine/glob';
import { dirname } from '../engine/paths';
import type { ProjectHost } from '../engine/project';
import type { ServerHost, WorkspaceHost } from '../lsp/host';
import { isListedGoFile } from '../workspace/goFileNames';
import type { ModuleSources } from '../workspace/upgradeImpact';
import { startBatchScan } from './batchScan';
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
} from './fsProtocol';
import { gunzipStream } from './gunzipStream';
import { UriPaths } from './uriPaths';

/** Directories the go command skips, left out of findFiles already (isListedGoFile decides). */
const SKIPPED_BY_GO = '{**/.*/**,**/_*/**,**/testdata/**,**/vendor/**}';

/** Set by scripts/bundle.mjs from package.json. */
declare const GOHAZARD_VERSION: string | undefined;

export interface WorkerGlobal {
  addEventListener(type: 'unhandledrejection', listener: (event: { reason: unknown; preventDefault(): void }) => void): void;
}

export function browserServerHost(connection: Connection, worker: WorkerGlobal): ServerHost {
  const uris = new UriPaths();
  let grammar: GoGrammar | undefined;

  const files: ProjectHost = {
    async readFile(path) {
      const text = await connection.sendRequest<string | null>(READ_FILE_REQUEST, { uri: uris.toUri(path) } satisfies ReadFileParams).catch(() => null);
      return text ?? undefined;
    },
    async readBinaryFile(path, maxBytes) {
      const result = await connection.sendRequest<ReadBinaryFileResult>(READ_BINARY_FILE_REQUEST, { uri: uris.toUri(path), maxBytes } satisfies ReadBinaryFileParams).catch(() => null);
      if (!result) return undefined;
      if ('tooLarge' in result) throw new Error(`${result.tooLarge} bytes, more than the ${maxBytes} gohazard reads`);
      return fromBase64(result.base64);
    },
    gunzip: gunzipStream,
    async listDirectory(dir) {
      const names = await connection.sendRequest<string[] | null>(READ_DIRECTORY_REQUEST, { uri: uris.toUri(dir) } satisfies ReadDirectoryParams).catch(() => null);
      return names ?? undefined;
    },
  };

  const findPaths = async (include: string, exclude?: string): Promise<string[]> => {
    const found = await connection.sendRequest<string[]>(FIND_FILES_REQUEST, { include, exclude } satisfies FindFilesParams);
    return found.map((u) => uris.toPath(u)).filter((p): p is string => p !== undefined);
  };

  const underRoot = (path: string, root: string): string | undefined => {
    const prefix = root.endsWith('/') ? root : `${root}/`;
    return path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
  };

  const workspace: WorkspaceHost = {
    async listGoFiles(roots, exclude) {
      const listed = new Set<string>();
      for (const path of await findPaths('**/*.go', SKIPPED_BY_GO)) {
        for (const root of roots) {
          const rel = underRoot(path, root);
          if (rel !== undefined && isListedGoFile(rel) && !matchesAny(rel, exclude)) listed.add(path);
        }
      }
      return [...listed].sort();
    },
    // No symlinks to escape through: the client reads inside the workspace folders only.
    mayRead: (path, roots) => roots.some((root) => underRoot(path, root) !== undefined),
    startScan: (request) => startBatchScan(grammar!, files, request, (m) => connection.console.log(m)),
  };

  const moduleSources: ModuleSources = {
    async moduleGoFiles(moduleDir, problems) {
      const [goFiles, goMods] = await Promise.all([findPaths('**/*.go', SKIPPED_BY_GO), findPaths('**/go.mod', SKIPPED_BY_GO)]);
      const nested = goMods.map(dirname).filter((d) => d !== moduleDir && underRoot(d, moduleDir) !== undefined);
      if (goFiles.length === 0) problems.push({ path: moduleDir, message: 'no Go files found through the workspace file search' });
      return goFiles
        .filter((f) => {
          const rel = underRoot(f, moduleDir);
          return rel !== undefined && isListedGoFile(rel) && !nested.some((d) => underRoot(f, d) !== undefined);
        })
        .sort();
    },
    async readGoSource(path, problems) {
      const text = await files.readFile(path);
      if (text === undefined) problems.push({ path, message: 'cannot read' });
      else if (text.includes('\0')) problems.push({ path, message: 'skipped: contains NUL bytes (not Go source)' });
      else return { text };
      return undefined;
    },
  };

  return {
    version: typeof GOHAZARD_VERSION === 'string' ? GOHAZARD_VERSION : 'dev',
    files,
    async loadGrammar(initializationOptions) {
      const bytes = (initializationOptions as BrowserInitializationOptions | undefined)?.grammar;
      if (!bytes) throw new Error('the client sent no grammar (initializationOptions.grammar)');
      grammar = await GoGrammar.load({ language: fromBase64(bytes.language), runtime: fromBase64(bytes.runtime) });
      return grammar;
    },
    uriToPath: (uri) => uris.toPath(uri),
    pathToUri: (path) => uris.toUri(path),
    setWorkspaceFolders: (folders) => uris.setWorkspaceFolders(folders),
    toolchainUnavailable: 'in the browser gohazard cannot run the go command',
    moduleSources,
    workspace,
    // A zero timeout lets the worker's queued messages run first (browsers clamp nested ones to 4 ms,
    // which a time slice of several ms makes rare).
    yieldToEventLoop: () => new Promise((resolve) => setTimeout(resolve, 0)),
    onUnhandledRejection(listener) {
      worker.addEventListener('unhandledrejection', (event) => {
        event.preventDefault();
        listener(event.reason);
      });
    },
  };
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
