// `gohazard scan`: analyse the named Go files with the same engine the language server uses, on worker
// threads when there are enough files to pay for starting them.
import { relative, resolve } from 'node:path';
import { EngineConfig } from '../engine/config';
import { Project } from '../engine/project';
import { SourceText } from '../engine/sourceText';
import { toEnginePath } from '../node/nodeHost';
import type { FileReport } from './report';
import { readGoSource } from '../workspace/readSource';
import { ScanHandle } from '../workspace/scanner';
import { FileResult } from '../workspace/scanProtocol';
import { goFilesOf, WalkProblem } from '../workspace/walk';

export interface ScanResult {
  files: number;
  reports: FileReport[];
  problems: WalkProblem[];
}

export interface ScanOptions {
  /** Analyse every file at this language version (go1.N minor), whatever go.mod says. */
  goMinor?: number;
  /** Worker threads; 0 analyses in this thread. Default: one per core, in-thread for few files. */
  threads?: number;
}

/** Below this many files, starting workers (a grammar each) costs more than it saves. */
const IN_THREAD_LIMIT = 64;

export async function scan(project: Project, args: readonly string[], config: EngineConfig, options: ScanOptions = {}): Promise<ScanResult> {
  const problems: WalkProblem[] = [];
  const files = await goFilesOf(args, problems);
  const inThread = options.threads === 0 || (options.threads === undefined && files.length < IN_THREAD_LIMIT);
  const results = inThread ? await scanInThread(project, files, config, options) : (await new ScanHandle({ files, config, toolchain: project.toolchain, goMinor: options.goMinor, threads: options.threads }).done).results;
  const reports: FileReport[] = [];
  let analysed = 0;
  for (const r of results) {
    problems.push(...r.problems.map((message) => ({ path: r.file, message })));
    if (r.lines > 0) analysed++;
    if (r.findings.length > 0 && r.text !== undefined) {
      reports.push({ path: toEnginePath(relative(process.cwd(), resolve(r.file))), source: new SourceText(r.text), findings: r.findings });
    }
  }
  return { files: analysed, reports, problems };
}

async function scanInThread(project: Project, files: string[], config: EngineConfig, options: ScanOptions): Promise<FileResult[]> {
  const results: FileResult[] = [];
  for (const file of files) {
    const problems: WalkProblem[] = [];
    const text = await readGoSource(file, problems);
    if (text === undefined) {
      results.push({ file, findings: [], lines: 0, problems: problems.map((p) => p.message) });
      continue;
    }
    const facts = await project.facts(toEnginePath(resolve(file)), text);
    if (options.goMinor !== undefined) {
      facts.goMinor = options.goMinor;
      facts.versionSource = { kind: 'override' };
    }
    const { findings } = project.analyzeWithFacts(text, facts, config);
    results.push({ file, findings, lines: 1, problems: [], text: findings.length > 0 ? text : undefined });
  }
  return results;
}
