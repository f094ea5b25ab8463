// The CI formats of gohazard scan: GitHub Actions workflow commands and GitLab's Code Quality report.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeGithubData, escapeGithubProperty } from '../../server/src/cli/format/github';
import { cliPath, repoRoot } from '../helpers';

const loopvarOnly = ['--rule', 'escape/*=off', '--rule', 'alloc/*=off', '--rule', 'pool/*=off', '--rule', 'toolchain/*=off'];

function run(args: string[], cwd = repoRoot) {
  const r = spawnSync(process.execPath, [cliPath, 'scan', ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A go 1.21 module whose a.go holds two closures capturing x on one line and one on the next, below `padding` blank lines. */
function module(padding = 0, dir = mkdtempSync(join(tmpdir(), 'gohazard-ci-'))): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
  writeFileSync(
    join(dir, 'a.go'),
    `package m\n${'\n'.repeat(padding)}\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }(); go func() { println(x) }()\n\t\tgo func() { println(x) }()\n\t}\n}\n`,
  );
  return dir;
}

interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: string;
  location: { path: string; lines: { begin: number; end?: number } };
  type?: string;
  categories?: string[];
}

function codeQuality(dir: string, ...args: string[]): CodeQualityIssue[] {
  const r = run([...loopvarOnly, '--format', 'codeclimate', '--quiet', ...args, './...'], dir);
  assert.equal(r.stderr, '');
  return JSON.parse(r.stdout);
}

describe('gohazard scan --format github', () => {
  it('prints one workflow command per finding, with its position and rule', () => {
    const r = run([...loopvarOnly, 'examples', '--format', 'github']);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    assert.match(lines[0], /^::warning file=examples\/workers\.go,line=16,endLine=16,col=16,endColumn=20,title=gohazard loopvar\/capture::loop variable name captured by func literal started with go: .*\(this file is go1\.21 from go\.mod line 3\)$/);
  });

  it('maps severities to error, warning and notice', () => {
    const command = (severity: string) => /^::(\w+) /.exec(run([...loopvarOnly, 'examples', '--format', 'github', '--min-severity', 'hint', '--rule', `loopvar/capture=${severity}`]).stdout)?.[1];
    assert.deepEqual(['error', 'warning', 'info', 'hint'].map(command), ['error', 'warning', 'notice', 'notice']);
  });

  it('escapes what GitHub documents: %, CR and LF everywhere, : and , in properties', () => {
    assert.equal(escapeGithubData('100% done:\r\nnext, please'), '100%25 done:%0D%0Anext, please');
    assert.equal(escapeGithubProperty('dir:x/a,b%.go'), 'dir%3Ax/a%2Cb%25.go');
    const dir = module(0, join(mkdtempSync(join(tmpdir(), 'gohazard-ci-')), 'odd,name:dir'));
    const r = run([...loopvarOnly, '--format', 'github', 'odd,name:dir'], join(dir, '..'));
    assert.match(r.stdout, /^::warning file=odd%2Cname%3Adir\/a\.go,line=5,endLine=5,col=/m);
  });
});

describe('gohazard scan --format codeclimate', () => {
  it('writes GitLab Code Quality issues with every documented field', () => {
    const issues = codeQuality(module());
    assert.equal(issues.length, 3);
    for (const issue of issues) {
      assert.equal(typeof issue.description, 'string');
      assert.ok(issue.description.length > 0);
      assert.match(issue.check_name, /^loopvar\//);
      assert.match(issue.fingerprint, /^[0-9a-f]{64}$/);
      assert.ok(['info', 'minor', 'major', 'critical', 'blocker'].includes(issue.severity), issue.severity);
      assert.equal(issue.location.path, 'a.go');
      assert.ok(Number.isInteger(issue.location.lines.begin) && issue.location.lines.begin >= 1);
      assert.equal(issue.type, 'issue');
      assert.deepEqual(issue.categories, ['Bug Risk']);
    }
    assert.deepEqual(
      issues.map((i) => [i.check_name, i.severity, i.location.lines.begin]),
      [
        ['loopvar/capture', 'major', 5],
        ['loopvar/capture', 'major', 5],
        ['loopvar/capture', 'major', 6],
      ],
    );
    assert.equal(new Set(issues.map((i) => i.fingerprint)).size, issues.length, 'fingerprints are unique');
    assert.deepEqual(codeQuality(module(), '--rule', 'loopvar/*=error').map((i) => i.severity), ['critical', 'critical', 'critical']);
    assert.deepEqual(codeQuality(module(), '--rule', 'loopvar/*=off'), []);
  });

  it('lists a finding\'s related locations as other_locations', () => {
    const [capture] = JSON.parse(run([...loopvarOnly, '--format', 'codeclimate', 'examples']).stdout) as (CodeQualityIssue & { other_locations: unknown })[];
    assert.equal(capture.location.lines.begin, 16);
    assert.deepEqual(capture.other_locations, [{ path: 'examples/workers.go', lines: { begin: 12, end: 12 } }]);
  });

  it('keeps fingerprints when the code moves, so GitLab does not report moved findings as new', () => {
    const before = codeQuality(module());
    const after = codeQuality(module(5));
    assert.deepEqual(after.map((i) => i.location.lines.begin), before.map((i) => i.location.lines.begin + 5));
    assert.deepEqual(after.map((i) => i.fingerprint), before.map((i) => i.fingerprint));
  });
});
