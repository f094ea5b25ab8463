import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseWants } from '../harness/wants';
import { cliPath, filesBelow, repoRoot } from '../helpers';

/** The scan tests are about the loop-variable findings of examples/; other families are switched off. */
const loopvarOnly = ['--rule', 'escape/*=off', '--rule', 'alloc/*=off', '--rule', 'pool/*=off', '--rule', 'toolchain/*=off'];

function run(args: string[], cwd = repoRoot) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A module at go 1.21 with one capture after a Chinese comment and an emoji on the same line. */
function nonAsciiModule(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-cli-'));
  writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
  writeFileSync(
    join(dir, 'a.go'),
    'package m\n\nimport "fmt"\n\nfunc f(xs []string) {\n\tfor _, x := range xs {\n\t\tgo func() { /* 中文😀 */ fmt.Println(x) }()\n\t}\n}\n',
  );
  mkdirSync(join(dir, 'testdata'));
  writeFileSync(join(dir, 'testdata', 'skipped.go'), 'package x\nfunc f(xs []int) { for _, x := range xs { go func() { _ = x }() } }\n');
  return dir;
}

describe('gohazard scan', () => {
  it('reports the capture in the examples with Go-style line and byte column (text)', () => {
    const r = run(['scan', ...loopvarOnly, 'examples']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^examples\/workers\.go:16:16: loop variable name captured by func literal .* \[loopvar\/capture\]$/m);
  });

  it('prints JSON with the documented fields', () => {
    const r = run(['scan', ...loopvarOnly, 'examples', '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.version, 1);
    assert.equal(out.files, 1);
    assert.deepEqual(
      out.findings.map((f: Record<string, unknown>) => [f.file, f.line, f.column, f.endLine, f.endColumn, f.rule, f.severity]),
      [['examples/workers.go', 16, 16, 16, 20, 'loopvar/capture', 'warning']],
    );
    // One problem, one finding: what changes at go1.22 for that variable is its related location.
    assert.deepEqual(
      out.findings[0].related.map((r: Record<string, unknown>) => [r.line, r.column, r.endLine, r.endColumn]),
      [[12, 9, 12, 13]],
    );
    assert.match(out.findings[0].related[0].message, /loop variable name changes meaning at go1\.22/);
  });

  it('prints SARIF 2.1.0 with rule metadata', () => {
    const r = run(['scan', ...loopvarOnly, 'examples', '--format=sarif']);
    assert.equal(r.code, 1, r.stderr);
    const sarif = JSON.parse(r.stdout);
    assert.equal(sarif.version, '2.1.0');
    const run0 = sarif.runs[0];
    const rule = run0.tool.driver.rules.find((x: { id: string }) => x.id === 'loopvar/capture');
    assert.ok(rule.shortDescription.text && rule.help.text);
    assert.equal(rule.helpUri, 'https://github.com/gohazard/gohazard/blob/main/docs/rules/loopvar/capture.md');
    assert.deepEqual(run0.results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level]), [
      ['loopvar/capture', 'warning'],
    ]);
    const capture = run0.results[0];
    assert.equal(run0.tool.driver.rules[capture.ruleIndex].id, 'loopvar/capture');
    assert.deepEqual(capture.locations[0].physicalLocation.region, { startLine: 16, startColumn: 16, endLine: 16, endColumn: 20 });
    assert.deepEqual(capture.relatedLocations[0].physicalLocation.region, { startLine: 12, startColumn: 9, endLine: 12, endColumn: 13 });
  });

  it('counts columns in bytes after non-ASCII text, and skips testdata', () => {
    const dir = nonAsciiModule();
    const r = run(['scan', ...loopvarOnly, './...', '--format', 'json', '--rule', 'loopvar/semantics-change=off'], dir);
    const out = JSON.parse(r.stdout);
    assert.equal(out.files, 1);
    // "\t\tgo func() { /* 中文😀 */ fmt.Println(" is 2+12+3+6+4+4+12 = 43 bytes (UTF-16: 2+12+3+2+2+4+12 = 37 units).
    assert.deepEqual(out.findings.map((f: { line: number; column: number }) => [f.line, f.column]), [[7, 44]]);
    const sarif = JSON.parse(run(['scan', ...loopvarOnly, './...', '--format', 'sarif', '--rule', 'loopvar/semantics-change=off'], dir).stdout);
    assert.equal(sarif.runs[0].results[0].locations[0].physicalLocation.region.startColumn, 38);
  });

  it('exits by --fail-on: 0 below the threshold, 1 at or above it', () => {
    assert.equal(run(['scan', ...loopvarOnly, 'examples', '--fail-on', 'error']).code, 0);
    assert.equal(run(['scan', ...loopvarOnly, 'examples', '--fail-on', 'none']).code, 0);
    assert.equal(run(['scan', ...loopvarOnly, 'examples', '--fail-on', 'hint']).code, 1);
    assert.equal(run(['scan', ...loopvarOnly, 'examples', '--rule', 'loopvar/capture=error', '--fail-on', 'error']).code, 1);
    assert.equal(run(['scan', ...loopvarOnly, 'examples', '--rule', 'loopvar/*=off']).code, 0);
  });

  it('gives the same results on worker threads as in one thread', () => {
    const args = ['scan', ...loopvarOnly, 'test/fixtures/loopvar/...', '--format', 'json', '--fail-on', 'none'];
    const threaded = run([...args, '--threads', '2']);
    const single = run([...args, '--threads', '0']);
    assert.equal(threaded.code, 0, threaded.stderr);
    assert.ok(JSON.parse(threaded.stdout).findings.length > 50);
    assert.equal(threaded.stdout, single.stdout);
  });

  it('--go-version analyses files as if written for that Go version', () => {
    const go122 = join(repoRoot, 'test/fixtures/loopvar/capture/go122/capture.go');
    assert.equal(run(['scan', ...loopvarOnly, go122, '--format', 'json']).stdout.includes('loopvar/capture'), false);
    const forced = JSON.parse(run(['scan', ...loopvarOnly, go122, '--format', 'json', '--go-version', '1.21']).stdout);
    const captures = forced.findings.filter((f: { rule: string }) => f.rule === 'loopvar/capture');
    assert.ok(captures.length > 0);
    assert.match(captures[0].message, /go1\.21, as set by --go-version/);
    assert.equal(run(['scan', ...loopvarOnly, go122, '--go-version', 'latest']).code, 2);
  });

  it('exits 2 with a clear message on usage errors and missing paths', () => {
    const badFormat = run(['scan', ...loopvarOnly, '--format', 'xml', 'examples']);
    assert.equal(badFormat.code, 2);
    assert.match(badFormat.stderr, /--format must be one of text, json, sarif, github, codeclimate, not "xml"/);
    const missing = run(['scan', ...loopvarOnly, 'no/such/dir']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no\/such\/dir: no such file or directory/);
    assert.equal(run(['frobnicate']).code, 2);
    assert.equal(run(['scan', ...loopvarOnly, '--rule', 'loopvar/capture=loud', 'examples']).code, 2);
  });
});

