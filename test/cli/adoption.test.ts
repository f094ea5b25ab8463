// What a team adopting gohazard on an existing codebase relies on: --new-from-rev / --new-from-patch
// report only what a change adds, a baseline hides today's findings even after code moves, and the
// progress line and summary on a terminal (never in a pipe).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath, repoRoot } from '../helpers';

/** The tests follow loopvar/capture; other findings (escape/closure of the same goroutines) are off. */
const captureOnly = ['--rule', 'escape/*=off', '--rule', 'alloc/*=off', '--rule', 'pool/*=off', '--rule', 'loopvar/semantics-change=off'];

const gitEnv = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = gitEnv) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', env: gitEnv });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A function whose goroutine captures the loop variable `v` (a loopvar/capture at go 1.21). */
function hazard(fn: string, v = 'name'): string {
  return `func ${fn}(names []string) {\n\tfor _, ${v} := range names {\n\t\tgo func() { println(${v}) }()\n\t}\n}\n`;
}

function module(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-adopt-'));
  writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
  return dir;
}

/** The functions holding the captures JSON output reports, as file:function. */
function reported(stdout: string, dir = ''): string[] {
  const out = JSON.parse(stdout) as { findings: { file: string; line: number; rule: string }[] };
  return out.findings.map((f) => {
    const lines = readFileSync(join(dir, f.file), 'utf8').split('\n');
    let line = f.line - 1;
    while (line > 0 && !lines[line].startsWith('func ')) line--;
    return `${f.file}:${/^func (\w+)/.exec(lines[line])![1]}`;
  });
}

describe('gohazard scan --new-from-rev / --new-from-patch', () => {
  let dir: string;
  let base: string;
  before(() => {
    dir = module();
    writeFileSync(join(dir, 'a.go'), `package m\n\n${hazard('old')}`);
    writeFileSync(join(dir, 'b.go'), `package m\n\n${hazard('alsoOld')}`);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'base');
    base = git(dir, 'rev-parse', 'HEAD').trim();
    // After REV: a committed hazard, an uncommitted one in a tracked file, an untracked file, a rename.
    writeFileSync(join(dir, 'a.go'), `package m\n\n${hazard('old')}\n${hazard('committed')}`);
    git(dir, 'commit', '-qam', 'more');
    writeFileSync(join(dir, 'a.go'), `package m\n\n${hazard('old')}\n${hazard('committed')}\n${hazard('uncommitted')}`);
    writeFileSync(join(dir, 'c.go'), `package m\n\n${hazard('untracked')}`);
    git(dir, 'mv', 'b.go', 'renamed.go');
  });

  it('reports only findings on lines added since REV: committed, uncommitted and untracked; renamed files are followed', () => {
    const all = run(['scan', ...captureOnly, '--format', 'json', '.'], dir);
    assert.deepEqual(reported(all.stdout, dir).sort(), ['a.go:committed', 'a.go:old', 'a.go:uncommitted', 'c.go:untracked', 'renamed.go:alsoOld']);
    const r = run(['scan', ...captureOnly, '--format', 'json', '--new-from-rev', base, '.'], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(reported(r.stdout, dir), ['a.go:committed', 'a.go:uncommitted', 'c.go:untracked']);
    assert.match(r.stderr, /^ {2}--new-from-rev \w+: 2 hidden \(on lines the change does not touch\)$/m);
    // HEAD: only what is not committed yet.
    const head = run(['scan', ...captureOnly, '--format', 'json', '--new-from-rev', 'HEAD', './...'], dir);
    assert.deepEqual(reported(head.stdout, dir), ['a.go:uncommitted', 'c.go:untracked']);
  });

  it('works from a subdirectory and in every output format', () => {
    const sub = join(dir, 'sub');
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, 's.go'), `package sub\n\n${hazard('inSub')}`);
    try {
      const text = run(['scan', ...captureOnly, '--new-from-rev', base, '.'], sub);
      assert.match(text.stdout, /^s\.go:5:\d+: .*\[loopvar\/capture\]$/m);
      const sarif = JSON.parse(run(['scan', ...captureOnly, '--format', 'sarif', '--new-from-rev', base, '../...'], sub).stdout);
      assert.deepEqual(sarif.runs[0].results.map((x: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => x.locations[0].physicalLocation.artifactLocation.uri).sort(), ['../a.go', '../a.go', '../c.go', 's.go']);
    } finally {
      rmSync(sub, { recursive: true });
    }
  });

  it('--new-from-patch reads the same from a unified diff file', () => {
    git(dir, 'add', '-A');
    const patch = join(dir, 'change.patch.txt');
    writeFileSync(patch, git(dir, 'diff', '--cached', base));
    git(dir, 'reset', '-q');
    const r = run(['scan', ...captureOnly, '--format', 'json', '--new-from-patch', 'change.patch.txt', '.'], dir);
    assert.deepEqual(reported(r.stdout, dir), ['a.go:committed', 'a.go:uncommitted', 'c.go:untracked']);
    const missing = run(['scan', '--new-from-patch', 'no-such.patch', '.'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--new-from-patch: cannot read no-such\.patch: no such file/);
  });

  it('says clearly when the revision, the repository or git is missing (exit 2)', () => {
    const unknown = run(['scan', '--new-from-rev', 'no-such-branch', '.'], dir);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^gohazard: --new-from-rev: unknown revision "no-such-branch" in the git repository /m);
    const notRepo = run(['scan', '--new-from-rev', 'HEAD', '.'], module());
    assert.equal(notRepo.code, 2);
    assert.match(notRepo.stderr, /--new-from-rev: \. is not in a git repository/);
    const noGit = run(['scan', '--new-from-rev', 'HEAD', '.'], dir, { ...gitEnv, PATH: mkdtempSync(join(tmpdir(), 'gohazard-empty-path-')) });
    assert.equal(noGit.code, 2);
    assert.match(noGit.stderr, /--new-from-rev: git was not found on PATH/);
    assert.equal(run(['scan', '--new-from-rev', '--output=x', '.'], dir).code, 2);
    const both = run(['scan', '--new-from-rev', 'HEAD', '--new-from-patch', 'x', '.'], dir);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /cannot be used together/);
  });
});

