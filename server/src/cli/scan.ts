// `gohazard scan`: analyse the named Go files with the same engine the language server uses.
import { relative, resolve } from 'node:path';
import { EngineConfig } from '../engine/config';
import { Project } from '../engine/project';
import { SourceText } from '../engine/sourceText';
import { toEnginePath } from '../node/nodeHost';
import type { FileReport } from './report';
import { readGoSource } from '../workspace/readSource';
import { goFilesOf, WalkProblem } from '../workspace/walk';

export interface ScanResult {
  files: number;
  reports: FileReport[];
  problems: WalkProblem[];
}

export interface ScanOptions {
  /** Analyse every file at this language version (go1.N minor), whatever go.mod says. */
  goMinor?: number;
}

export async function scan(project: Project, args: readonly string[], config: EngineConfig, options: ScanOptions = {}): Promise<ScanResult> {
  const problems: WalkProblem[] = [];
  const files = await goFilesOf(args, problems);
  const reports: FileReport[] = [];
  let analysed = 0;
  for (const file of files) {
    const text = await readGoSource(file, problems);
    if (text === undefined) continue;
    analysed++;
    const absolute = toEnginePath(resolve(file));
    const facts = await project.facts(absolute, text);
    if (options.goMinor !== undefined) {
      facts.goMinor = options.goMinor;
      facts.versionSource = { kind: 'override' };
    }
    const { findings } = project.analyzeWithFacts(text, facts, config);
    if (findings.length > 0) reports.push({ path: toEnginePath(relative(process.cwd(), resolve(file))), source: new SourceText(text), findings });
  }
  return { files: analysed, reports, problems };
}