describe('gohazard upgrade-impact', () => {
  const module = join(repoRoot, 'test/fixtures/loopvar/semantics-change/go121');

  it('lists exactly the loops the semantics-change fixtures expect, with a summary', () => {
    const r = run(['upgrade-impact', '--format', 'json', module]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    // Expected: every `changes meaning` want of the module's files whose version comes from go.mod.
    const expected: string[] = [];
    for (const file of filesBelow(module, (n) => n.endsWith('.go'))) {
      const text = readFileSync(file, 'utf8');
      if (/^\/\/go:build/m.test(text)) continue;
      for (const w of parseWants(text)) if (/changes meaning/.test(w.pattern.source)) expected.push(`${relative(repoRoot, file)}:${w.line + 1}:${/loop variable (\w+)/.exec(w.pattern.source)![1]}`);
    }
    const got = out.changes.map((c: { file: string; line: number; variable: string }) => `${c.file}:${c.line}:${c.variable}`);
    assert.deepEqual(got.sort(), expected.sort());
    assert.equal(out.goVersion, 'go1.21');
    assert.equal(out.target, 'go1.22');
    assert.equal(out.loops, new Set(expected.map((e) => e.split(':').slice(0, 2).join(':'))).size);
    assert.match(out.summary, /^\d+ loops \(\d+ loop variables\) in 2 of \d+ files change meaning when .*go\.mod moves from go1\.21 to go1\.22\.$/);
  });

  it('says when the module is already go1.22, and fails clearly outside a module', () => {
    const upToDate = run(['upgrade-impact', join(repoRoot, 'test/fixtures/loopvar/capture/go122')]);
    assert.equal(upToDate.code, 0);
    assert.match(upToDate.stdout, /is already go1\.22: loop variables are per-iteration, nothing changes\./);
    const outside = run(['upgrade-impact', mkdtempSync(join(tmpdir(), 'gohazard-nomod-'))]);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /no go\.mod in this directory or above it/);
  });
});