describe('gohazard scan --baseline / --write-baseline', () => {
  it('hides the recorded findings after every line moved, reports new ones, and reports fixed ones as stale', () => {
    const dir = module();
    mkdirSync(join(dir, 'pkg'));
    // twin1 and twin2 have the same code: their entries differ by occurrence.
    const old = hazard('old', 'x');
    const twin1 = hazard('twin1', 'y');
    const twin2 = hazard('twin2', 'y');
    const added = hazard('added', 'z');
    writeFileSync(join(dir, 'pkg', 'a.go'), `package pkg\n\n${old}\n${twin1}\n${twin2}`);
    const written = run(['scan', ...captureOnly, '--write-baseline', 'gohazard-baseline.json', './...'], dir);
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stderr, /wrote 3 findings to the baseline gohazard-baseline\.json/);
    const file = JSON.parse(readFileSync(join(dir, 'gohazard-baseline.json'), 'utf8'));
    assert.equal(file.version, 1);
    assert.deepEqual(
      file.findings.map((e: { rule: string; file: string; code: string; occurrence: number }) => [e.rule, e.file, e.code, e.occurrence]),
      [
        ['loopvar/capture', 'pkg/a.go', 'go func() { println(x) }()', 0],
        ['loopvar/capture', 'pkg/a.go', 'go func() { println(y) }()', 0],
        ['loopvar/capture', 'pkg/a.go', 'go func() { println(y) }()', 1],
      ],
    );

    // Every line moves down three lines, indentation changes, and a new hazard is added.
    writeFileSync(join(dir, 'pkg', 'a.go'), `// Package pkg.\n//\n// Moved.\npackage pkg\n\n${added}\n${old.replace(/\t/g, '    ')}\n${twin1}\n${twin2}`);
    const moved = run(['scan', ...captureOnly, '--format', 'json', '--baseline', 'gohazard-baseline.json', './...'], dir);
    assert.equal(moved.code, 1, moved.stderr);
    assert.deepEqual(reported(moved.stdout, dir), ['pkg/a.go:added']);
    assert.deepEqual(JSON.parse(moved.stdout).baseline, { file: 'gohazard-baseline.json', hidden: 3, stale: [] });
    assert.match(moved.stderr, /baseline gohazard-baseline\.json: 3 hidden/);
    assert.doesNotMatch(moved.stderr, /stale|no finding any more/);

    // old and one twin fixed: their entries are stale, on stderr and in JSON and SARIF; the other twin stays hidden.
    writeFileSync(join(dir, 'pkg', 'a.go'), `package pkg\n\nfunc old() {}\n\n${twin1}\n${added}`);
    const fixed = run(['scan', ...captureOnly, '--format', 'json', '--baseline', 'gohazard-baseline.json', './...'], dir);
    assert.deepEqual(reported(fixed.stdout, dir), ['pkg/a.go:added']);
    const stale = JSON.parse(fixed.stdout).baseline.stale;
    assert.deepEqual(stale.map((e: { file: string; code: string; occurrence: number }) => [e.file, e.code, e.occurrence]), [
      ['pkg/a.go', 'go func() { println(x) }()', 0],
      ['pkg/a.go', 'go func() { println(y) }()', 1],
    ]);
    assert.match(fixed.stderr, /2 entries of the baseline gohazard-baseline\.json match no finding any more/);
    assert.match(fixed.stderr, /^ {2}pkg\/a\.go: loopvar\/capture: go func\(\) \{ println\(x\) \}\(\)$/m);
    assert.match(fixed.stderr, /2 stale entries/);
    const sarif = JSON.parse(run(['scan', ...captureOnly, '--format', 'sarif', '--baseline', 'gohazard-baseline.json', './...'], dir).stdout);
    assert.equal(sarif.runs[0].properties.baseline.stale.length, 2);
    assert.deepEqual(sarif.runs[0].results.map((x: { baselineState: string }) => x.baselineState), ['new']);
    const text = run(['scan', ...captureOnly, '--baseline', 'gohazard-baseline.json', './...'], dir);
    assert.match(text.stdout, /^pkg\/a\.go:13:\d+: loop variable z captured .*\[loopvar\/capture\]\n$/);

    // From a subdirectory, paths stay relative to the baseline file; a scan of part of the tree has no stale entries elsewhere.
    const sub = run(['scan', ...captureOnly, '--format', 'json', '--baseline', '../gohazard-baseline.json', '.'], join(dir, 'pkg'));
    assert.deepEqual(reported(sub.stdout, join(dir, 'pkg')), ['a.go:added']);
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'o.go'), 'package other\n');
    assert.deepEqual(JSON.parse(run(['scan', ...captureOnly, '--format', 'json', '--baseline', 'gohazard-baseline.json', './other'], dir).stdout).baseline.stale, []);
    // Rules turned off have no stale entries either.
    assert.deepEqual(JSON.parse(run(['scan', ...captureOnly, '--rule', 'loopvar/capture=off', '--format', 'json', '--baseline', 'gohazard-baseline.json', './...'], dir).stdout).baseline.stale, []);
  });

  it('reads the baseline that .gohazard.json names (baseline key), relative to it; --baseline wins', () => {
    const dir = module();
    mkdirSync(join(dir, 'pkg'));
    writeFileSync(join(dir, 'pkg', 'a.go'), `package pkg\n\n${hazard('old')}`);
    mkdirSync(join(dir, 'ci'));
    assert.equal(run(['scan', ...captureOnly, '--write-baseline', 'ci/baseline.json', './...'], dir).code, 0);
    writeFileSync(join(dir, '.gohazard.json'), '{ "baseline": "ci/baseline.json" }\n');
    writeFileSync(join(dir, 'pkg', 'a.go'), `package pkg\n\n${hazard('added', 'z')}\n${hazard('old')}`);
    for (const [cwd, target] of [[dir, './...'], [join(dir, 'pkg'), '.']]) {
      const r = run(['scan', ...captureOnly, '--format', 'json', target], cwd);
      assert.equal(r.code, 1, r.stderr);
      assert.deepEqual(reported(r.stdout, cwd), [`${cwd === dir ? 'pkg/' : ''}a.go:added`]);
      assert.equal(JSON.parse(r.stdout).baseline.hidden, 1);
    }
    // An explicit --baseline wins over the key: an empty one hides nothing.
    writeFileSync(join(dir, 'empty.json'), '{"version": 1, "findings": []}');
    assert.deepEqual(reported(run(['scan', ...captureOnly, '--format', 'json', '--baseline', 'empty.json', './...'], dir).stdout, dir), ['pkg/a.go:added', 'pkg/a.go:old']);
    // A named file that is missing is an error that says where it was named; so are two roots that name different ones.
    writeFileSync(join(dir, '.gohazard.json'), '{ "baseline": "ci/none.json" }\n');
    const missing = run(['scan', ...captureOnly, './...'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /baseline ci\/none\.json: no such file/);
    mkdirSync(join(dir, 'other'));
    writeFileSync(join(dir, 'other', 'o.go'), 'package other\n');
    writeFileSync(join(dir, 'other', '.gohazard.json'), '{ "baseline": "mine.json" }\n');
    const two = run(['scan', ...captureOnly, './pkg', './other'], dir);
    assert.equal(two.code, 2);
    assert.match(two.stderr, /different baselines \(ci\/none\.json in \.gohazard\.json, other\/mine\.json in other\/\.gohazard\.json\)/);
  });

  it('identifies findings as GitLab Code Quality does: the same findings are new to both after code moves', () => {
    const dir = module();
    writeFileSync(join(dir, 'a.go'), `package m\n\n${hazard('old')}\n${hazard('twin', 'y')}\n${hazard('twin2', 'y')}`);
    const fingerprints = () => JSON.parse(run(['scan', ...captureOnly, '--format', 'codeclimate', '.'], dir).stdout).map((i: { fingerprint: string }) => i.fingerprint);
    assert.equal(run(['scan', ...captureOnly, '--write-baseline', 'b.json', '.'], dir).code, 0);
    const before = fingerprints();
    writeFileSync(join(dir, 'a.go'), `package m\n\n${hazard('added', 'z')}\n${hazard('old').replace(/\t/g, '  ')}\n${hazard('twin', 'y')}\n${hazard('twin2', 'y')}`);
    const after = fingerprints();
    const newToGitLab = after.filter((f: string) => !before.includes(f)).length;
    const newToBaseline = JSON.parse(run(['scan', ...captureOnly, '--format', 'json', '--baseline', 'b.json', '.'], dir).stdout).findings.length;
    assert.equal(before.length, 3);
    assert.equal(newToGitLab, 1);
    assert.equal(newToBaseline, 1);
  });

  it('rejects a missing, malformed or newer baseline file with a clear message (exit 2)', () => {
    const dir = module();
    writeFileSync(join(dir, 'a.go'), `package m\n\n${hazard('f')}`);
    const missing = run(['scan', '--baseline', 'none.json', '.'], dir);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /baseline none\.json: no such file \(create it with --write-baseline\)/);
    writeFileSync(join(dir, 'bad.json'), '{ nope');
    assert.match(run(['scan', '--baseline', 'bad.json', '.'], dir).stderr, /baseline bad\.json: not JSON/);
    writeFileSync(join(dir, 'v2.json'), '{"version": 2, "findings": []}');
    assert.match(run(['scan', '--baseline', 'v2.json', '.'], dir).stderr, /version 2 is not supported/);
    assert.equal(run(['scan', '--write-baseline', 'b.json', '--new-from-rev', 'HEAD', '.'], dir).code, 2);
  });
});

