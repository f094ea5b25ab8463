// One scan worker thread: its own grammar and engine, fed one directory at a time by the scanner, so
// that the package index of a directory is built once, in one worker. Trees are freed after each file,
// so WASM memory stays at the size of the largest file rather than growing with the corpus.
import { parentPort, workerData } from 'node:worker_threads';
import { resolve } from 'node:path';
import { GoDocument } from '../engine/document';
import { Project } from '../engine/project';
import { loadGrammar, nodeFileHost, toEnginePath } from '../node/nodeHost';
import { allRules } from '../rules';
import { readGoSource } from './readSource';
import type { FileResult, ScanJob, WorkerInit, WorkerMessage } from './scanProtocol';

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  const cancelled = new Int32Array(init.cancelFlag);
  const errors: string[] = [];
  const project = new Project(await loadGrammar(), allRules, nodeFileHost, (rule, error) => errors.push(`internal error in rule ${rule}: ${(error as Error)?.message ?? error}`));
  project.toolchain.installedMinor = init.toolchain.installedMinor;
  project.toolchain.installedVersion = init.toolchain.installedVersion;
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);

  parentPort!.on('message', async (job: ScanJob) => {
    const results: FileResult[] = [];
    for (const file of job.files) {
      if (Atomics.load(cancelled, 0) !== 0) break;
      const problems: { path: string; message: string }[] = [];
      const text = await readGoSource(file, problems, init.maxFileBytes);
      if (text === undefined) {
        results.push({ file, problems: problems.map((p) => p.message), findings: [], lines: 0 });
        continue;
      }
      const lines = countLines(text);
      if (init.parseOnly) {
        new GoDocument(project.grammar, text).dispose();
        results.push({ file, findings: [], lines, problems: [] });
        continue;
      }
      const path = toEnginePath(resolve(file));
      const facts = await project.facts(path, text);
      if (init.goMinor !== undefined) {
        facts.goMinor = init.goMinor;
        facts.versionSource = { kind: 'override' };
      }
      const { findings } = project.analyzeWithFacts(text, facts, job.config);
      results.push({ file, findings, lines, problems: errors.splice(0), text: findings.length > 0 ? text : undefined });
    }
    // Each directory goes to one worker once: what the package index cached for it is no longer needed.
    project.packages.clear();
    post({ kind: 'done', dir: job.dir, results });
  });
  post({ kind: 'ready' });
}

function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

main().catch((error) => parentPort!.postMessage({ kind: 'failed', message: (error as Error)?.stack ?? String(error) } satisfies WorkerMessage));
