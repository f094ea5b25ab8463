import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnalysisCache } from '../../server/src/engine/analyzer';
import { EngineConfig, defaultConfig } from '../../server/src/engine/config';
import { GoDocument } from '../../server/src/engine/document';
import { Project } from '../../server/src/engine/project';
import type { FileFacts } from '../../server/src/engine/rule';
import { SourceText } from '../../server/src/engine/sourceText';
import { filesBelow, fixturesRoot, newProject } from '../helpers';
import { toEnginePath } from '../../server/src/node/nodeHost';
import { prng } from '../reliability/fuzz/random';

/** Tests about the loop-variable rules switch the other families off so that they stay exact. */
const loopvarOnly: EngineConfig = { rules: { 'escape/*': 'off', 'alloc/*': 'off', 'pool/*': 'off', 'toolchain/*': 'off' } };

const go121: FileFacts = { path: '/virtual/a.go', goMinor: 21, versionSource: { kind: 'default' }, toolchainMinor: 26, toolchainStatus: 'absent' };

function analyseFresh(project: Project, text: string, facts = go121, config: EngineConfig = defaultConfig) {
  const doc = new GoDocument(project.grammar, text);
  try {
    return project.analyzer.analyze(doc, facts, config).findings;
  } finally {
    doc.dispose();
  }
}

const snippets = ['x', ' ', '\n', '\r\n', '{', '}', '(', ')', 'item', '世界', '😀', '\tgo func() { fmt.Println(item) }()\n', 'for _, v := range xs {\n', '// c\n', ':=', '"', 'func g() {}\n'];