/**
 * Runs the CLI with stderr on a pseudo-terminal (python3's pty module) and stdout in a file, so that
 * what the terminal shows is stderr alone.
 */
function onTerminal(args: string[], cwd: string, env: NodeJS.ProcessEnv): { terminal: string; stdout: string; code: number | null } {
  const out = join(mkdtempSync(join(tmpdir(), 'gohazard-pty-')), 'stdout');
  const script = [
    'import os, pty, sys',
    'out = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)',
    'pid, fd = pty.fork()',
    'if pid == 0:',
    '    os.dup2(out, 1)',
    '    os.execv(sys.argv[2], sys.argv[2:])',
    'chunks = []',
    'while True:',
    '    try:',
    '        data = os.read(fd, 65536)',
    '    except OSError:',
    '        break',
    '    if not data:',
    '        break',
    '    chunks.append(data)',
    'status = os.waitpid(pid, 0)[1]',
    'sys.stdout.buffer.write(b"".join(chunks))',
    'sys.exit(os.WEXITSTATUS(status))',
  ].join('\n');
  const r = spawnSync('python3', ['-c', script, out, process.execPath, cliPath, ...args], { cwd, env, encoding: 'utf8' });
  assert.equal(r.error, undefined, 'python3 runs the pseudo-terminal');
  return { terminal: r.stdout, stdout: readFileSync(out, 'utf8'), code: r.status };
}

