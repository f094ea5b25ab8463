// What the language server needs from the platform it runs on. The server itself (server.ts and its
// services) imports nothing Node-only, so the same code runs as a Node process (server/src/node/
// lspServer.ts) and in a web worker of VS Code for the web (server/src/browser/main.ts); each hands in
// a ServerHost. Paths are engine paths (slash-separated); the host maps them to and from URIs.
import type { EngineConfig } from '../engine/config';
import type { GoGrammar } from '../engine/grammar';
import type { ProjectHost } from '../engine/project';
import type { SummaryStore } from '../engine/packageIndex';
import type { Finding } from '../engine/types';
import type { ToolchainKnowledge } from '../toolchain/facts';
import type { ModuleSources } from '../workspace/upgradeImpact';

export interface ServerHost {
  /** The extension's version, for the log and serverInfo. */
  readonly version: string;
  /** The files of the workspace by engine path (on disk, or through the client's file system API), and gzip decompression. */
  readonly files: ProjectHost;
  /** The Go grammar; `initializationOptions` are the client's (the browser client sends the grammar's bytes there). */
  loadGrammar(initializationOptions: unknown): Promise<GoGrammar>;
  /** The engine path of a document URI, or undefined for URIs the server does not analyse. */
  uriToPath(uri: string): string | undefined;
  pathToUri(path: string): string;
  /**
   * Called with the workspace folders' URIs at initialisation, before any other mapping (the browser
   * host learns there which scheme and authority its paths belong to).
   */
  setWorkspaceFolders?(uris: string[]): void;
  /**
   * Reads the installed go command's version. Absent where no program can run (the browser); then
   * `toolchainUnavailable` says why, for the log.
   */
  probeToolchain?(goPath: string): Promise<{ found: { version: string; minor: number; goToolchainEnv?: string } } | { error: string }>;
  readonly toolchainUnavailable?: string;
  /** Module-wide file listing for the upgrade impact. */
  readonly moduleSources: ModuleSources;
  /** Workspace-wide listing and scanning for gohazard/scanWorkspace. */
  readonly workspace: WorkspaceHost;
  /** The process's memory, for gohazard/stats (where the platform can tell). */
  memoryUsage?(): { rss: number; heapUsed: number; external: number };
  /**
   * Where the package index keeps the summaries of files between sessions (the scan cache, outside the
   * workspace folders), so that opening a file of a large package is fast on a fresh server too.
   */
  summaryStore?(roots: string[], log: (message: string) => void): SummaryStore | undefined;
  /** Lets queued messages and timers run, then resolves (between time slices of an analysis). */
  yieldToEventLoop(): Promise<void>;
  /** A failure nobody awaited must be logged, never take the server down. */
  onUnhandledRejection(listener: (reason: unknown) => void): void;
}

export interface WorkspaceHost {
  /**
   * Every Go file of the workspace folders (engine paths, sorted) with the go command's skip rules
   * (testdata, vendor, names starting with `.` or `_`) and without the files `exclude` matches
   * (relative to their folder).
   */
  listGoFiles(roots: string[], exclude: RegExp[], log: (message: string) => void): Promise<string[]>;
  /** Whether the scan may read this file: it lies inside a workspace folder (for real, not through a symlink). */
  mayRead(path: string, roots: string[]): boolean;
  /** Starts analysing files; results arrive per directory, so that a package is indexed once. */
  startScan(request: HostScanRequest): RunningScan;
}

export interface HostScanRequest {
  /** Engine paths. */
  files: string[];
  config: EngineConfig;
  /** The configuration of the files of some directories (engine paths), when not `config` (.gohazard.json). */
  configByDir?: ReadonlyMap<string, EngineConfig>;
  toolchain?: ToolchainKnowledge;
  /** At most this many threads (Node); re-scans of a few files use one. */
  threads?: number;
  /** The workspace folders: a host with a scan cache keeps it outside them. */
  roots: string[];
  /** For what the user should know about the scan's setup (e.g. why it runs without a cache). */
  log?(message: string): void;
  onResults(results: ScannedFile[]): void;
  onProgress?(done: number, total: number, dir: string): void;
}

export interface ScannedFile {
  path: string;
  findings: Finding[];
}

export interface RunningScan {
  /**
   * The engine paths of the files analysed, whether the scan stopped early, and with a scan cache
   * (Node), how many files' findings came from it and how many were analysed.
   */
  readonly done: Promise<{ paths: string[]; cancelled: boolean; cache?: { hits: number; misses: number } }>;
  cancel(): void;
}

/** A Node timer must not keep the process alive; a browser timer is a number. */
export function unrefTimer(timer: unknown): void {
  (timer as { unref?: () => void }).unref?.();
}