describe('analyzer', () => {
  let project: Project;
  before(async () => {
    project = await newProject();
  });

  it('incremental analysis equals a from-scratch analysis after every edit of random sequences', () => {
    const base = readFileSync(join(fixturesRoot, 'loopvar/capture/gostmt/gostmt.go'), 'utf8');
    for (const seed of [1, 2, 3, 4, 5]) {
      const rand = prng(seed);
      const doc = new GoDocument(project.grammar, base);
      const cache = new AnalysisCache();
      project.analyzer.analyze(doc, go121, defaultConfig, cache);
      for (let step = 0; step < 80; step++) {
        const source = new SourceText(doc.text);
        const start = Math.floor(rand() * (doc.text.length + 1));
        const kind = rand();
        const end = kind < 0.4 ? start : Math.min(doc.text.length, start + Math.floor(rand() * 12));
        const text = kind < 0.8 ? snippets[Math.floor(rand() * snippets.length)] : '';
        const range = { start: source.positionAt(start), end: source.positionAt(end) };
        doc.update([{ range, text }]);
        const incremental = project.analyzer.analyze(doc, go121, defaultConfig, cache).findings;
        const fresh = analyseFresh(project, doc.text);
        assert.deepEqual(incremental, fresh, `seed ${seed}, step ${step}: edit ${JSON.stringify({ range, text })}`);
      }
      doc.dispose();
    }
  });

  it('re-checks only the declaration that an edit changed', () => {
    const text = readFileSync(join(fixturesRoot, 'loopvar/capture/gostmt/gostmt.go'), 'utf8');
    const doc = new GoDocument(project.grammar, text);
    const cache = new AnalysisCache();
    const first = project.analyzer.analyze(doc, go121, defaultConfig, cache);
    assert.equal(first.stats.analysed, first.stats.declarations);
    // Insert a line at the top of threeClause's body: that function changes, those below only move.
    const source = new SourceText(doc.text);
    const at = doc.text.indexOf('func threeClause() {\n') + 'func threeClause() {\n'.length;
    doc.update([{ range: { start: source.positionAt(at), end: source.positionAt(at) }, text: '\t_ = 0\n' }]);
    const second = project.analyzer.analyze(doc, go121, defaultConfig, cache);
    assert.equal(second.stats.analysed, 1);
    assert.deepEqual(second.findings, analyseFresh(project, doc.text));
    doc.dispose();
  });

  it('a brace that hides most declarations for a keystroke evicts none of their results', () => {
    const functions = Array.from({ length: 200 }, (_, i) => `func f${i}(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n`);
    const text = `package p\n\n${functions.join('\n')}`;
    const doc = new GoDocument(project.grammar, text);
    const cache = new AnalysisCache();
    try {
      project.analyzer.analyze(doc, go121, loopvarOnly, cache);
      // A type declaration opened and not closed swallows every function after it.
      const at = new SourceText(text).positionAt(text.indexOf('func f3('));
      doc.update([{ range: { start: at, end: at }, text: 'type t struct {\n' }]);
      const broken = project.analyzer.analyze(doc, go121, loopvarOnly, cache);
      assert.ok(broken.stats.declarations < 10, `${broken.stats.declarations} declarations while the brace is open`);
      doc.update([{ range: { start: at, end: { line: at.line + 1, character: 0 } }, text: '' }]);
      const restored = project.analyzer.analyze(doc, go121, loopvarOnly, cache);
      assert.equal(doc.text, text);
      assert.deepEqual([restored.stats.declarations, restored.stats.analysed], [200, 0]);
      assert.deepEqual(restored.findings, analyseFresh(project, text, go121, loopvarOnly));
    } finally {
      doc.dispose();
    }
  });

  it('a declaration read by others: deleting it and adding it back, incremental equals fresh (every fixture, every declaration)', async function () {
    this.timeout(300_000);
    // Cached findings are reused while what their rules read outside the declaration is unchanged: a
    // read that escapes the recording (dependencies.ts) shows up here as a stale finding.
    for (const file of filesBelow(fixturesRoot, (name) => name.endsWith('.go'))) {
      const path = toEnginePath(file);
      const original = readFileSync(file, 'utf8');
      const facts = await project.facts(path, original);
      const probe = new GoDocument(project.grammar, original);
      const spans = probe.tree.rootNode.namedChildren.filter((n) => n && n.type !== 'comment' && n.type !== 'package_clause').map((n) => [n!.startIndex, n!.endIndex]);
      probe.dispose();
      const fresh = (text: string) => analyseFresh(project, text, facts);
      for (const [start, end] of spans) {
        const doc = new GoDocument(project.grammar, original);
        const cache = new AnalysisCache();
        try {
          project.analyzer.analyze(doc, facts, defaultConfig, cache);
          const source = new SourceText(original);
          const range = { start: source.positionAt(start), end: source.positionAt(end) };
          doc.update([{ range, text: '' }]);
          const where = `${file.slice(fixturesRoot.length + 1)}, declaration at line ${range.start.line + 1}`;
          assert.deepEqual(project.analyzer.analyze(doc, facts, defaultConfig, cache).findings, fresh(doc.text), `${where} deleted`);
          doc.update([{ range: { start: range.start, end: range.start }, text: original.slice(start, end) }]);
          assert.deepEqual(project.analyzer.analyze(doc, facts, defaultConfig, cache).findings, fresh(original), `${where} added back`);
        } finally {
          doc.dispose();
        }
      }
    }
  });

  it('re-checks everything when the language version changes, and reports nothing from go1.22', () => {
    const text = readFileSync(join(fixturesRoot, 'loopvar/capture/gostmt/gostmt.go'), 'utf8');
    const doc = new GoDocument(project.grammar, text);
    const cache = new AnalysisCache();
    assert.ok(project.analyzer.analyze(doc, go121, loopvarOnly, cache).findings.length > 0);
    assert.deepEqual(project.analyzer.analyze(doc, { ...go121, goMinor: 22 }, loopvarOnly, cache).findings, []);
    doc.dispose();
  });

  it('honours rule settings by id and by family', () => {
    const text = readFileSync(join(fixturesRoot, 'loopvar/capture/gostmt/gostmt.go'), 'utf8');
    const doc = new GoDocument(project.grammar, text);
    assert.deepEqual(project.analyzer.analyze(doc, go121, { rules: { ...loopvarOnly.rules, 'loopvar/*': 'off' } }).findings, []);
    const asErrors = project.analyzer.analyze(doc, go121, { rules: { ...loopvarOnly.rules, 'loopvar/*': 'hint', 'loopvar/capture': 'error' } }).findings;
    const captures = asErrors.filter((f) => f.rule === 'loopvar/capture');
    assert.ok(captures.length > 0 && captures.every((f) => f.severity === 'error'));
    assert.ok(asErrors.filter((f) => f.rule !== 'loopvar/capture').every((f) => f.severity === 'hint'));
    doc.dispose();
  });

  it('a message is one line, also when it quotes source spread over lines', () => {
    const text = 'package p\n\nimport "sync"\n\nvar pool = sync.Pool{New: func() any { return make([]byte, 0, 64) }}\n\nfunc put(buf []byte) {\n\tpool.Put(append(\n\t\tbuf[:0],\n\t\t1,\n\t))\n}\n';
    const findings = analyseFresh(project, text, go121, { rules: { 'pool/put-non-pointer': 'warning' }, escapeScope: 'all' }).filter((f) => f.rule === 'pool/put-non-pointer');
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /pool\.Put\(append\( buf\[:0\], 1, \)\)/);
    for (const m of [findings[0].message, ...(findings[0].related ?? []).map((r) => r.message)]) assert.doesNotMatch(m, /[\r\n\u2028\u2029]/);
  });

  it('keeps going when a rule throws, and says which rule', async () => {
    const errors: string[] = [];
    const { Analyzer } = await import('../../server/src/engine/analyzer');
    const broken = new Analyzer(project.grammar, [{ id: 'loopvar/broken', summary: '', help: '', defaultSeverity: 'warning', kind: 'hazard', query: '(go_statement) @g', check: () => { throw new Error('boom'); } }], (id) => errors.push(id));
    const doc = new GoDocument(project.grammar, 'package p\nfunc f() { go g() }\n');
    assert.deepEqual(broken.analyze(doc, go121, defaultConfig).findings, []);
    assert.deepEqual(errors, ['loopvar/broken']);
    doc.dispose();
  });
});

