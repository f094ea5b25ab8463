// The pieces behind --baseline and --new-from-*: what identifies a finding in a baseline, which entries
// are stale, and which findings a change touches.
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { applyBaseline, entriesOf } from '../../server/src/cli/baseline';
import { keepNewFindings } from '../../server/src/cli/newFindings';
import type { FileReport } from '../../server/src/cli/report';
import { SourceText } from '../../server/src/engine/sourceText';
import type { Finding } from '../../server/src/engine/types';

/** A finding of `rule` on the first occurrence of `text` at or after line `line` (0-based) of `source`. */
function finding(source: string, line: number, text: string, rule = 'loopvar/capture', endLine?: number): Finding {
  const lines = source.split('\n');
  const character = lines[line].indexOf(text);
  assert.ok(character >= 0, `${text} on line ${line}`);
  const end = endLine === undefined ? { line, character: character + text.length } : { line: endLine, character: 0 };
  return { rule, severity: 'warning', range: { start: { line, character }, end }, message: `m${line}`, fixes: [] };
}

function report(path: string, source: string, findings: Finding[]): FileReport {
  return { path, source: new SourceText(source), findings };
}

const baselinePath = join(process.cwd(), 'gohazard-baseline.json');

describe('baseline entries', () => {
  const before = 'package p\n\nfunc f() {\n\tgo func() { use(x, y) }()\n}\n';
  const after = '// moved\npackage p\n\n\n\nfunc f() {\n        go   func() { use(x, y) }()\n}\n';

  it('do not depend on line numbers, indentation or messages', () => {
    const a = entriesOf([report('pkg/a.go', before, [finding(before, 3, 'x')])], baselinePath).map((e) => e.entry);
    const b = entriesOf([report('pkg/a.go', after, [{ ...finding(after, 6, 'x'), message: 'reworded' }])], baselinePath).map((e) => e.entry);
    assert.deepEqual(a, b);
    assert.deepEqual(a[0].code, 'go func() { use(x, y) }()');
    assert.equal(a[0].file, 'pkg/a.go');
  });

  it('tell apart findings on the same line by the text they cover, and identical ones by occurrence in file order', () => {
    const source = 'package p\n\nfunc f() {\n\tgo func() { use(x, y) }()\n\tgo func() { use(x, y) }()\n}\n';
    const findings = [finding(source, 4, 'x'), finding(source, 3, 'y'), finding(source, 3, 'x')];
    const entries = entriesOf([report('a.go', source, findings)], baselinePath);
    const key = (i: number) => entries.find((e) => e.finding === findings[i])!.entry;
    // The two x captures have one fingerprint; y, on the same line as one of them, another.
    assert.equal(key(0).fingerprint, key(2).fingerprint);
    assert.notEqual(key(1).fingerprint, key(2).fingerprint);
    // Occurrences follow the file, not the order findings came in: line 3's x is the first.
    assert.deepEqual([key(2).occurrence, key(0).occurrence, key(1).occurrence], [0, 1, 0]);
  });

  it('are stale only when their file was scanned and their rule is on', () => {
    const source = 'package p\n\nfunc f() {\n\tgo func() { use(x, y) }()\n}\n';
    const entries = entriesOf([report('a.go', source, [finding(source, 3, 'x'), finding(source, 3, 'y', 'escape/closure')]), report('b.go', source, [finding(source, 3, 'x')])], baselinePath).map((e) => e.entry);
    const now = [report('a.go', source, [])];
    const stale = (files: string[], off: string[]) => applyBaseline(now, entries, baselinePath, { files, ruleEnabled: (r) => !off.includes(r) }).outcome.stale.map((e) => `${e.file}:${e.rule}`);
    assert.deepEqual(stale(['a.go', 'b.go'], []), ['a.go:escape/closure', 'a.go:loopvar/capture', 'b.go:loopvar/capture']);
    assert.deepEqual(stale(['a.go'], ['escape/closure']), ['a.go:loopvar/capture']);
  });
});

describe('findings a change touches', () => {
  const source = 'package p\n\nfunc f() {\n\ta()\n\tb()\n\tc()\n}\n';
  const one = finding(source, 3, 'a()');
  const span = finding(source, 3, 'a()', 'pool/missing-put', 5);
  const path = 'x.go';
  const keep = (change: { created?: boolean; lines?: number[]; deletedAfter?: number[] }, findings: Finding[]) =>
    keepNewFindings([report(path, source, findings)], new Map([[join(realpathSync(process.cwd()), path), { path, created: change.created ?? false, lines: change.lines ?? [], deletedAfter: change.deletedAfter ?? [] }]])).flatMap((r) => r.findings);

  it('are on an added or changed line of their range; a range ending at a line start does not cover that line', () => {
    assert.deepEqual(keep({ lines: [4] }, [one, span]), [one, span]);
    assert.deepEqual(keep({ lines: [5] }, [one, span]), [span]);
    assert.deepEqual(keep({ lines: [6] }, [one, span]), []);
  });

  it('span a deletion, or sit in a file the change creates', () => {
    assert.deepEqual(keep({ deletedAfter: [4] }, [one, span]), [span]);
    assert.deepEqual(keep({ deletedAfter: [3] }, [one, span]), []);
    assert.deepEqual(keep({ created: true }, [one, span]), [one, span]);
  });

  it('are never in files the change does not name', () => {
    assert.deepEqual(keepNewFindings([report('other.go', source, [one])], new Map()), []);
  });
});
