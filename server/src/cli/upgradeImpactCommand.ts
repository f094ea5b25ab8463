// `gohazard upgrade-impact [dir]`: the loops of a module that change meaning at go 1.22, as text or JSON.
import { relative, resolve } from 'node:path';
import { Project } from '../engine/project';
import { fromEnginePath, toEnginePath } from '../node/nodeHost';
import { nodeModuleSources } from '../node/serverHost';
import { describeImpact, upgradeImpact, UpgradeImpact } from '../workspace/upgradeImpact';

export async function runUpgradeImpact(project: Project, dir: string, format: 'text' | 'json'): Promise<number> {
  const impact = await upgradeImpact(project, toEnginePath(resolve(dir)), nodeModuleSources);
  if (!impact) {
    process.stderr.write(`gohazard: ${dir}: no go.mod in this directory or above it\n`);
    return 2;
  }
  for (const p of impact.problems) process.stderr.write(`gohazard: ${p.path}: ${p.message}\n`);
  process.stdout.write(format === 'json' ? formatJson(impact) : formatText(impact));
  return 0;
}

function display(enginePath: string): string {
  return toEnginePath(relative(process.cwd(), resolve(fromEnginePath(enginePath))));
}

function summary(impact: UpgradeImpact): string {
  return describeImpact(impact, display(impact.goModPath));
}

function formatText(impact: UpgradeImpact): string {
  const lines = impact.changes.map(({ path, source, finding }) => `${display(path)}:${finding.range.start.line + 1}:${source.byteColumn(finding.range.start) + 1}: ${finding.message}`);
  return [...lines, summary(impact)].map((l) => `${l}\n`).join('');
}

function formatJson(impact: UpgradeImpact): string {
  return `${JSON.stringify(
    {
      version: 1,
      goMod: display(impact.goModPath),
      goVersion: impact.goVersion,
      target: impact.target,
      upToDate: impact.upToDate,
      files: impact.files,
      loops: impact.loops,
      variables: impact.changes.length,
      summary: summary(impact),
      changes: impact.changes.map(({ path, source, finding }) => ({
        file: display(path),
        line: finding.range.start.line + 1,
        column: source.byteColumn(finding.range.start) + 1,
        variable: source.text.slice(source.offsetAt(finding.range.start), source.offsetAt(finding.range.end)),
        message: finding.message,
      })),
    },
    null,
    2,
  )}\n`;
}
