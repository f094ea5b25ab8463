// The pieces behind --baseline and --new-from-*: what identifies a finding in a baseline, which entries
// are stale, which findings a change touches; and the summary that says what they hid.
import assert from 'node:assert/strict';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { applyBaseline, entriesOf } from '../../server/src/cli/baseline';
import { keepNewFindings } from '../../server/src/cli/newFindings';
import { formatSummary } from '../../server/src/cli/summary';
import { colourFor } from '../../server/src/cli/terminal';
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

describe('the scan summary', () => {
  const source = 'package p\n\nfunc f() {\n\ta()\n}\n';
  const plain = colourFor({ isTTY: false });

  it('counts findings by severity and family, and says what was hidden and what the cache answered', () => {
    const findings = [finding(source, 3, 'a()'), { ...finding(source, 3, 'a()', 'escape/closure'), severity: 'info' as const }, finding(source, 3, 'a()', 'loopvar/address')];
    const text = formatSummary(
      {
        files: 1234,
        elapsedMs: 2345,
        reports: [report('a.go', source, findings)],
        belowMinimum: { severity: 'info', count: 2 },
        baseline: { path: 'b.json', hidden: 7, stale: [] },
        newFrom: { source: '--new-from-rev main', hidden: 3 },
        cache: { hits: 1000, misses: 234 },
      },
      plain,
    );
    assert.equal(
      text,
      [
        '3 findings (2 warnings, 1 info) in 1,234 files (2.3 s)',
        '  by family: loopvar 2 · escape 1',
        '  baseline b.json: 7 hidden',
        '  --min-severity info: 2 hidden (less severe)',
        '  --new-from-rev main: 3 hidden (on lines the change does not touch)',
        '  cache: 1,000 of 1,234 files reused',
        '',
      ].join('\n'),
    );
    assert.equal(formatSummary({ files: 1, elapsedMs: 40, reports: [] }, plain), 'no findings in 1 file (0.0 s)\n');
  });

  it('is coloured only for a terminal without NO_COLOR', () => {
    const input = { files: 1, elapsedMs: 0, reports: [report('a.go', source, [finding(source, 3, 'a()')])] };
    assert.match(formatSummary(input, colourFor({ isTTY: true }, {})), /\x1b\[33m1 warning\x1b\[39m/);
    assert.doesNotMatch(formatSummary(input, colourFor({ isTTY: true }, { NO_COLOR: '1' })), /\x1b/);
  });
});