describe('gohazard scan on a terminal', () => {
  // Shown at once rather than after a second, so that the test does not depend on how long a scan takes.
  const env = { ...process.env, GOHAZARD_PROGRESS_DELAY_MS: '0', NO_COLOR: '' };
  const args = ['scan', '--threads', '0', '--fail-on', 'none', '--rule', 'escape/*=off', 'test/fixtures/loopvar/capture/...'];

  it('draws the progress line on stderr, erases it, and ends with a coloured summary', () => {
    const r = onTerminal(args, repoRoot, env);
    assert.equal(r.code, 0, r.terminal);
    assert.match(r.terminal, /\r\x1b\[2K\x1b\[2mscanning \d+\/\d+ files · \d+ findings? · test\/fixtures\/loopvar\//);
    // Erased before the summary, which is coloured.
    assert.match(r.terminal, /\r\x1b\[2K\x1b\[1m[\d,]+ findings\x1b\[22m \(.*\x1b\[33m[\d,]+ warnings\x1b\[39m.*\) in [\d,]+ files \([\d.]+ s\)\r?\n {2}by family: .*loopvar [\d,]+/);
    assert.ok(r.stdout.length > 0 && !r.stdout.includes('\x1b'), 'stdout, a file, has the findings and no escape codes');
  });

  it('shows neither progress nor colour with NO_COLOR or --quiet', () => {
    const plain = onTerminal(args, repoRoot, { ...env, NO_COLOR: '1' });
    assert.match(plain.terminal, /scanning /);
    assert.doesNotMatch(plain.terminal.replace(/\r\x1b\[2K/g, ''), /\x1b/);
    const quiet = onTerminal([...args, '--quiet'], repoRoot, env);
    assert.equal(quiet.terminal, '');
  });

  it('never draws progress when stderr is a pipe; the summary has no colour', () => {
    const r = run(args, repoRoot, env);
    assert.equal(r.code, 0);
    assert.doesNotMatch(r.stderr, /scanning|\r|\x1b/);
    assert.match(r.stderr, /^[\d,]+ findings \(.*\) in [\d,]+ files \([\d.]+ s\)$/m);
    assert.equal(run([...args, '-q'], repoRoot, env).stderr, '');
  });
});
