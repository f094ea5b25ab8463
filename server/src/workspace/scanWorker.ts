// One scan worker thread: its own grammar and engine, fed one directory at a time by the scanner, so
// that the package index of a directory is built once, in one worker. Trees are freed after each
// directory, so WASM memory stays bounded rather than growing with the corpus.
import { parentPort, workerData } from 'node:worker_threads';
import { Project } from '../engine/project';
import { configKey, ScanCache } from '../engine/scanCache';
import { DiskCache } from '../node/diskCache';
import { loadGrammar, nodeFileHost } from '../node/nodeHost';
import { threadCpuClock } from '../node/threadCpu';
import { allRules } from '../rules';
import { prepareScanProject, scanDirectory } from './scanDirectory';
import type { ScanJob, WorkerInit, WorkerMessage } from './scanProtocol';

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  const cancelled = new Int32Array(init.cancelFlag);
  const errors: string[] = [];
  // Parse budgets in this thread's CPU time, so that what a scan finds does not depend on how busy the
  // machine is (limits.ts ParseClock).
  const project = new Project(await loadGrammar(), allRules, nodeFileHost, (rule, error) => errors.push(`internal error in rule ${rule}: ${(error as Error)?.message ?? error}`), threadCpuClock());
  Object.assign(project.toolchain, init.toolchain);
  const cache = init.cache ? new ScanCache(new DiskCache(init.cache.dir), init.cache.engineId) : undefined;
  prepareScanProject(project, cache);
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);

  parentPort!.on('message', async (job: ScanJob) => {
    const results = await scanDirectory(
      project,
      {
        files: job.files,
        config: job.config,
        goMinor: init.goMinor,
        parseOnly: init.parseOnly,
        maxFileBytes: init.maxFileBytes,
        cancelled: () => Atomics.load(cancelled, 0) !== 0,
        cache: cache && { cache, configKey: configKey(job.config, project.analyzer.docs) },
      },
      errors,
    );
    // The isolate's external memory is mostly the parser's WebAssembly memory (grammar and trees).
    post({ kind: 'done', dir: job.dir, results, cache: cache?.takeCounts(), wasmBytes: process.memoryUsage().external });
  });
  post({ kind: 'ready' });
}

main().catch((error) => parentPort!.postMessage({ kind: 'failed', message: (error as Error)?.stack ?? String(error) } satisfies WorkerMessage));
