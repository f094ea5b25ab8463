// The language server's Node host: files from the disk, the grammar from grammars/, `go env GOVERSION`
// for the installed toolchain, and the workspace scan on worker threads.
import { realpathSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { matchesAny } from '../engine/glob';
import type { HostScanRequest, RunningScan, ServerHost, WorkspaceHost } from '../lsp/host';
import type { ModuleSources } from '../workspace/upgradeImpact';
import { readGoSource } from '../workspace/readSource';
import { ScanHandle, workerScript } from '../workspace/scanner';
import { goFilesOf, moduleGoFiles } from '../workspace/walk';
import { probeGoToolchain } from './goToolchain';
import { DEFAULT_CACHE_MAX_BYTES, DiskCache, prepareCacheDir, resolveCacheDir, trimCache } from './diskCache';
import { engineIdentity } from './engineIdentity';
import { ScanCache } from '../engine/scanCache';
import type { SummaryStore } from '../engine/packageIndex';
import { fromEnginePath, loadGrammar, nodeFileHost, packageVersion, toEnginePath } from './nodeHost';

export const nodeModuleSources: ModuleSources = {
  async moduleGoFiles(moduleDir, problems) {
    return (await moduleGoFiles(fromEnginePath(moduleDir), problems)).map((f) => toEnginePath(resolve(f)));
  },
  readGoSource: (path, problems) => readGoSource(fromEnginePath(path), problems),
};

/** Never read outside the workspace folders, even through a symlinked file. */
function mayRead(path: string, roots: string[]): boolean {
  let real: string;
  try {
    real = toEnginePath(realpathSync(fromEnginePath(path)));
  } catch {
    return false;
  }
  return roots.some((root) => {
    let realRoot = root;
    try {
      realRoot = toEnginePath(realpathSync(fromEnginePath(root)));
    } catch {
      // the root itself is gone: nothing under it is readable anyway
    }
    return real === realRoot || real.startsWith(`${realRoot}/`);
  });
}

const nodeWorkspace: WorkspaceHost = {
  async listGoFiles(roots, exclude, log) {
    const files: string[] = [];
    for (const root of roots) {
      const problems: { path: string; message: string }[] = [];
      for (const file of await goFilesOf([`${fromEnginePath(root)}/...`], problems)) {
        const rel = toEnginePath(relative(fromEnginePath(root), file));
        if (matchesAny(rel, exclude)) continue;
        const path = toEnginePath(file);
        if (mayRead(path, roots)) files.push(path);
      }
      for (const p of problems) log(`scan: ${p.path}: ${p.message}`);
    }
    return files;
  },
  mayRead,
  startScan(request: HostScanRequest): RunningScan {
    const cache = resolveCacheDir({ workspaces: request.roots.map(fromEnginePath) });
    if (cache.problem) request.log?.(`scan cache: ${cache.problem}`);
    const handle = new ScanHandle({
      files: request.files.map(fromEnginePath),
      config: request.config,
      configByDir: request.configByDir && new Map([...request.configByDir].map(([dir, config]) => [fromEnginePath(dir), config])),
      toolchain: request.toolchain,
      threads: request.threads,
      cache: cache.dir ? { dir: cache.dir, maxBytes: cache.maxBytes } : undefined,
      onResults: (results) => request.onResults(results.map((r) => ({ path: toEnginePath(r.file), findings: r.findings }))),
      onProgress: request.onProgress && ((done, total, dir) => request.onProgress!(done, total, toEnginePath(dir))),
    });
    return {
      done: handle.done.then((outcome) => ({ paths: outcome.results.map((r) => toEnginePath(r.file)), cancelled: outcome.cancelled, cache: outcome.cache && { hits: outcome.cache.hits, misses: outcome.cache.misses } })),
      cancel: () => handle.cancel(),
    };
  },
};

/**
 * The scan cache as the editor's store of package summaries: after each package load that wrote
 * entries, the cache is trimmed to its bound as a scan does.
 */
class EditorSummaryStore extends ScanCache {
  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
  ) {
    // The same identity as the scan's: the summaries a scan stored are used, and the other way round.
    super(new DiskCache(dir), engineIdentity(workerScript()));
  }

  endDirectory(): void {
    super.endDirectory();
    const { writtenBytes } = this.takeCounts();
    if (writtenBytes > 0) trimCache(this.dir, this.maxBytes, writtenBytes);
  }
}

function editorSummaryStore(roots: string[], log: (message: string) => void): SummaryStore | undefined {
  const cache = resolveCacheDir({ workspaces: roots.map(fromEnginePath) });
  if (cache.problem) log(`package summaries cache: ${cache.problem}`);
  if (!cache.dir || !prepareCacheDir(cache.dir)) return undefined;
  try {
    return new EditorSummaryStore(cache.dir, cache.maxBytes ?? DEFAULT_CACHE_MAX_BYTES);
  } catch (error) {
    log(`package summaries cache: gohazard's own files cannot be read to identify it (${(error as Error)?.message ?? error}); summarising without a cache`);
    return undefined;
  }
}

export const nodeServerHost: ServerHost = {
  get version() {
    return packageVersion();
  },
  files: nodeFileHost,
  loadGrammar: () => loadGrammar(),
  uriToPath(uri) {
    if (!uri.startsWith('file:')) return undefined;
    try {
      return toEnginePath(fileURLToPath(uri));
    } catch {
      return undefined;
    }
  },
  pathToUri: (path) => pathToFileURL(fromEnginePath(path)).toString(),
  probeToolchain: (goPath) => probeGoToolchain(goPath),
  moduleSources: nodeModuleSources,
  workspace: nodeWorkspace,
  summaryStore: editorSummaryStore,
  memoryUsage: () => {
    const { rss, heapUsed, external } = process.memoryUsage();
    return { rss, heapUsed, external };
  },
  // setImmediate runs after the I/O callbacks that read queued messages.
  yieldToEventLoop: () => new Promise((resolve) => setImmediate(resolve)),
  onUnhandledRejection: (listener) => process.on('unhandledRejection', listener),
};
