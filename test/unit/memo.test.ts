// Declaration memos outlive the document versions they were computed from: what they keep must not
// keep those texts alive (engine/memo.ts). Measured as heap retained after a full collection.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { AnalysisCache } from '../../server/src/engine/analyzer';
import { defaultConfig } from '../../server/src/engine/config';
import { GoDocument } from '../../server/src/engine/document';
import { detached, ownString } from '../../server/src/engine/memo';
import type { Project } from '../../server/src/engine/project';
import { toEnginePath } from '../../server/src/node/nodeHost';
import { newProject } from '../helpers';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap in use after collecting everything collectable, in MB. */
function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** A MB-sized text with a distinct 20-character word at its start. */
function bigText(i: number): string {
  return `word_${String(i).padStart(15, '0')}` + ' '.repeat(2 ** 20);
}

describe('declaration memos', () => {
  it('a substring made its own keeps no larger string alive (and a plain substring does)', () => {
    const before = heapMb();
    const plain = Array.from({ length: 40 }, (_, i) => bigText(i).slice(0, 20));
    const plainMb = heapMb() - before;
    plain.length = 0;
    const base = heapMb();
    const own = Array.from({ length: 40 }, (_, i) => ownString(bigText(i).slice(0, 20)));
    const ownMb = heapMb() - base;
    assert.ok(plainMb > 30, `40 plain substrings should hold their 1 MB parents (the measurement works): ${plainMb.toFixed(1)} MB`);
    assert.ok(ownMb < 5, `40 own substrings held ${ownMb.toFixed(1)} MB`);
    assert.deepEqual(own[3], 'word_000000000000003');
  });

  it('detached copies strings in objects, arrays, Maps and Sets and keeps everything else', () => {
    const value = { a: ['x'.repeat(20), 3, null, undefined], m: new Map([['k'.repeat(14), new Set(['s'.repeat(13)])]]), b: true };
    const copy = detached(value);
    assert.deepEqual(copy, value);
    assert.notEqual(copy, value);
    assert.notEqual(copy.a, value.a);
  });

  describe('an editing session', () => {
    let project: Project;
    before(async () => {
      project = await newProject();
    });

    it('keeps no earlier version of a large file alive', async function () {
      this.timeout(120_000);
      // A 1 MB comment, and functions whose names are long enough to be slices of the text.
      const version = (n: number) =>
        `package p\n\n/*${' '.repeat(2 ** 20)}*/\n\nimport "sync"\n\nvar bufferPoolOfTheServer = sync.Pool{New: func() any { return new([]byte) }}\n\n` +
        `func handleTheRequestNumber${n}(requestArgument int) int {\n\tfor i := range requestArgument {\n\t\tgo func() { println(i + ${n}) }()\n\t}\n\treturn ${n}\n}\n\n` +
        `func (s *serverState) resetTheState${n}() { s.reset() }\n\ntype serverState struct{ resetCounter int }\n\nfunc (s *serverState) reset() {}\n`;
      const path = '/memo-test/p/p.go';
      await project.analyzeText(path, version(0), defaultConfig);
      const before = heapMb();
      for (let n = 1; n <= 40; n++) await project.analyzeText(path, version(n), defaultConfig);
      const grown = heapMb() - before;
      assert.ok(grown < 15, `40 versions of a 1 MB file left ${grown.toFixed(1)} MB in use`);
    });

    it('keeps no earlier version alive in the analysis cache of an open document', async function () {
      this.timeout(120_000);
      // One finding per function, whose message names a loop variable longer than a slice's minimum;
      // each version changes one function, so the others' results are reused from the cache.
      const version = (n: number) =>
        `package p\n\n/*${' '.repeat(2 ** 20)}*/\n\n` +
        Array.from({ length: 45 }, (_, k) => `func handleTheRequestNumber${k}_${k === n % 45 ? n : 0}(requestArguments []int) {\n\tfor _, requestArgumentValue := range requestArguments {\n\t\tgo func() { println(requestArgumentValue) }()\n\t}\n}\n`).join('\n');
      // Loop variables are per iteration from go1.22: the module says go 1.21.
      const dir = mkdtempSync(join(tmpdir(), 'gohazard-memo-'));
      writeFileSync(join(dir, 'go.mod'), 'module example.com/q\n\ngo 1.21\n');
      const path = toEnginePath(join(dir, 'q.go'));
      const config = defaultConfig;
      const cache = new AnalysisCache();
      const analyse = async (n: number) => {
        const text = version(n);
        const facts = await project.facts(path, text, undefined, config);
        const doc = new GoDocument(project.grammar, text);
        try {
          return project.analyzer.analyze(doc, facts, config, cache).findings;
        } finally {
          doc.dispose();
        }
      };
      assert.equal((await analyse(0)).filter((f) => f.rule === 'loopvar/capture').length, 45);
      const before = heapMb();
      for (let n = 1; n <= 40; n++) await analyse(n);
      const grown = heapMb() - before;
      rmSync(dir, { recursive: true, force: true });
      assert.ok(grown < 15, `40 versions of a 1 MB file left ${grown.toFixed(1)} MB in use`);
    });
  });
});
