// What changes when a module's go.mod moves from a go version before 1.22 to go 1.22: every loop whose
// variable a closure or a pointer keeps past the iteration (loopvar/semantics-change), in every file of
// the module whose version comes from go.mod. Files whose //go:build line sets their own version keep
// it after the upgrade, so they are left out.
// The module's files come from the host (ModuleSources): the disk for the CLI and the Node server, the
// VS Code file system API in the browser; paths are engine paths throughout.
import type { DecodedSource } from '../engine/byteLayout';
import { EngineConfig } from '../engine/config';
import type { FileFacts } from '../engine/rule';
import { dirname, joinPath } from '../engine/paths';
import { Project } from '../engine/project';
import { SourceText } from '../engine/sourceText';
import { Finding } from '../engine/types';
import { semanticsChange } from '../rules/loopvar/semanticsChange';
import { languageVersion, PER_ITERATION_LOOPVARS } from '../toolchain/goVersion';
// Type only: walk.ts itself reads the disk.
import type { WalkProblem } from './walk';

/** Where a module's Go files come from. */
export interface ModuleSources {
  /**
   * The .go files of the module rooted at moduleDir (engine paths): its directory tree without nested
   * modules (directories with their own go.mod), with the go command's skip rules.
   */
  moduleGoFiles(moduleDir: string, problems: WalkProblem[]): Promise<string[]>;
  /** A Go source's text, or undefined (with the reason in problems) when it cannot be read or is not text. */
  readGoSource(path: string, problems: WalkProblem[]): Promise<DecodedSource | undefined>;
}

export interface LoopChange {
  /** Engine path of the file. */
  path: string;
  source: SourceText;
  finding: Finding;
}

export interface UpgradeImpact {
  goModPath: string;
  /** Zero-based line of the `go` directive, when there is one. */
  goLine?: number;
  goVersion: string;
  target: string;
  /** The module already has per-iteration loop variables: nothing to upgrade. */
  upToDate: boolean;
  files: number;
  loops: number;
  changes: LoopChange[];
  problems: WalkProblem[];
}

export interface ImpactOptions {
  /** Texts of files open in an editor, which win over the disk. */
  openText?: (path: string) => string | undefined;
  isCancelled?: () => boolean;
  onProgress?: (done: number, total: number) => void;
  /** Time slices for an editor, which answers requests between them: pause() when used() says so. */
  slices?: { used(): boolean; pause(): Promise<void> };
}

export class Cancelled extends Error {}

/** The upgrade impact for the module that contains dir (an absolute engine path), or undefined when dir is in no module. */
export async function upgradeImpact(project: Project, dir: string, sources: ModuleSources, options: ImpactOptions = {}): Promise<UpgradeImpact | undefined> {
  const module = await project.modules.moduleFor(joinPath(dir, 'x.go'));
  if (!module) return undefined;
  const impact: UpgradeImpact = {
    goModPath: module.goModPath,
    goLine: module.facts.go?.line,
    goVersion: languageVersion(module.facts.goMinor),
    target: languageVersion(PER_ITERATION_LOOPVARS),
    upToDate: module.facts.goMinor >= PER_ITERATION_LOOPVARS,
    files: 0,
    loops: 0,
    changes: [],
    problems: [],
  };
  if (impact.upToDate) return impact;
  const config: EngineConfig = { rules: Object.fromEntries(project.analyzer.rules.map((r) => [r.id, r.id === semanticsChange.id ? 'info' : 'off'])) };
  config.rules['gohazard/suppression'] = 'off';
  const files = await sources.moduleGoFiles(dirname(module.goModPath), impact.problems);
  const loops = new Set<string>();
  for (let i = 0; i < files.length; i++) {
    if (options.isCancelled?.()) throw new Cancelled();
    options.onProgress?.(i, files.length);
    const path = files[i];
    const open = options.openText?.(path);
    const decoded = open !== undefined ? { text: open } : await sources.readGoSource(path, impact.problems);
    if (decoded === undefined) continue;
    const { text, layout } = decoded;
    impact.files++;
    // The package's facts that the analysis asks for, summarised in slices, rather than every other
    // file by every indexer at once (a lazy view, as the editor's).
    let facts = await project.facts(path, text, undefined, undefined, true);
    if (facts.versionSource.kind !== 'go.mod') continue;
    let findings = await analyseInSlices(project, text, facts, config, options.slices);
    for (let unloaded = facts.package?.unloaded() ?? []; unloaded.length > 0; unloaded = facts.package?.unloaded() ?? []) {
      await project.packages.load(path, text, unloaded, async () => {
        if (options.slices?.used()) await options.slices.pause();
        if (options.isCancelled?.()) throw new Cancelled();
        return true;
      });
      facts = await project.facts(path, text, undefined, undefined, true);
      findings = await analyseInSlices(project, text, facts, config, options.slices);
    }
    const source = new SourceText(text, layout);
    for (const finding of findings) {
      impact.changes.push({ path, source, finding });
      // Findings sit on the variables of the loop header: one line is one loop.
      loops.add(`${path}:${finding.range.start.line}`);
    }
  }
  impact.loops = loops.size;
  return impact;
}

async function analyseInSlices(project: Project, text: string, facts: FileFacts, config: EngineConfig, slices: ImpactOptions['slices']): Promise<Finding[]> {
  if (!slices) return project.analyzeWithFacts(text, facts, config).findings;
  // A document of its own: nobody else edits it between slices.
  const doc = project.newDocument(text);
  try {
    const steps = project.analyzer.analysis(doc, facts, config);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value.findings;
      if (slices.used()) await slices.pause();
    }
  } finally {
    doc.dispose();
  }
}

/** One sentence: how many loops change, or that the module is already per-iteration. */
export function describeImpact(impact: UpgradeImpact, goMod: string): string {
  if (impact.upToDate) return `${goMod} is already ${impact.goVersion}: loop variables are per-iteration, nothing changes.`;
  const files = new Set(impact.changes.map((c) => c.path)).size;
  const loops = `${impact.loops} loop${impact.loops === 1 ? '' : 's'}`;
  const variables = `${impact.changes.length} loop variable${impact.changes.length === 1 ? '' : 's'}`;
  return `${loops} (${variables}) in ${files} of ${impact.files} files ${impact.loops === 1 ? 'changes' : 'change'} meaning when ${goMod} moves from ${impact.goVersion} to ${impact.target}.`;
}
