import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { EngineConfig } from '../../server/src/engine/config';
import { toEnginePath } from '../../server/src/node/nodeHost';
import { ScanHandle } from '../../server/src/workspace/scanner';
import { goFilesOf } from '../../server/src/workspace/walk';
import { fixturesRoot, newProject } from '../helpers';

/** A function whose loop starts a goroutine capturing the loop variable: one loopvar/capture each at go1.21. */
const capture = (name: string) => `func ${name}(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n\n`;

describe('workspace scanner', function () {
  this.timeout(180_000);

  it('a directory whose worker runs out of heap is analysed again without the limit; the others are not disturbed', async () => {
    const root = mkdtempSync(join(tmpdir(), 'gohazard-scanner-'));
    try {
      writeFileSync(join(root, 'go.mod'), 'module m\n\ngo 1.21\n');
      const files: string[] = [];
      for (const dir of ['a', 'big', 'b']) {
        mkdirSync(join(root, dir));
        const count = dir === 'big' ? 3000 : 1;
        const file = join(root, dir, 'x.go');
        writeFileSync(file, `package ${dir}\n\n${Array.from({ length: count }, (_, i) => capture(`f${i}`)).join('')}`);
        files.push(file);
      }
      const outcome = await new ScanHandle({ files, config: { rules: { 'loopvar/capture': 'warning' } }, threads: 1, workerHeapMb: 16 }).done;
      assert.deepEqual(outcome.retried, [join(root, 'big')]);
      const captures = (dir: string) => outcome.results.find((r) => r.file === join(root, dir, 'x.go'))!.findings.filter((f) => f.rule === 'loopvar/capture').length;
      assert.deepEqual(['a', 'big', 'b'].map(captures), [1, 3000, 1]);
      assert.deepEqual(outcome.results.flatMap((r) => r.problems), []);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('finds what analysing each file alone finds, escape tags of other files\' functions included', async () => {
    // The fixtures, and a package whose benchmark calls functions of another file: their escape tags are
    // details, computed in the scan's worker from its lent trees or a tree parsed for them.
    const root = mkdtempSync(join(tmpdir(), 'gohazard-details-'));
    try {
      writeFileSync(join(root, 'go.mod'), 'module m\n\ngo 1.24\n');
      writeFileSync(join(root, 'keep.go'), 'package m\n\nvar sink *int\n\nfunc keep(p *int) { sink = p }\n\nfunc drop(p *int) { _ = *p }\n');
      writeFileSync(join(root, 'keep_test.go'), 'package m\n\nimport "testing"\n\nfunc BenchmarkKeep(b *testing.B) {\n\tfor b.Loop() {\n\t\tx, y := 1, 2\n\t\tkeep(&x)\n\t\tdrop(&y)\n\t}\n}\n');
      const files = [...(await goFilesOf([`${fixturesRoot}/...`], [])), ...(await goFilesOf([root], []))];
      const alone = await newProject();
      for (const config of [{ rules: {} }, { rules: {}, escapeScope: 'all' }] as EngineConfig[]) {
        const scanned = await new ScanHandle({ files, config, threads: 1 }).done;
        const expected = [];
        for (const file of files) {
          const { findings } = await alone.analyzeText(toEnginePath(file), readFileSync(file, 'utf8'), config);
          expected.push([file, findings]);
        }
        assert.deepEqual(JSON.parse(JSON.stringify(scanned.results.map((r) => [r.file, r.findings]))), JSON.parse(JSON.stringify(expected.sort((a, b) => (a[0] < b[0] ? -1 : 1)))));
      }
      const bench = (await new ScanHandle({ files: [join(root, 'keep.go'), join(root, 'keep_test.go')], config: { rules: {}, escapeScope: 'loops' }, threads: 0 }).done).results[1];
      assert.ok(bench.findings.some((f) => f.message.startsWith('moved to heap: x')), 'x escapes through keep, in the benchmark loop');
      assert.ok(!bench.findings.some((f) => f.message.startsWith('moved to heap: y')), 'y does not: drop keeps nothing');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
