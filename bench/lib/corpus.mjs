// Which Go files a run measures: the Go standard library ($(go env GOROOT)/src), a directory given on
// the command line, net/http alone for --quick, or a generated module when no Go is installed. The
// same corpus also decides the packages the go anchors build (`std cmd`, or `./...` in a module).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { removeLater } from './cleanup.mjs';
import { engine } from './engine.mjs';
import { writeCorpus } from './generate.mjs';

export function goCommand() {
  const r = spawnSync('go', ['env', 'GOROOT', 'GOVERSION', 'GOMODCACHE'], { encoding: 'utf8', env: goEnv() });
  if (r.status !== 0 || r.error) return undefined;
  const [goroot, version, modCache] = r.stdout.trim().split('\n');
  return { goroot, version, modCache };
}

/** The environment of every go command the bench runs: no user flags, no toolchain download. */
export function goEnv(extra = {}) {
  return { ...process.env, GOFLAGS: '', GOTOOLCHAIN: 'local', ...extra };
}

/**
 * { label, root, files, lines?, goPackages: { cwd, patterns } | undefined, note }. goPackages says what
 * the go anchors build for the same code; undefined when they cannot (no go, no module).
 */
export async function resolveCorpus({ dir, quick, go }) {
  const { goFilesOf } = engine('workspace/walk.js');
  const problems = [];
  if (dir) {
    const root = resolve(dir);
    const files = await goFilesOf([`${root}/...`], problems);
    const goroot = go && resolve(go.goroot, 'src');
    if (go && root === goroot) return { label: 'GOROOT/src (std + cmd)', root, files, goPackages: { cwd: root, patterns: ['std', 'cmd'] }, problems };
    const moduleRoot = findUp(root, 'go.mod');
    return {
      label: root,
      root,
      files,
      goPackages: go && moduleRoot ? { cwd: root, patterns: ['./...'] } : undefined,
      note: go && !moduleRoot ? 'no go.mod at or above the directory: the go anchors cannot build it' : undefined,
      problems,
    };
  }
  if (go && existsSync(join(go.goroot, 'src'))) {
    const src = join(go.goroot, 'src');
    if (quick) {
      const root = join(src, 'net', 'http');
      return { label: 'GOROOT/src/net/http/...', root, files: await goFilesOf([`${root}/...`], problems), goPackages: { cwd: src, patterns: ['net/http/...'] }, problems };
    }
    return { label: 'GOROOT/src (std + cmd)', root: src, files: await goFilesOf([`${src}/...`], problems), goPackages: { cwd: src, patterns: ['std', 'cmd'] }, problems };
  }
  const root = writeCorpus(removeLater(mkdtempSync(join(tmpdir(), 'gohazard-bench-corpus-'))), quick ? { dirs: 20, files: 4, linesPerFile: 600 } : { dirs: 300, files: 8, linesPerFile: 900 });
  return {
    label: 'generated module',
    root,
    generated: true,
    files: await goFilesOf([`${root}/...`], problems),
    goPackages: go ? { cwd: root, patterns: ['./...'] } : undefined,
    note: 'no Go standard library found (go is not installed): measuring a generated corpus',
    problems,
  };
}

function findUp(dir, name) {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, name))) return d;
    if (dirname(d) === d) return undefined;
  }
}
