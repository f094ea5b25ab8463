// A file's analysis reads what the other files of its package say only when one of them can matter:
// a pool-free package reads no pool summary, and a method the other files never name is not looked up
// in them. Counted by the files the package index summarises (each one a parse of a file not open).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from '../../server/src/engine/project';
import { loadGrammar, nodeFileHost, toEnginePath } from '../../server/src/node/nodeHost';
import { address } from '../../server/src/rules/loopvar/address';
import { capture } from '../../server/src/rules/loopvar/capture';
import { copied, getWithoutNew } from '../../server/src/rules/pool';
import { languageFeature } from '../../server/src/rules/toolchain';

describe('what a file reads of the other files of its package', () => {
  let dir: string;
  let project: Project;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gohazard-siblings-'));
    writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
    project = new Project(await loadGrammar(), [address, capture, copied, getWithoutNew, languageFeature], nodeFileHost);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const start = 'package r\n\ntype T struct{}\n\nfunc start(ts []T) {\n\tfor _, t := range ts {\n\t\tgo t.run()\n\t}\n\tfor i := range make([]int, len(ts)) {\n\t\t_ = i\n\t}\n}\n';

  it('summarises no other file when none says a word a rule looks for, and reads them once one does', async () => {
    writeFileSync(join(dir, 'start.go'), start);
    writeFileSync(join(dir, 'other.go'), 'package r\n\nfunc other() int { return 42 }\n');
    const path = toEnginePath(join(dir, 'start.go'));
    const before = project.packages.summaryCounts.summarised;
    const quiet = await project.analyzeText(path, start, { rules: {} });
    assert.deepEqual(quiet.findings.map((f) => f.rule), []);
    assert.equal(project.packages.summaryCounts.summarised, before, 'other.go was not summarised');
    // other.go now declares run with a pointer receiver: go t.run() takes the address of t.
    project.packages.setOverlay(toEnginePath(join(dir, 'other.go')), 'package r\n\nfunc (t *T) run() {}\n');
    const found = await project.analyzeText(path, start, { rules: {} });
    assert.ok(project.packages.summaryCounts.summarised > before, 'other.go was summarised');
    assert.ok(found.findings.some((f) => f.rule === 'loopvar/address'), JSON.stringify(found.findings.map((f) => f.rule)));
  });
});
