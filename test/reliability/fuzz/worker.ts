// The fuzz loop, in a worker thread so that the runner can stop it when an input hangs (analysis is
// synchronous: nothing else could interrupt it). Before each input it posts the input's index, the
// heartbeat the runner watches; problems and memory figures follow as messages.
import { parentPort, workerData } from 'node:worker_threads';
import { loadGrammar } from '../../../server/src/node/nodeHost';
import { FuzzChecker } from './check';
import { loadCorpus, makeInput, profiles } from './inputs';
import type { WorkerRequest, WorkerMessage } from './protocol';
import { threadCpuMs, threadStatPath } from '../../../server/src/node/threadCpu';

async function run(): Promise<void> {
  const request = workerData as WorkerRequest;
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);
  const corpus = loadCorpus(request.corpusRoots);
  const statPath = threadStatPath();
  const clock = () => threadCpuMs(statPath) ?? performance.now();
  const checker = new FuzzChecker(await loadGrammar(), clock);
  // The first analysis of each set of rules (rules apply by Go version) compiles their combined query:
  // pay for it before the clock starts.
  for (const goMinor of [16, 21, 22, 26]) await checker.check({ ...makeInput(corpus, request.seed, 0), goMinor });
  post({ type: 'ready', fingerprint: corpus.fingerprint, statPath });
  for (const index of request.indexes) {
    const input = makeInput(corpus, request.seed, index, profiles[request.profile]);
    post({ type: 'begin', index, size: input.text.length });
    const started = clock();
    const problems = await checker.check(input);
    const ms = clock() - started;
    post({ type: 'end', index, size: input.text.length, ms, analysisMs: checker.lastAnalysisMs, problems, rss: process.memoryUsage().rss, columns: checker.lastColumns });
  }
  post({ type: 'done' });
}

run().catch((error) => {
  parentPort!.postMessage({ type: 'fatal', message: String((error as Error)?.stack ?? error) } satisfies WorkerMessage);
});
