import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PENDING } from '../../server/src/engine/dependencies';
import { GoGrammar } from '../../server/src/engine/grammar';
import { Indexer, PackageIndex, packageClauseName } from '../../server/src/engine/packageIndex';
import type { ParseClock } from '../../server/src/engine/limits';
import { ScanCache } from '../../server/src/engine/scanCache';
import { DiskCache } from '../../server/src/node/diskCache';
import { loadGrammar, nodeFileHost, toEnginePath } from '../../server/src/node/nodeHost';

/** Summarises a file as the names of its package-level functions. */
const funcNames: Indexer = {
  id: 'funcs',
  summarize: (root) => root.namedChildren.filter((n) => n?.type === 'function_declaration').map((n) => n!.childForFieldName('name')!.text),
};

describe('package index', () => {
  let grammar: GoGrammar;
  let dir: string;
  before(async () => {
    grammar = await loadGrammar();
    dir = mkdtempSync(join(tmpdir(), 'gohazard-pkg-'));
    writeFileSync(join(dir, 'a.go'), 'package p\nfunc A() {}\n');
    writeFileSync(join(dir, 'b.go'), '// doc\npackage p\nfunc B() {}\n');
    writeFileSync(join(dir, 'a_test.go'), 'package p\nfunc TestA() {}\n');
    writeFileSync(join(dir, 'x_test.go'), 'package p_test\nfunc TestX() {}\n');
    writeFileSync(join(dir, 'y_test.go'), 'package p_test\nfunc TestY() {}\n');
    writeFileSync(join(dir, '_ignored.go'), 'package p\nfunc Ignored() {}\n');
  });

  const view = async (index: PackageIndex, name: string, text: string) => {
    const v = await index.viewFor(toEnginePath(join(dir, name)), text);
    return v!.summaries('funcs').flatMap((s) => s.summary as string[]).sort();
  };

  it('groups files by directory and package clause, as the go command does for tests', async () => {
    const index = new PackageIndex(grammar, nodeFileHost, [funcNames]);
    assert.deepEqual(await view(index, 'a.go', 'package p\n'), ['B']);
    assert.deepEqual(await view(index, 'a_test.go', 'package p\n'), ['A', 'B']);
    assert.deepEqual(await view(index, 'x_test.go', 'package p_test\n'), ['TestY']);
  });

  it('prefers editor overlays to the disk, and re-reads the disk only after invalidate', async () => {
    const index = new PackageIndex(grammar, nodeFileHost, [funcNames]);
    const before = (await index.viewFor(toEnginePath(join(dir, 'a.go')), 'package p\n'))!.fingerprint;
    index.setOverlay(toEnginePath(join(dir, 'b.go')), 'package p\nfunc B2() {}\n');
    assert.deepEqual(await view(index, 'a.go', 'package p\n'), ['B2']);
    index.setOverlay(toEnginePath(join(dir, 'b.go')), undefined);
    writeFileSync(join(dir, 'b.go'), 'package p\nfunc B3() {}\n');
    assert.deepEqual(await view(index, 'a.go', 'package p\n'), ['B'], 'disk text is cached until invalidated');
    index.invalidate(toEnginePath(join(dir, 'b.go')));
    assert.deepEqual(await view(index, 'a.go', 'package p\n'), ['B3']);
    assert.notEqual((await index.viewFor(toEnginePath(join(dir, 'a.go')), 'package p\n'))!.fingerprint, before);
  });

  it('reads the package clause name without parsing', () => {
    assert.equal(packageClauseName('// Copyright\n\n// Package p does.\npackage p // x\n'), 'p');
    assert.equal(packageClauseName('no clause'), '');
  });

  it('parses the files it summarises on the clock it is given', async () => {
    const pkg = mkdtempSync(join(tmpdir(), 'gohazard-pkg-clock-'));
    // Long enough for tree-sitter to call its progress callback while parsing it (every 50 to 500 characters).
    writeFileSync(join(pkg, 'b.go'), `package p\nfunc B() {}\n${'var _ = 1\n'.repeat(200)}`);
    const a = toEnginePath(join(pkg, 'a.go'));
    const names = async (index: PackageIndex) => (await index.viewFor(a, 'package p\n'))!.summaries('funcs').flatMap((s) => s.summary as string[]);
    let now = 0;
    const runaway: ParseClock = { now: () => (now += 60_000), measures: 'CPU time' };
    assert.deepEqual(await names(new PackageIndex(grammar, nodeFileHost, [funcNames])), ['B']);
    assert.deepEqual(await names(new PackageIndex(grammar, nodeFileHost, [funcNames], undefined, runaway)), [], 'b.go ran out of its budget on that clock');
  });

  it('is disabled, and costs nothing, when no rule registered an indexer', async () => {
    const index = new PackageIndex(grammar, nodeFileHost, []);
    assert.equal(await index.viewFor(toEnginePath(join(dir, 'a.go')), 'package p\n'), undefined);
  });

  it('lazily: reads unloaded facts as PENDING, loads only the indexers asked for, and a fresh index reads them from the store', async () => {
    const pkg = mkdtempSync(join(tmpdir(), 'gohazard-pkg-lazy-'));
    writeFileSync(join(pkg, 'a.go'), 'package p\nfunc A() {}\n');
    writeFileSync(join(pkg, 'b.go'), 'package p\nfunc B() {}\n');
    const ran: string[] = [];
    const funcs: Indexer = { id: 'funcs', summarize: (root, source) => (ran.push('funcs'), funcNames.summarize(root, source)) };
    const costly: Indexer = { id: 'costly', summarize: (root) => (ran.push('costly'), root.namedChildren.length) };
    const store = new ScanCache(new DiskCache(mkdtempSync(join(tmpdir(), 'gohazard-pkg-store-'))), 'test-engine');
    const a = toEnginePath(join(pkg, 'a.go'));
    for (const run of [0, 1]) {
      ran.length = 0;
      const index = new PackageIndex(grammar, nodeFileHost, [funcs, costly]);
      index.useStore(store, { keysFindings: false });
      const lazy = (await index.viewFor(a, 'package p\n', undefined, { lazy: true }))!;
      assert.deepEqual(lazy.files, [toEnginePath(join(pkg, 'b.go'))]);
      assert.equal(lazy.valueOf('f:funcs'), PENDING);
      assert.deepEqual(lazy.unloaded(), ['funcs']);
      assert.deepEqual(ran, [], 'a lazy view summarises nothing');
      assert.equal(await index.load(a, 'package p\n', lazy.unloaded(), async () => true), true);
      assert.deepEqual(ran, run === 0 ? ['funcs'] : [], `run ${run}: by the indexer asked for, then from the store`);
      const loaded = (await index.viewFor(a, 'package p\n', undefined, { lazy: true }))!;
      assert.notEqual(loaded.valueOf('f:funcs'), PENDING);
      assert.deepEqual(loaded.summaries('funcs').flatMap((x) => x.summary as string[]), ['B']);
      assert.deepEqual(loaded.unloaded(), []);
      assert.deepEqual(index.summaryCounts, run === 0 ? { summarised: 1, fromStore: 0 } : { summarised: 0, fromStore: 1 });
      assert.equal(loaded.valueOf('f:costly'), PENDING, 'another indexer stays unloaded');
    }
  });
});
