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
  toolchain?: WorkerInit['toolchain'];
  goMinor?: number;
  parseOnly?: boolean;
  maxFileBytes?: number;
  /** Defaults to the number of cores, but never more workers than directories. */
  threads?: number;
  onProgress?: (done: number, total: number, dir: string) => void;
  /** Results of each directory as soon as it is done (e.g. to publish diagnostics). */
  onResults?: (results: FileResult[]) => void;
}

export interface ScanOutcome {
  results: FileResult[];
  cancelled: boolean;
  threads: number;
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
  const queue: ScanJob[] = [...byDir].map(([dir, files]) => ({ dir, files, config: request.config }));
  const total = request.files.length;
  const threads = Math.max(1, Math.min(request.threads ?? availableParallelism(), queue.length));
  const results: FileResult[] = [];
  const cancelled = new Int32Array(flag);
  let done = 0;
  const init: WorkerInit = { cancelFlag: flag, toolchain: request.toolchain ?? {}, goMinor: request.goMinor, parseOnly: request.parseOnly, maxFileBytes: request.maxFileBytes };

  const runWorker = () =>
    new Promise<void>((resolve, reject) => {
      const worker = new Worker(workerScript(), { workerData: init });
      const next = () => {
        const job = Atomics.load(cancelled, 0) === 0 ? queue.shift() : undefined;
        if (job) worker.postMessage(job);
        else void worker.terminate().then(() => resolve());
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.kind === 'failed') {
          reject(new Error(`scan worker failed: ${m.message}`));
          void worker.terminate();
          return;
        }
        if (m.kind === 'done') {
          results.push(...m.results);
          done += m.results.length;
          request.onResults?.(m.results);
          request.onProgress?.(done, total, m.dir);
        }
        next();
      });
      worker.on('error', reject);
    });

  await Promise.all(Array.from({ length: threads }, runWorker));
  results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { results, cancelled: Atomics.load(cancelled, 0) !== 0, threads };
}
