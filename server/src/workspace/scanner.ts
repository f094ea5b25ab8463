// Scans many Go files on worker threads (as many as the machine has cores), one directory per job so a
// package's index is built once, handing out directories as workers free up. Cancellation is a shared
// flag that workers read before each file, so a cancelled scan stops within one file's analysis.
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineConfig } from '../engine/config';
import { FactsContext, Project } from '../engine/project';
import { ruleDocs } from '../engine/analyzer';
import { addCounts, CacheCounts, configKey, emptyCounts, ScanCache } from '../engine/scanCache';
import { DiskCache, DEFAULT_CACHE_MAX_BYTES, prepareCacheDir, trimCache, TrimOutcome } from '../node/diskCache';
import { engineIdentity } from '../node/engineIdentity';
import { loadGrammar, nodeFileHost } from '../node/nodeHost';
import { threadCpuClock } from '../node/threadCpu';
import { allRules } from '../rules';
import { cachedDirectory, prepareScanProject, scanDirectory } from './scanDirectory';
import type { FileResult, ScanJob, WorkerInit, WorkerMessage } from './scanProtocol';

export interface ScanRequest {
  files: string[];
  config: EngineConfig;
  /** The configuration of the files of some directories (keyed like dirname(file)), when not `config`. */
  configByDir?: ReadonlyMap<string, EngineConfig>;
  toolchain?: WorkerInit['toolchain'];
  goMinor?: number;
  parseOnly?: boolean;
  maxFileBytes?: number;
  /** Defaults to the number of cores, but never more workers than directories; 0 scans in this thread. */
  threads?: number;
  /** The scan cache's directory (node/diskCache.ts resolveCacheDir), and its bound in bytes. */
  cache?: { dir: string; maxBytes?: number };
  /** Heap of each worker (V8 old generation) in MB, 0 for V8's default: a directory that needs more is tried again without the limit. */
  workerHeapMb?: number;
  onProgress?: (done: number, total: number, dir: string) => void;
  /** Results of each directory as soon as it is done (e.g. to publish diagnostics). */
  onResults?: (results: FileResult[]) => void;
}

export interface ScanOutcome {
  results: FileResult[];
  cancelled: boolean;
  threads: number;
  /** Directories whose worker died, tried again without the heap limit. */
  retried: string[];
  /** With a cache: hits and misses per file, entries ignored and written, and the trim that followed. */
  cache?: CacheCounts & { trim?: TrimOutcome };
}

export class ScanHandle {
  private readonly flag = new SharedArrayBuffer(4);
  readonly done: Promise<ScanOutcome>;

  constructor(request: ScanRequest) {
    this.done = runScan(request, this.flag);
  }

  cancel(): void {
    Atomics.store(new Int32Array(this.flag), 0, 1);
  }
}

/**
 * Old-generation limit of a scan worker: a backstop, not what bounds memory (a worker keeps one
 * directory's summaries and one declaration's model alive, below 110 MB of heap on the Go distribution);
 * a worker that still dies is retried once without it.
 */
const DEFAULT_WORKER_HEAP_MB = 384;
/**
 * Young generation of a scan worker: V8's default (48 MB on 64-bit) is mostly garbage waiting for a
 * scavenge in a worker whose allocations die young. net/... and runtime/... on 2 workers: peak RSS
 * 304 -> 247 MB with 6 MB, the same CPU time within the noise of a loaded machine.
 */
const WORKER_YOUNG_GENERATION_MB = 8;
/** A worker whose WebAssembly memory grew past this (it starts at about 35 MB) is replaced. */
const RETIRE_WASM_BYTES = 80 * 2 ** 20;
/** Workers that may die in one scan (retries included) before it fails. */
const MAX_LOST_WORKERS = 4;

/** The worker script sits next to this module, compiled (out/) or bundled (dist/). */
/** The scan worker's file, in the compiled layout and in a bundle (whose modules share one directory). */
export function workerScript(): string {
  return join(__dirname, 'scanWorker.js');
}

