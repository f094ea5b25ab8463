// Scans many Go files on worker threads (as many as the machine has cores), one directory per job so a
// package's index is built once, handing out directories as workers free up. Cancellation is a shared
// flag that workers read before each file, so a cancelled scan stops within one file's analysis.
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineConfig } from '../engine/config';
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
  /** Defaults to the number of cores, but never more workers than directories. */
  threads?: number;
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
 * Heap of a scan worker: V8 otherwise lets each worker's heap grow far beyond what it keeps alive
 * (GOROOT/src: peak RSS 0.8–1.1 GB with two workers, 0.66 GB with 256 MB each; bench/memory.mjs).
 */
const DEFAULT_WORKER_HEAP_MB = 384;
/** Workers that may die in one scan (retries included) before it fails. */
const MAX_LOST_WORKERS = 4;

/** The worker script sits next to this module, compiled (out/) or bundled (dist/). */
function workerScript(): string {
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
  const threads = Math.max(1, Math.min(request.threads ?? availableParallelism(), queue.length));
  const results: FileResult[] = [];
  const cancelled = new Int32Array(flag);
  let done = 0;
  const init: WorkerInit = { cancelFlag: flag, toolchain: request.toolchain ?? {}, goMinor: request.goMinor, parseOnly: request.parseOnly, maxFileBytes: request.maxFileBytes };

  // A worker that dies in a directory (out of its heap, a WASM abort) costs at most that directory,
  // not the scan: the directory is tried once more by a worker without the heap limit, then its files
  // are reported as not analysed, and new workers take the rest of the queue.
  let lostWorkers = 0;
  const retried = new Set<ScanJob>();
  const heapMb = request.workerHeapMb ?? DEFAULT_WORKER_HEAP_MB;
  const runWorker = (retry?: ScanJob): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const limited = retry === undefined;
      const worker = new Worker(workerScript(), { workerData: init, resourceLimits: limited && heapMb > 0 ? { maxOldGenerationSizeMb: heapMb } : undefined });
      let current: ScanJob | undefined;
      let settled = false;
      const next = () => {
        current = Atomics.load(cancelled, 0) === 0 ? (retry ?? queue.shift()) : undefined;
        if (current) worker.postMessage(current);
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
        results.push(...lost);
        done += lost.length;
        request.onResults?.(lost);
        request.onProgress?.(done, total, job.dir);
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
          results.push(...m.results);
          done += m.results.length;
          request.onResults?.(m.results);
          request.onProgress?.(done, total, m.dir);
          if (!limited) {
            // The unlimited worker was for one directory: the rest of the queue goes to a limited one.
            settled = true;
            void worker.terminate();
            if (queue.length > 0 && Atomics.load(cancelled, 0) === 0) runWorker().then(resolve, reject);
            else resolve();
            return;
          }
        }
        next();
      });
      worker.on('error', (error) => died((error as Error)?.message ?? String(error)));
      worker.on('exit', (code) => died(`exit code ${code}`));
    });

  await Promise.all(Array.from({ length: threads }, () => runWorker()));
  results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { results, cancelled: Atomics.load(cancelled, 0) !== 0, threads, retried: [...retried].map((job) => job.dir) };
}
