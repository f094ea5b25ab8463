import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanHandle } from '../../server/src/workspace/scanner';

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
});
