// Which .go files a `gohazard scan` argument names, with the go command's rules: `dir` is that
// directory's files, `dir/...` also every subdirectory except those named testdata or vendor or
// starting with `.` or `_`; files starting with `.` or `_` are ignored. Symlinked directories are not
// followed (as the go command does not), so symlink loops cannot trap the walk.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { isGoSourceName, isSkippedDirectory } from './goFileNames';

export interface WalkProblem {
  path: string;
  message: string;
}

export async function goFilesOf(args: readonly string[], problems: WalkProblem[]): Promise<string[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  for (const arg of args.length > 0 ? args : ['./...']) {
    const recursive = arg === '...' || arg.endsWith('/...');
    const root = arg === '...' ? '.' : recursive ? arg.slice(0, -4) || '.' : arg;
    let stat;
    try {
      stat = await fs.stat(root);
    } catch {
      problems.push({ path: root, message: 'no such file or directory' });
      continue;
    }
    if (stat.isFile()) add(root);
    else if (stat.isDirectory()) for (const f of await filesIn(root, recursive, problems)) add(f);
    else problems.push({ path: root, message: 'not a regular file or directory' });
  }
  return files;
}

/** The .go files of a module: its directory tree, without nested modules (directories with a go.mod). */
export function moduleGoFiles(moduleRoot: string, problems: WalkProblem[]): Promise<string[]> {
  return filesIn(moduleRoot, true, problems, true);
}

async function filesIn(root: string, recursive: boolean, problems: WalkProblem[], stopAtModules = false): Promise<string[]> {
  const out: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.shift()!;
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (e) {
      problems.push({ path: dir, message: `cannot read directory: ${(e as Error).message}` });
      continue;
    }
    if (stopAtModules && dir !== root && entries.some((e) => e.name === 'go.mod' && e.isFile())) continue;
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = dir === '.' ? entry.name : join(dir, entry.name);
      if (entry.isDirectory()) {
        if (recursive && !isSkippedDirectory(entry.name)) pending.push(path);
      } else if (isGoSourceName(entry.name)) {
        if (entry.isFile()) out.push(path);
        else if (entry.isSymbolicLink() && (await isRegularFile(path))) out.push(path);
      }
    }
  }
  return out;
}

async function isRegularFile(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}
