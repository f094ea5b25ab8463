// `--new-from-rev REV` and `--new-from-patch FILE`: keep only the findings on lines a change adds or
// edits, so that a team can check pull requests without first fixing every old finding. A finding is
// new when its line range holds an added or changed line, or spans a place where lines were deleted;
// files a diff creates (and files git does not track yet) are new throughout, and renamed files are
// followed, so moving a file does not make its old findings new.
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Finding } from '../engine/types';
import { changesSince, GitError } from '../node/git';
import type { FileReport } from './report';
import { ChangedFile, parseUnifiedDiff } from './unifiedDiff';
import { InputError } from './usageError';

/** What a change did to each file it touched, by real absolute path. */
export type ChangeSet = Map<string, ChangedFile>;

/** The working tree against a git revision, in the repository of the first scanned path. */
export async function changesFromRevision(revision: string, paths: readonly string[]): Promise<ChangeSet> {
  const dir = repositoryDirOf(paths[0] ?? '.');
  const changes = await changesSince(revision, dir).catch((e: unknown) => {
    throw e instanceof GitError ? new InputError(`--new-from-rev: ${e.message}`) : e;
  });
  const set = changeSetOf(parseUnifiedDiff(changes.diff), changes.root);
  for (const path of changes.untracked) set.set(join(changes.root, path), { path, created: true, lines: [], deletedAfter: [] });
  return set;
}

/** A unified diff file, its paths relative to the working directory. */
export function changesFromPatch(file: string): ChangeSet {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`--new-from-patch: cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return changeSetOf(parseUnifiedDiff(text), realpathSync(process.cwd()));
}

/** Only the findings a change touches, in files the change touched. */
export function keepNewFindings(reports: readonly FileReport[], changes: ChangeSet): FileReport[] {
  const kept: FileReport[] = [];
  for (const report of reports) {
    const change = changes.get(realPath(report.path));
    if (!change) continue;
    const findings = change.created ? report.findings : report.findings.filter((f) => touches(f, change));
    if (findings.length > 0) kept.push({ ...report, findings });
  }
  return kept;
}

function touches(finding: Finding, change: ChangedFile): boolean {
  const first = finding.range.start.line + 1;
  // A range that ends at the start of a line does not cover that line.
  const last = Math.max(first, finding.range.end.line + (finding.range.end.character === 0 ? 0 : 1));
  const line = change.lines[firstAtLeast(change.lines, first)];
  const deletion = change.deletedAfter[firstAtLeast(change.deletedAfter, first)];
  return (line !== undefined && line <= last) || (deletion !== undefined && deletion < last);
}

/** The index of the first element of an ascending list that is at least n (the length if none is). */
function firstAtLeast(sorted: readonly number[], n: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < n) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function changeSetOf(files: ChangedFile[], root: string): ChangeSet {
  return new Map(files.map((f) => [join(root, f.path), f]));
}

/** Where git runs for a path argument: the directory named (without `/...`), or the file's directory. */
function repositoryDirOf(arg: string): string {
  const root = arg === '...' ? '.' : arg.endsWith('/...') ? arg.slice(0, -4) || '.' : arg;
  if (!existsSync(root)) throw new InputError(`${root}: no such file or directory`);
  return statSync(root).isDirectory() ? root : dirname(root);
}

/** The path with its directory's symlinks resolved, as git names it (a symlinked file is itself). */
function realPath(path: string): string {
  const absolute = resolve(path);
  try {
    return join(realpathSync(dirname(absolute)), basename(absolute));
  } catch {
    return absolute;
  }
}
