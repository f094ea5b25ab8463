// The pool/ family beyond its fixtures: incremental analysis equals a from-scratch analysis also when
// the facts come from the file's own function bodies and from other files, the package index summarises
// each file once, and what indexing a large package costs (printed, not asserted).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AnalysisCache } from '../../server/src/engine/analyzer';
import type { EngineConfig } from '../../server/src/engine/config';
import { GoDocument } from '../../server/src/engine/document';
import { Indexer, PackageIndex } from '../../server/src/engine/packageIndex';
import { Project } from '../../server/src/engine/project';
import type { FileFacts } from '../../server/src/engine/rule';
import { SourceText } from '../../server/src/engine/sourceText';
import type { Finding } from '../../server/src/engine/types';
import { loadGrammar, nodeFileHost, toEnginePath } from '../../server/src/node/nodeHost';
import { poolRules } from '../../server/src/rules/pool';
import { POOL_INDEX, PoolFileSummary, poolIndexer, summarizeFile } from '../../server/src/rules/pool/summary';
import { prng } from '../reliability/fuzz/random';
import { newProject } from '../helpers';

// Only the pool family is loaded: these tests must not depend on other families' rules.
const fixturesRoot = resolve(__dirname, '..', '..', '..', 'test', 'fixtures');
const allPoolRules: EngineConfig = { rules: Object.fromEntries(poolRules.map((r) => [r.id, r.defaultSeverity])) };

/** Edits that create and destroy what the pool rules look at: Gets, Puts, resets, New, defer, returns. */
const snippets = [
  'x', ' ', '\n', '{', '}', '(', ')', '// c\n', 'return\n', 'defer ', 'buf', '[:0]', '.Reset()',
  '\tbufPool.Put(buf)\n', '\tbuf := bufPool.Get().(*bytes.Buffer)\n', '\tbufPool.New = func() any { return new(strings.Builder) }\n',
  '\tvar p sync.Pool\n', 'func g(s Server) {}\n', 'if ok {\n', 'for range 3 {\n', '*', '&', 'sync.Pool', '世界',
];

const fixtureFiles = [
  'pool/use-after-put/basic/use.go',
  'pool/missing-put/basic/put.go',
  'pool/missing-reset/basic/reset.go',
  'pool/type-mismatch/basic/get.go',
  'pool/get-without-new/basic/get.go',
  'pool/copied/receivers/values.go',
];

