import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GoGrammar } from '../../server/src/engine/grammar';
import { Indexer, PackageIndex, packageClauseName } from '../../server/src/engine/packageIndex';
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

  it('is disabled, and costs nothing, when no rule registered an indexer', async () => {
    const index = new PackageIndex(grammar, nodeFileHost, []);
    assert.equal(await index.viewFor(toEnginePath(join(dir, 'a.go')), 'package p\n'), undefined);
  });
});