async function runScan(request: ScanRequest, flag: SharedArrayBuffer): Promise<ScanOutcome> {
  const byDir = new Map<string, string[]>();
  for (const f of request.files) {
    const dir = dirname(f);
    const list = byDir.get(dir);
    if (list) list.push(f);
    else byDir.set(dir, [f]);
  }
  const queue: ScanJob[] = [...byDir].map(([dir, files]) => ({ dir, files, config: request.configByDir?.get(dir) ?? request.config }));
  const total = request.files.length;
  const results: FileResult[] = [];
  const cancelled = new Int32Array(flag);
  let done = 0;
  const cacheDir = request.cache && !request.parseOnly && prepareCacheDir(request.cache.dir) ? request.cache.dir : undefined;
  const cacheCounts = cacheDir ? emptyCounts() : undefined;
  const init: WorkerInit = {
    cancelFlag: flag,
    toolchain: request.toolchain ?? {},
    goMinor: request.goMinor,
    parseOnly: request.parseOnly,
    maxFileBytes: request.maxFileBytes,
    cache: cacheDir ? { dir: cacheDir, engineId: engineIdentity(workerScript()) } : undefined,
  };
  const finish = (threads: number): ScanOutcome => {
    results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    const outcome: ScanOutcome = { results, cancelled: Atomics.load(cancelled, 0) !== 0, threads, retried: [] };
    if (cacheCounts) {
      outcome.cache = { ...cacheCounts };
      if (cacheCounts.writtenBytes > 0) outcome.cache.trim = trimCache(cacheDir!, request.cache!.maxBytes ?? DEFAULT_CACHE_MAX_BYTES, cacheCounts.writtenBytes);
    }
    return outcome;
  };
  const jobDone = (dir: string, jobResults: FileResult[], counts: CacheCounts | undefined) => {
    results.push(...jobResults);
    done += jobResults.length;
    if (cacheCounts && counts) addCounts(cacheCounts, counts);
    request.onResults?.(jobResults);
    request.onProgress?.(done, total, dir);
  };

  const inThisThread = async (): Promise<{ project: Project; cache?: ScanCache; configKey?: string; errors: string[] }> => {
    const errors: string[] = [];
    // On this thread's CPU time, as in a worker.
    const project = new Project(await loadGrammar(), allRules, nodeFileHost, (rule, error) => errors.push(`internal error in rule ${rule}: ${(error as Error)?.message ?? error}`), threadCpuClock());
    Object.assign(project.toolchain, init.toolchain);
    const cache = init.cache ? new ScanCache(new DiskCache(init.cache.dir), init.cache.engineId) : undefined;
    prepareScanProject(project, cache);
    return { project, cache, configKey: cache && configKey(request.config, project.analyzer.docs), errors };
  };
  const directoryScan = (job: ScanJob, local: { cache?: ScanCache; configKey?: string }) => ({
    ...init,
    files: job.files,
    config: job.config,
    cancelled: () => Atomics.load(cancelled, 0) !== 0,
    cache: local.cache && { cache: local.cache, configKey: local.configKey! },
  });

  if (request.threads === 0) {
    const local = await inThisThread();
    for (const job of queue) {
      if (Atomics.load(cancelled, 0) !== 0) break;
      const jobResults = await scanDirectory(local.project, directoryScan(job, local), local.errors);
      jobDone(job.dir, jobResults, local.cache?.takeCounts());
    }
    return finish(0);
  }
  const maxThreads = Math.max(1, request.threads ?? availableParallelism());

  // Workers start as directories need them: with a cache, this thread first looks each directory up
  // (reading and digesting its files), and only directories with something to analyse go to a worker,
  // so a scan where nothing changed starts none. Workers wait for more while the lookup goes on.
  const jobs: ScanJob[] = [];
  let feeding = true;
  const idle: (() => void)[] = [];
  const workers: Promise<void>[] = [];
  const wake = () => idle.splice(0).forEach((take) => take());
  const enqueue = (job: ScanJob) => {
    jobs.push(job);
    if (idle.length > 0) idle.shift()!();
    else if (workers.length < maxThreads) {
      const worker = runWorker();
      // Seen by Promise.all below; meanwhile a failure stops the lookups.
      worker.catch(() => (failed = true));
      workers.push(worker);
    }
  };
  let failed = false;

  // A worker that dies in a directory (out of its heap, a WASM abort) costs at most that directory,
  // not the scan: the directory is tried once more by a worker without the heap limit, then its files
  // are reported as not analysed, and new workers take the rest of the queue.
  let lostWorkers = 0;
  const retried = new Set<ScanJob>();
  const heapMb = request.workerHeapMb ?? DEFAULT_WORKER_HEAP_MB;
  function runWorker(retry?: ScanJob): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const limited = retry === undefined;
      const worker = new Worker(workerScript(), {
        workerData: init,
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, ...(limited && heapMb > 0 ? { maxOldGenerationSizeMb: heapMb } : {}) },
      });
      let current: ScanJob | undefined;
      let settled = false;
      const next = () => {
        current = Atomics.load(cancelled, 0) === 0 ? (retry ?? jobs.shift()) : undefined;
        if (current) worker.postMessage(current);
        else if (feeding && Atomics.load(cancelled, 0) === 0) idle.push(next);
        else {
          settled = true;
          void worker.terminate().then(() => resolve());
        }
      };
      const died = (reason: string) => {
        if (settled) return;
        settled = true;
        const job = current;
        if (!job || ++lostWorkers > MAX_LOST_WORKERS) {
          reject(new Error(`scan worker failed: ${reason}`));
          return;
        }
        if (!retried.has(job)) {
          retried.add(job);
          runWorker(job).then(resolve, reject);
          return;
        }
        const lost = job.files.map((file) => ({ file, findings: [], lines: 0, problems: [`not analysed: the scan worker analysing ${job.dir} stopped (${reason})`] }));
        jobDone(job.dir, lost, undefined);
        runWorker().then(resolve, reject);
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'failed') {
          settled = true;
          reject(new Error(`scan worker failed: ${m.message}`));
          void worker.terminate();
          return;
        }
        if (m.kind === 'done') {
          jobDone(m.dir, m.results, m.cache);
          // WebAssembly memory never shrinks: a worker whose parser grew it for a directory of large
          // files would keep that memory to the end of the scan. A fresh worker takes over instead
          // (about 0.2 s of CPU, a few times a scan of the Go distribution). The unlimited worker of a
          // retry was for one directory only: the rest goes to a limited one.
          if (!limited || m.wasmBytes > RETIRE_WASM_BYTES) {
            settled = true;
            void worker.terminate();
            if ((jobs.length > 0 || feeding) && Atomics.load(cancelled, 0) === 0) runWorker().then(resolve, reject);
            else resolve();
            return;
          }
        }
        next();
      });
      worker.on('error', (error) => died((error as Error)?.message ?? String(error)));
      worker.on('exit', (code) => died(`exit code ${code}`));
    });
  }

  try {
    if (init.cache) {
      // This thread only reads, digests and looks up: no grammar, no parser.
      const facts = new FactsContext(nodeFileHost);
      facts.toolchain.installedMinor = init.toolchain.installedMinor;
      facts.toolchain.installedVersion = init.toolchain.installedVersion;
      const local = { cache: new ScanCache(new DiskCache(init.cache.dir), init.cache.engineId), configKey: configKey(request.config, ruleDocs(allRules)) };
      for (const job of queue) {
        if (Atomics.load(cancelled, 0) !== 0 || failed) break;
        const cached = await cachedDirectory(facts, directoryScan(job, local));
        // A directory not found is counted by the worker that analyses it.
        const counts = local.cache.takeCounts();
        if (cached) jobDone(job.dir, cached, counts);
        else enqueue(job);
      }
    } else {
      for (const job of queue) enqueue(job);
    }
  } finally {
    feeding = false;
    wake();
  }
  // A worker may have ended (cancelled, or failed) while directories were still being looked up.
  await Promise.all(workers);
  return { ...finish(workers.length), retried: [...retried].map((job) => job.dir) };
}