describe('pool rules', () => {
  let project: Project;
  before(async () => {
    project = new Project(await loadGrammar(), poolRules, nodeFileHost, (rule, error) => {
      throw new Error(`rule ${rule} threw: ${(error as Error)?.stack ?? error}`);
    });
  });

  const fresh = async (path: string, text: string): Promise<Finding[]> => (await project.analyzeText(path, text, allPoolRules)).findings;

  it('incremental analysis equals a from-scratch analysis after every edit of random sequences (own file and package view)', async function () {
    this.timeout(120_000);
    for (const [n, file] of fixtureFiles.entries()) {
      const path = toEnginePath(join(fixturesRoot, file));
      const base = readFileSync(join(fixturesRoot, file), 'utf8');
      for (const seed of [1, 2]) {
        const rand = prng(seed * 100 + n);
        const doc = new GoDocument(project.grammar, base);
        const cache = new AnalysisCache();
        project.analyzer.analyze(doc, await project.facts(path, doc.text), allPoolRules, cache);
        for (let step = 0; step < 20; step++) {
          const source = new SourceText(doc.text);
          const start = Math.floor(rand() * (doc.text.length + 1));
          const kind = rand();
          const end = kind < 0.4 ? start : Math.min(doc.text.length, start + Math.floor(rand() * 12));
          const text = kind < 0.85 ? snippets[Math.floor(rand() * snippets.length)] : '';
          const range = { start: source.positionAt(start), end: source.positionAt(end) };
          doc.update([{ range, text }]);
          const incremental = project.analyzer.analyze(doc, await project.facts(path, doc.text), allPoolRules, cache).findings;
          assert.deepEqual(incremental, await fresh(path, doc.text), `${file} seed ${seed}, step ${step}: edit ${JSON.stringify({ range, text })}`);
        }
        doc.dispose();
      }
    }
  });

  it('a New installed in another function of the same file re-checks the Gets (the own summary is in the cache key)', async () => {
    const path = toEnginePath(join(fixturesRoot, 'pool/get-without-new/basic/get.go'));
    const text = `${readFileSync(join(fixturesRoot, 'pool/get-without-new/basic/get.go'), 'utf8')}\nfunc init() { _ = 0 }\n`;
    const doc = new GoDocument(project.grammar, text);
    const cache = new AnalysisCache();
    const rule = { rules: { ...allPoolRules.rules, 'pool/missing-put': 'off' as const, 'pool/missing-reset': 'off' as const } };
    const before = project.analyzer.analyze(doc, await project.facts(path, doc.text), rule, cache).findings;
    assert.ok(before.some((f) => f.rule === 'pool/get-without-new' && f.message.startsWith('noNew ')));
    // Only init's body changes: no declaration with a Get, no function name, yet their findings must.
    const source = new SourceText(doc.text);
    const at = doc.text.lastIndexOf('_ = 0');
    doc.update([{ range: { start: source.positionAt(at), end: source.positionAt(at + 5) }, text: 'noNew.New = func() any { return new(bytes.Buffer) }' }]);
    const after = project.analyzer.analyze(doc, await project.facts(path, doc.text), rule, cache);
    assert.ok(!after.findings.some((f) => f.message.startsWith('noNew ')), 'noNew now has a New');
    assert.deepEqual(after.findings, (await project.analyzeText(path, doc.text, rule)).findings);
    doc.dispose();
  });

  it('a sibling file opened with changes (an overlay) changes the findings, and closing it restores them', async () => {
    const dir = join(fixturesRoot, 'pool/type-mismatch/basic');
    const path = toEnginePath(join(dir, 'get.go'));
    const sibling = toEnginePath(join(dir, 'pool.go'));
    const text = readFileSync(join(dir, 'get.go'), 'utf8');
    const doc = new GoDocument(project.grammar, text);
    const cache = new AnalysisCache();
    const count = (fs: Finding[]) => fs.filter((f) => f.rule === 'pool/type-mismatch' && f.message.includes('New of bufPool')).length;
    const before = project.analyzer.analyze(doc, await project.facts(path, doc.text), allPoolRules, cache).findings;
    assert.ok(count(before) > 0);
    const poolText = readFileSync(join(dir, 'pool.go'), 'utf8');
    project.packages.setOverlay(sibling, poolText.replace('return new(bytes.Buffer) }}', 'return factory() }}'));
    const during = project.analyzer.analyze(doc, await project.facts(path, doc.text), allPoolRules, cache).findings;
    assert.equal(count(during), 0, 'bufPool\'s New is no longer known');
    assert.deepEqual(during, await fresh(path, doc.text));
    project.packages.setOverlay(sibling, undefined);
    const after = project.analyzer.analyze(doc, await project.facts(path, doc.text), allPoolRules, cache).findings;
    assert.deepEqual(after, before);
    doc.dispose();
  });

  it('a sibling that starts to declare a pool in a package without one re-checks every declaration (the word Pool is in the cache key)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-pool-'));
    try {
      const path = toEnginePath(join(dir, 'get.go'));
      const decl = toEnginePath(join(dir, 'decl.go'));
      writeFileSync(join(dir, 'decl.go'), 'package r\n\nvar bufs []byte\n');
      const text = 'package r\n\nimport "bytes"\n\nfunc render(s string) string {\n\tb := bufs.Get().(*bytes.Buffer)\n\tb.WriteString(s)\n\tout := b.String()\n\tb.Reset()\n\tbufs.Put(b)\n\treturn out\n}\n';
      writeFileSync(path, text);
      const doc = new GoDocument(project.grammar, text);
      const cache = new AnalysisCache();
      const before = project.analyzer.analyze(doc, await project.facts(path, doc.text), allPoolRules, cache).findings;
      assert.deepEqual(before, []);
      project.packages.setOverlay(decl, 'package r\n\nimport "sync"\n\nvar bufs sync.Pool\n');
      const during = project.analyzer.analyze(doc, await project.facts(path, doc.text), allPoolRules, cache).findings;
      assert.ok(during.some((f) => f.rule === 'pool/get-without-new'), 'bufs is now a pool without New');
      assert.deepEqual(during, await fresh(path, doc.text));
      project.packages.setOverlay(decl, undefined);
      assert.deepEqual(project.analyzer.analyze(doc, await project.facts(path, doc.text), allPoolRules, cache).findings, before);
      doc.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a package view, reads only top-level declarations (which the cache key covers)', () => {
    const text = 'package p\n\nimport "sync"\n\nvar p sync.Pool\n\nfunc f() []byte {\n\treturn p.Get().([]byte)\n}\n\nfunc init() { p.New = func() any { return []byte{} } }\n';
    const doc = new GoDocument(project.grammar, text);
    const facts: FileFacts = { path: '/virtual/p.go', goMinor: 22, versionSource: { kind: 'default' }, toolchainMinor: 26, toolchainStatus: 'absent' };
    const findings = project.analyzer.analyze(doc, facts, allPoolRules).findings;
    // init's New is in a function body, invisible here: the pool's New is unknown, not absent.
    assert.deepEqual(findings.filter((f) => f.rule === 'pool/get-without-new'), []);
    doc.dispose();
  });

  it('summarises each file once per indexer id, however many rules register the indexer', async () => {
    const grammar = project.grammar;
    let calls = 0;
    const counting: Indexer = { id: 'counting', summarize: () => ++calls };
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-pool-'));
    try {
      writeFileSync(join(dir, 'a.go'), 'package p\n');
      writeFileSync(join(dir, 'b.go'), 'package p\n');
      const index = new PackageIndex(grammar, nodeFileHost, [counting, counting, counting]);
      const view = await index.viewFor(toEnginePath(join(dir, 'a.go')), 'package p\n');
      assert.equal(calls, 0, 'no other file is summarised before a rule reads what it says');
      assert.deepEqual(view!.summaries('counting').map((s) => s.summary), [1], 'b.go once');
      assert.equal(calls, 1);
      assert.equal(view!.own('counting'), 2, 'a.go itself only when a rule reads its own summary');
      assert.equal(calls, 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an edit that comes back to an earlier text (a brace typed and deleted, an undo) reuses its own summary and derived facts', async () => {
    let summaries = 0;
    let derivations = 0;
    // The input key is the file's text: every edit changes it.
    const counting: Indexer = { id: 'counting', summarize: (root) => (summaries++, root.text.length), inputKey: (root) => root.text };
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-pool-'));
    try {
      const path = toEnginePath(join(dir, 'a.go'));
      const index = new PackageIndex(project.grammar, nodeFileHost, [counting]);
      const read = async (text: string) => {
        index.setOverlay(path, text);
        const view = (await index.viewFor(path, text))!;
        return view.derived('twice', (v) => (derivations++, 2 * (v.own('counting') as number)));
      };
      const base = 'package p\n\nfunc f() {\n}\n';
      const braced = 'package p\n\nfunc f() {\n{\n}\n';
      assert.equal(await read(base), 2 * base.length);
      assert.equal(await read(braced), 2 * braced.length);
      assert.deepEqual([summaries, derivations], [2, 2]);
      assert.equal(await read(base), 2 * base.length);
      assert.deepEqual([summaries, derivations], [2, 2], 'the text came back: nothing made again');
      for (const other of ['package p\n', 'package p\n\n', 'package p\n\n\n', 'package p\n\n\n\n']) await read(other);
      assert.equal(await read(base), 2 * base.length);
      assert.deepEqual([summaries, derivations], [7, 7], 'a few texts are remembered, not every one');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file summarised again after an edit re-reads a declaration whose typing read what the edit changed', () => {
    const summarize = (text: string) => {
      const doc = new GoDocument(project.grammar, text);
      try {
        return summarizeFile(doc.tree.rootNode, true, text);
      } finally {
        doc.dispose();
      }
    };
    const file = (field: string) => `package p\n\nimport (\n\t"bytes"\n\t"sync"\n)\n\ntype T struct{ p ${field} }\n\nfunc newThing() any {\n\tvar t T\n\treturn t.p\n}\n\nvar _ = bytes.MinRead\nvar _ sync.Mutex\n`;
    // newThing's text is the same in both; what it returns comes from T's field, which the edit changed.
    assert.equal(summarize(file('*sync.Pool')).returns.newThing, '*sync.Pool');
    assert.equal(summarize(file('*bytes.Buffer')).returns.newThing, '*bytes.Buffer');
    assert.equal(summarize(file('*sync.Pool')).returns.newThing, '*sync.Pool');
  });

  it('a declaration depends on the pool facts it can reach: removing one pool re-checks its users only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-pool-'));
    try {
      writeFileSync(join(dir, 'go.mod'), 'module p\n\ngo 1.21\n');
      const path = toEnginePath(join(dir, 'use.go'));
      const pools = Array.from({ length: 5 }, (_, i) => `var pool${i} = sync.Pool{New: func() any { return new(bytes.Buffer) }}\n\nfunc use${i}(s string) string {\n\tb := pool${i}.Get().(*bytes.Buffer)\n\tb.WriteString(s)\n\tout := b.String()\n\tpool${i}.Put(b)\n\treturn out\n}\n`);
      const text = `package p\n\nimport (\n\t"bytes"\n\t"sync"\n)\n\n${pools.join('\n')}`;
      const doc = new GoDocument(project.grammar, text);
      const cache = new AnalysisCache();
      const analyse = async () => project.analyzer.analyze(doc, await project.facts(path, doc.text, () => doc.tree.rootNode, allPoolRules), allPoolRules, cache);
      assert.equal((await analyse()).findings.filter((f) => f.rule === 'pool/missing-reset').length, 5);
      // pool3 is renamed: only use3 can tell.
      const at = doc.text.indexOf('var pool3 = sync.Pool{');
      const source = new SourceText(doc.text);
      doc.update([{ range: { start: source.positionAt(at + 'var '.length), end: source.positionAt(at + 'var pool'.length) }, text: 'other' }]);
      const after = await analyse();
      assert.deepEqual(after.findings, await fresh(path, doc.text));
      assert.equal(after.findings.filter((f) => f.rule === 'pool/missing-reset').length, 4);
      assert.equal(after.stats.analysed, 2, 'the changed declaration and the one user of pool3');
      doc.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a read of the own summary is a dependency: a body that installs New changes its value, an unrelated body does not', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-pool-'));
    try {
      writeFileSync(join(dir, 'pool.go'), 'package p\n\nimport "sync"\n\nvar bp sync.Pool\n');
      const index = new PackageIndex(project.grammar, nodeFileHost, [poolIndexer]);
      const path = toEnginePath(join(dir, 'use.go'));
      const base = 'package p\n\nfunc use() { _ = 1 }\n';
      const value = async (text: string) => (await index.viewFor(path, text))!.valueOf(`o:${POOL_INDEX}`);
      const first = await value(base);
      assert.equal(await value(base.replace('_ = 1', '_ = 2')), first);
      assert.notEqual(await value(`${base}\nfunc init() { bp.New = func() any { return new(int) } }\n`), first);
      const own = (await index.viewFor(path, `${base}\nfunc init() { bp.New = func() any { return new(int) } }\n`))!.own(POOL_INDEX) as PoolFileSummary;
      assert.deepEqual(own.newSets, [{ target: 'bp', newType: '*int' }]);
      // A body that resets its receiver first is read for that alone: typing further down in it keeps the key.
      const resetting = (rest: string) => `${base}\ntype enc struct{ n int }\n\nfunc (e *enc) reset() { e.n = 0 }\n\nfunc (e *enc) run(k int) int {\n\te.reset()\n\t${rest}\n\treturn e.n\n}\n`;
      const key = (text: string) => {
        const doc = new GoDocument(project.grammar, text);
        try {
          return poolIndexer.inputKey!(doc.tree.rootNode, new SourceText(text));
        } finally {
          doc.dispose();
        }
      };
      assert.equal(key(resetting('e.n += k')), key(resetting('e.n += 2 * k')));
      assert.notEqual(key(resetting('e.n += k')), key(resetting('e.n += k').replace('\te.reset()\n', '\te.n++\n\te.reset()\n')));
      const summary = (await index.viewFor(path, resetting('e.n += k')))!.own(POOL_INDEX) as PoolFileSummary;
      assert.deepEqual(summary.resets, { 'enc.run': [-1] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints what indexing a 500-file package costs', async function () {
    this.timeout(120_000);
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-pool-bench-'));
    try {
      let bytes = 0;
      let lines = 0;
      for (let i = 0; i < 500; i++) {
        const text = syntheticFile(i);
        bytes += Buffer.byteLength(text);
        lines += text.split('\n').length;
        writeFileSync(join(dir, `f${String(i).padStart(3, '0')}.go`), text);
      }
      const parseOnly: Indexer = { id: POOL_INDEX, summarize: () => null };
      const path = toEnginePath(join(dir, 'f000.go'));
      const own = syntheticFile(0);
      // CPU time of this process, not wall time: the test machines are shared.
      const time = async (index: PackageIndex, text: string) => {
        const t0 = process.cpuUsage();
        await index.viewFor(path, text);
        const { user, system } = process.cpuUsage(t0);
        return (user + system) / 1000;
      };
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      // Baseline in the same run: the same files parsed by an indexer that summarises nothing.
      // Rounds alternate between the two so that warm-up and disk caching favour neither.
      const baseline: number[] = [];
      const cold: number[] = [];
      let index = new PackageIndex(project.grammar, nodeFileHost, [poolIndexer]);
      for (let round = 0; round < 3; round++) {
        baseline.push(await time(new PackageIndex(project.grammar, nodeFileHost, [parseOnly]), own));
        index = new PackageIndex(project.grammar, nodeFileHost, [poolIndexer]);
        cold.push(await time(index, own));
      }
      const warm = await time(index, own);
      const ownEdit = await time(index, `${own}\n// edited\n`);
      index.setOverlay(toEnginePath(join(dir, 'f250.go')), `${syntheticFile(250)}\n// edited\n`);
      const siblingEdit = await time(index, own);
      const delta = median(cold) - median(baseline);
      console.log(
        `      500-file package (${lines} lines, ${(bytes / 1e6).toFixed(2)} MB), CPU ms, medians of 3: parse-only index ${median(baseline).toFixed(0)}, ` +
          `pool index ${median(cold).toFixed(0)} (summaries ${delta >= 0 ? '+' : ''}${delta.toFixed(0)}); then: unchanged ${warm.toFixed(1)}, ` +
          `analysed file edited ${ownEdit.toFixed(1)}, a sibling edited ${siblingEdit.toFixed(1)}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A file like those of a large package: types, a pool in some files, functions that use them. */
function syntheticFile(i: number): string {
  const pool = i % 10 === 0 ? `var pool${i} = sync.Pool{New: func() any { return new(bytes.Buffer) }}\n` : '';
  const body = Array.from({ length: 6 }, (_, j) => `
func (s *service${i}) handle${j}(w io.Writer, items []string) error {
	buf := pool${i - (i % 10)}.Get().(*bytes.Buffer)
	defer pool${i - (i % 10)}.Put(buf)
	buf.Reset()
	for k, it := range items {
		if k > ${j} && it == "" {
			return nil
		}
		buf.WriteString(it)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
`).join('');
  return `package big

import (
	"bytes"
	"io"
	"sync"
)

${pool}
type service${i} struct {
	name  string
	count int
	cache map[string][]byte
}

func newService${i}(name string) *service${i} {
	return &service${i}{name: name, cache: map[string][]byte{}}
}
${body}
var _ = sync.Pool{}
`;
}

describe('pool/put-non-pointer is a cost', () => {
  it('shows nothing by default in cold code, and in the allocations view an info (a hint for a Put handed its value)', async () => {
    const project = await newProject();
    const file = join(fixturesRoot, 'policy', 'explanations', 'defer.go');
    const text = readFileSync(file, 'utf8');
    const puts = text.split('\n').flatMap((l, i) => (l.trim() === 'b.pool.Put(buf)' ? [i] : []));
    assert.equal(puts.length, 2);
    const ofRule = (fs: Finding[]) => fs.filter((f) => f.rule === 'pool/put-non-pointer').map((f) => [f.range.start.line, f.severity]);
    const byDefault = await project.analyzeText(toEnginePath(file), text, { rules: {} });
    assert.deepEqual(ofRule(byDefault.findings), []);
    const view = await project.analyzeText(toEnginePath(file), text, { rules: {}, escapeScope: 'loops' });
    assert.deepEqual(ofRule(view.findings), [
      [puts[0], 'hint'],
      [puts[1], 'info'],
    ]);
  });
});
