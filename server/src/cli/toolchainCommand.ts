// `gohazard toolchain [paths]`: each file's effective Go version, where it comes from, its loop-variable
// semantics, the installed toolchain and the CPU profile that applies.
import { relative, resolve } from 'node:path';
import { Project } from '../engine/project';
import { describeProfile } from '../toolchain/report';
import { fromEnginePath, toEnginePath } from '../node/nodeHost';
import { readGoSource } from '../workspace/readSource';
import { goFilesOf, WalkProblem } from '../workspace/walk';

export async function runToolchain(project: Project, paths: string[], format: 'text' | 'json', profile?: string): Promise<number> {
  const problems: WalkProblem[] = [];
  const files = await goFilesOf(paths, problems);
  const display = (p: string) => toEnginePath(relative(process.cwd(), resolve(fromEnginePath(p))));
  const rows = [];
  for (const file of files) {
    const source = await readGoSource(file, problems);
    if (source === undefined) continue;
    const r = await project.toolchainReport(toEnginePath(resolve(file)), source.text, { profilePath: profile });
    rows.push({
      file: display(r.path),
      goVersion: r.goVersion,
      source: r.source.path ? `${display(r.source.path)}${r.source.line !== undefined ? `:${r.source.line + 1}` : ''}` : r.source.kind,
      directive: r.source.text,
      loopSemantics: r.loopSemantics,
      installedToolchain: r.installedToolchain ?? null,
      requiredToolchain: r.requiredToolchain ?? null,
      needsNewerToolchain: r.needsNewerToolchain,
      profile: { ...r.profile, path: r.profile.path && display(r.profile.path) },
    });
  }
  for (const p of problems) process.stderr.write(`gohazard: ${p.path}: ${p.message}\n`);
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ version: 1, installedToolchain: project.toolchain.installedVersion ?? null, files: rows }, null, 2)}\n`);
  } else {
    for (const r of rows) {
      const needs = r.needsNewerToolchain ? `; needs ${r.requiredToolchain}, newer than the installed toolchain` : '';
      process.stdout.write(`${r.file}: ${r.goVersion} (${r.source}${r.directive ? `: ${r.directive}` : ''}), ${r.loopSemantics} loop variables${needs}\n`);
      process.stdout.write(`  ${describeProfile(r.profile)}\n`);
    }
    process.stdout.write(`installed toolchain: ${project.toolchain.installedVersion ?? 'unknown (no go command found)'}\n`);
  }
  return files.length === 0 && problems.length > 0 ? 2 : 0;
}
