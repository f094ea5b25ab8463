// The workspace scan of the browser worker: no worker threads there, so the files are analysed in the
// language server's own worker, one directory (one package index) at a time, its files read in one
// batch of requests to the client. Control goes back to the event loop every few milliseconds, so that
// edits, diagnostics and the cancellation of the scan itself are served while it runs.
import type { GoGrammar } from '../engine/grammar';
import { dirname } from '../engine/paths';
import { Project, ProjectHost } from '../engine/project';
import type { HostScanRequest, RunningScan, ScannedFile } from '../lsp/host';
import { allRules } from '../rules';

/** How long the scan may keep the worker busy before it lets other messages through. */
const SLICE_MS = 15;

export function startBatchScan(grammar: GoGrammar, files: ProjectHost, request: HostScanRequest, log: (message: string) => void): RunningScan {
  let cancelled = false;
  const done = (async () => {
    // A project of its own, reading what is saved, as a Node scan worker does; its parse budgets stay in
    // wall time, unlike a worker's: a browser can tell no thread's CPU time.
    const project = new Project(grammar, allRules, files, (rule, error) => log(`scan: internal error in rule ${rule}: ${(error as Error)?.message ?? error}`));
    Object.assign(project.toolchain, request.toolchain ?? {});
    const paths: string[] = [];
    let sliceStart = Date.now();
    for (const [dir, dirFiles] of byDirectory(request.files)) {
      if (cancelled) break;
      const texts = await Promise.all(dirFiles.map((f) => files.readFile(f)));
      const results: ScannedFile[] = [];
      for (const [i, path] of dirFiles.entries()) {
        if (cancelled) break;
        const text = texts[i];
        results.push({ path, findings: text === undefined || text.includes('\0') ? [] : await analyse(project, path, text, request) });
        if (Date.now() - sliceStart > SLICE_MS) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          sliceStart = Date.now();
        }
      }
      paths.push(...results.map((r) => r.path));
      request.onResults(results);
      request.onProgress?.(paths.length, request.files.length, dir);
    }
    return { paths, cancelled };
  })();
  return { done, cancel: () => (cancelled = true) };
}

async function analyse(project: Project, path: string, text: string, request: HostScanRequest): Promise<ScannedFile['findings']> {
  const config = request.configByDir?.get(dirname(path)) ?? request.config;
  const facts = await project.facts(path, text, undefined, config);
  return project.analyzeWithFacts(text, facts, config).findings;
}

function byDirectory(files: string[]): Map<string, string[]> {
  const dirs = new Map<string, string[]>();
  for (const f of files) {
    const dir = dirname(f);
    const list = dirs.get(dir);
    if (list) list.push(f);
    else dirs.set(dir, [f]);
  }
  return dirs;
}
