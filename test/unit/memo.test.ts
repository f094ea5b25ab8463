// Declaration memos outlive the document versions they were computed from: what they keep must not
// keep those texts alive (engine/memo.ts). Measured as heap retained after a full collection.
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { defaultConfig } from '../../server/src/engine/config';
import { detached, ownString } from '../../server/src/engine/memo';
import type { Project } from '../../server/src/engine/project';
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
  });
});
