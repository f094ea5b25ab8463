import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliPath } from '../helpers';

const capture = 'package m\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n';

/** A repository (it has .git, so no .gohazard.json above it counts) holding a go 1.21 module with a capture in a.go and in gen/b.go. */
function repository(config?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-config-'));
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
  writeFileSync(join(dir, 'a.go'), capture);
  mkdirSync(join(dir, 'gen'));
  writeFileSync(join(dir, 'gen', 'b.go'), capture.replace('package m', 'package gen'));
  if (config !== undefined) writeFileSync(join(dir, '.gohazard.json'), config);
  return dir;
}

function scan(cwd: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [cliPath, 'scan', '--format', 'json', '--quiet', ...args, './...'], { cwd, encoding: 'utf8' });
  const findings: string[] = r.stdout ? JSON.parse(r.stdout).findings.map((f: { file: string; rule: string }) => `${f.file} ${f.rule}`) : [];
  return { code: r.status, findings, stderr: r.stderr };
}

describe('gohazard scan with a .gohazard.json', () => {
  it('applies its rules: loopvar/capture off reports no loopvar/capture', () => {
    const without = scan(repository());
    assert.ok(without.findings.includes('a.go loopvar/capture'), without.findings.join(', '));
    const dir = repository('// the team\'s settings\n{ "rules": { "loopvar/capture": "off" } }\n');
    const r = scan(dir, '--min-severity', 'hint');
    assert.equal(r.stderr, '');
    // The other rules still report: what changes at go1.22, no longer folded into the capture.
    assert.ok(r.findings.includes('a.go loopvar/semantics-change'), r.findings.join(', '));
    assert.deepEqual(r.findings.filter((f) => f.endsWith('loopvar/capture')), []);
    // From a subdirectory too: the file is found by walking up from each Go file.
    assert.deepEqual(scan(join(dir, 'gen')).findings.filter((f) => f.endsWith('loopvar/capture')), []);
  });

  it('lets command-line flags override it, rule by rule', () => {
    const dir = repository('{ "rules": { "loopvar/*": "off", "escape/*": "off" } }');
    assert.deepEqual(scan(dir).findings, []);
    assert.deepEqual(scan(dir, '--rule', 'loopvar/capture=warning').findings, ['a.go loopvar/capture', 'gen/b.go loopvar/capture']);
  });

  it('excludes files by globs relative to its directory, and sets the exit threshold', () => {
    const dir = repository('{ "exclude": ["gen/**"], "rules": { "loopvar/capture": "info" }, "failOn": "info" }');
    const r = scan(dir, '--rule', 'escape/*=off');
    assert.deepEqual(r.findings, ['a.go loopvar/capture']);
    assert.equal(r.code, 1);
    assert.equal(scan(dir, '--fail-on', 'warning').code, 0);
  });

  it('the nearest file wins', () => {
    const dir = repository('{ "rules": { "loopvar/capture": "off" } }');
    writeFileSync(join(dir, 'gen', '.gohazard.json'), '{ "rules": { "escape/*": "off" } }');
    assert.deepEqual(scan(dir, '--rule', 'escape/*=off', '--rule', 'loopvar/semantics-change=off').findings, ['gen/b.go loopvar/capture']);
  });

  it('says what is wrong in it on stderr, with file:line:col, and still applies the valid parts', () => {
    const dir = repository('{\n  "rules": { "loopvar/capture": "off", "loopvar/nope": "off" },\n  "escapeScope": "everywhere",\n  "failOn": "never",\n  "colour": true\n}\n');
    const r = scan(dir);
    // Nothing at warning (the default threshold, as failOn is invalid) is left once the capture is off.
    assert.equal(r.code, 0);
    assert.deepEqual(r.findings.filter((f) => f.endsWith('loopvar/capture')), []);
    assert.equal(
      r.stderr,
      [
        'gohazard: .gohazard.json:2:40: unknown rule id "loopvar/nope"',
        'gohazard: .gohazard.json:3:18: escapeScope must be one of "hot", "loops", "all", not "everywhere"',
        'gohazard: .gohazard.json:4:13: failOn must be one of "error", "warning", "info", "hint", "none", not "never"',
        'gohazard: .gohazard.json:5:3: unknown key "colour"; .gohazard.json knows rules, exclude, escapeScope, profile, failOn, baseline',
        '',
      ].join('\n'),
    );
    const broken = scan(repository('{ "rules": { "loopvar/capture": "off" }'));
    assert.match(broken.stderr, /^gohazard: \.gohazard\.json:1:40: unexpected end of file: \} is missing; gohazard ignores this file until it is valid JSON/);
    assert.ok(broken.findings.includes('a.go loopvar/capture'));
  });
});