describe('suppressions', () => {
  let project: Project;
  before(async () => {
    project = await newProject();
  });
  const loop = (line: string) => `package p\nimport "fmt"\nfunc f(xs []int) {\n\tfor _, x := range xs {\n${line}\n\t}\n}\n`;
  const captureOnly: EngineConfig = { rules: { ...loopvarOnly.rules, 'loopvar/*': 'off', 'loopvar/capture': 'warning' } };
  const analyse = (text: string) => analyseFresh(project, text, go121, captureOnly);

  it('//gohazard:ignore with a reason on the line above or the same line suppresses', () => {
    assert.deepEqual(analyse(loop('\t\t//gohazard:ignore loopvar/capture joined right away\n\t\tgo func() { fmt.Println(x) }()')), []);
    assert.deepEqual(analyse(loop('\t\tgo func() { fmt.Println(x) }() //gohazard:ignore loopvar/* joined right away')), []);
  });

  it('a //gohazard:ignore without a reason or with an unknown rule is reported itself', () => {
    const noReason = analyse(loop('\t\t//gohazard:ignore loopvar/capture\n\t\tgo func() { fmt.Println(x) }()'));
    assert.deepEqual(noReason.map((f) => f.rule), ['gohazard/suppression']);
    assert.match(noReason[0].message, /needs a reason/);
    const unknown = analyse(loop('\t\t//gohazard:ignore loopvar/nope because\n\t\tgo func() { fmt.Println(x) }()'));
    assert.deepEqual(unknown.map((f) => f.rule).sort(), ['gohazard/suppression', 'loopvar/capture']);
  });

  it('//nolint trailing a line, or alone above a statement, suppresses like golangci-lint', () => {
    assert.deepEqual(analyse(loop('\t\tgo func() { fmt.Println(x) }() //nolint:gohazard')), []);
    assert.deepEqual(analyse(loop('\t\t//nolint:all // fine here\n\t\tgo func() {\n\t\t\tfmt.Println(x)\n\t\t}()')), []);
    assert.equal(analyse(loop('\t\tgo func() { fmt.Println(x) }() //nolint:errcheck')).length, 1);
    assert.equal(analyse(loop('\t\tgo func() { fmt.Println(x) }() // "//nolint" in a comment body is not a directive')).length, 1);
  });

  it('silencing another tool\'s check silences the rule that checks the same thing (Rule.sameAs)', () => {
    assert.deepEqual(analyse(loop('\t\tgo func() { fmt.Println(x) }() //nolint:govet // joined below')), []);
    const pool = (comment: string) =>
      analyseFresh(project, `package p\nimport "sync"\nvar pool sync.Pool\nfunc put(b []byte) {\n${comment}\n\tpool.Put(b)\n}\n`, go121, { rules: { 'pool/put-non-pointer': 'warning' }, escapeScope: 'all' }).map((f) => f.rule).filter((r) => r.startsWith('pool/'));
    assert.deepEqual(pool(''), ['pool/put-non-pointer']);
    assert.deepEqual(pool('\t//nolint:staticcheck // the slice header is small'), []);
    assert.deepEqual(pool('\t//lint:ignore SA6002 the slice header is small'), []);
    assert.deepEqual(pool('\t//lint:ignore SA4006 another check'), ['pool/put-non-pointer']);
    assert.deepEqual(pool('\t//nolint:errcheck'), ['pool/put-non-pointer']);
  });
});
