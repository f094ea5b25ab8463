// What changed in a git working tree since a revision, for `gohazard scan --new-from-rev`. Only the
// command line runs this, on the repository of the paths the user asked it to scan (trusted, like
// `go env`); the language server never runs git. Options that could hand the diff to another program
// (external diff drivers, textconv filters) are switched off, and the revision is resolved to a commit
// before it reaches `git diff`, so that no argument can be read as an option or a path.
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';

export class GitError extends Error {}

export interface WorkingTreeChanges {
  /** The repository's top-level directory (a real path): the diff's paths are relative to it. */
  root: string;
  /** The commit the revision names. */
  commit: string;
  /** `git diff -U0 -M` of the working tree (staged and unstaged edits) against that commit. */
  diff: string;
  /** Files neither tracked nor ignored, relative to root: new whatever the revision. */
  untracked: string[];
}

export async function changesSince(revision: string, dir: string): Promise<WorkingTreeChanges> {
  if (revision === '' || revision.startsWith('-')) throw new GitError(`--new-from-rev takes a git revision, not "${revision}"`);
  const top = await git(['rev-parse', '--show-toplevel'], dir);
  if (top.code !== 0) {
    if (/not a git repository/i.test(top.stderr)) throw new GitError(`${dir} is not in a git repository, so --new-from-rev has nothing to compare with (--new-from-patch reads a diff made by any tool)`);
    throw new GitError(`git rev-parse --show-toplevel failed in ${dir}: ${firstLine(top.stderr)}`);
  }
  const root = realpathSync(top.stdout.trim());
  const commit = await git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`], root);
  if (commit.code !== 0) {
    const shallow = (await git(['rev-parse', '--is-shallow-repository'], root)).stdout.trim() === 'true';
    const hint = shallow ? ` (this is a shallow clone: fetch the revision first, e.g. git fetch --deepen=50 or actions/checkout with fetch-depth: 0)` : '';
    throw new GitError(`unknown revision "${revision}" in the git repository ${root}${hint}`);
  }
  const hash = commit.stdout.trim();
  const diff = await git(['diff', '--no-color', '--no-ext-diff', '--no-textconv', '-U0', '-M', '--src-prefix=a/', '--dst-prefix=b/', hash, '--'], root);
  if (diff.code !== 0) throw new GitError(`git diff ${hash} failed in ${root}: ${firstLine(diff.stderr)}`);
  const others = await git(['ls-files', '--others', '--exclude-standard', '-z'], root);
  if (others.code !== 0) throw new GitError(`git ls-files failed in ${root}: ${firstLine(others.stderr)}`);
  return { root, commit: hash, diff: diff.stdout, untracked: others.stdout.split('\0').filter((p) => p !== '') };
}

interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

function git(args: string[], cwd: string): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    // No optional index refresh: a scan in CI must not write to the repository or wait for its lock.
    const child = spawn('git', args, { cwd, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' }, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new GitError('git was not found on PATH, and --new-from-rev needs it (--new-from-patch reads a diff file instead)') : new GitError(`cannot run git: ${error.message}`));
    });
    child.on('close', (code) => resolve({ code: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] || 'no message';
}
