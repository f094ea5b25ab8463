// One scan worker thread: its own grammar and engine, fed one directory at a time by the scanner, so
// that the package index of a directory is built once, in one worker. Trees are freed after each
// directory, so WASM memory stays bounded rather than growing with the corpus.
import { parentPort, workerData } from 'node:worker_threads';
import { resolve } from 'node:path';
import { AnalysisCache } from '../engine/analyzer';
import type { ByteLayout } from '../engine/byteLayout';
import { GoDocument } from '../engine/document';
import { Project } from '../engine/project';
import { loadGrammar, nodeFileHost, toEnginePath } from '../node/nodeHost';
import { allRules } from '../rules';
import { readGoSource } from './readSource';
import type { FileResult, ScanJob, WorkerInit, WorkerMessage } from './scanProtocol';

/**
 * Text of one directory whose trees are kept for its whole scan: about 26 bytes of WASM memory per
 * character (which never shrinks), so at most about 40 MB more per worker than the largest file needs.
 */
const LENT_CHARS = 1_500_000;

async function main(): Promise<void> {
  const init = workerData as WorkerInit;
  const cancelled = new Int32Array(init.cancelFlag);
  const errors: string[] = [];
  const project = new Project(await loadGrammar(), allRules, nodeFileHost, (rule, error) => errors.push(`internal error in rule ${rule}: ${(error as Error)?.message ?? error}`));
  Object.assign(project.toolchain, init.toolchain);
  const post = (m: WorkerMessage) => parentPort!.postMessage(m);

  parentPort!.on('message', async (job: ScanJob) => {
    const results: FileResult[] = [];
    // The directory's trees, up to LENT_CHARS of text, are parsed once and serve both the package
    // index (summaries of siblings) and the analysis; the others are parsed for each use.
    const docs = new Map<string, GoDocument>();
    let lentChars = 0;
    try {
      const sources: { file: string; text: string | undefined; layout?: ByteLayout; problems: string[] }[] = [];
      for (const file of job.files) {
        if (Atomics.load(cancelled, 0) !== 0) break;
        const problems: { path: string; message: string }[] = [];
        const source = await readGoSource(file, problems, init.maxFileBytes);
        const text = source?.text;
        sources.push({ file, text, layout: source?.layout, problems: problems.map((p) => p.message) });
        if (text === undefined || init.parseOnly || lentChars + text.length > LENT_CHARS) continue;
        const doc = new GoDocument(project.grammar, text);
        docs.set(file, doc);
        if (doc.unparsedReason) continue;
        project.packages.lend(toEnginePath(resolve(file)), text, doc.tree.rootNode);
        lentChars += text.length;
      }
      for (const { file, text, layout, problems } of sources) {
        if (Atomics.load(cancelled, 0) !== 0) break;
        if (text === undefined) {
          results.push({ file, problems, findings: [], lines: 0 });
          continue;
        }
        const lines = countLines(text);
        if (init.parseOnly) {
          new GoDocument(project.grammar, text).dispose();
          results.push({ file, findings: [], lines, problems: [] });
          continue;
        }
        const path = toEnginePath(resolve(file));
        const doc = docs.get(file);
        // A lent tree serves the file's own summary too.
        const facts = await project.facts(path, text, undefined, job.config);
        if (init.goMinor !== undefined) {
          facts.goMinor = init.goMinor;
          facts.versionSource = { kind: 'override' };
        }
        const { findings } = doc ? project.analyzer.analyze(doc, facts, job.config, new AnalysisCache()) : project.analyzeWithFacts(text, facts, job.config);
        results.push({ file, findings, lines, problems: errors.splice(0), ...(findings.length > 0 ? { text, layout } : {}) });
      }
    } finally {
      // Each directory goes to one worker once: what the package index cached for it is no longer needed.
      project.packages.clear();
      for (const doc of docs.values()) doc.dispose();
    }
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
