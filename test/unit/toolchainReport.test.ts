import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Project } from '../../server/src/engine/project';
import { toEnginePath } from '../../server/src/node/nodeHost';
import { newProject } from '../helpers';

/** A go.work with two modules, one of which needs a newer toolchain than "installed". */
function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'gohazard-work-'));
  writeFileSync(join(root, 'go.work'), 'go 1.22\n\nuse ./old\n');
  mkdirSync(join(root, 'old'));
  writeFileSync(join(root, 'old', 'go.mod'), 'module old\n\ngo 1.21.3\n');
  writeFileSync(join(root, 'old', 'a.go'), 'package old\n');
  writeFileSync(join(root, 'old', 'tagged.go'), '//go:build linux && go1.22\n\npackage old\n');
  mkdirSync(join(root, 'new'));
  writeFileSync(join(root, 'new', 'go.mod'), 'module new\n\ngo 1.25\ntoolchain go1.27.1\n');
  writeFileSync(join(root, 'new', 'b.go'), 'package new\n');
  return root;
}

describe('toolchain report', () => {
  let project: Project;
  let root: string;
  before(async () => {
    project = await newProject();
    project.toolchain.installedMinor = 26;
    project.toolchain.installedVersion = 'go1.26.8';
    root = workspace();
  });

  const report = (...parts: string[]) => project.toolchainReport(toEnginePath(join(root, ...parts)), 'package x\n');

  it('names the go.mod directive, the loop semantics and the go.work', async () => {
    const r = await report('old', 'a.go');
    assert.equal(r.goVersion, 'go1.21');
    assert.equal(r.summary, 'Go 1.21 · shared loop vars');
    assert.deepEqual([r.source.kind, r.source.line, r.source.text], ['go.mod', 2, 'go 1.21.3']);
    assert.equal(r.loopSemantics, 'shared');
    assert.deepEqual(r.workspace && [r.workspace.go, r.workspace.includesModule], ['1.22', true]);
    assert.equal(r.requiredToolchain, 'go1.22');
    assert.equal(r.needsNewerToolchain, false);
    assert.match(r.details, /go directive of go\.mod line 3/);
  });

  it('names the //go:build line when it sets the version', async () => {
    const r = await project.toolchainReport(toEnginePath(join(root, 'old', 'tagged.go')), '//go:build linux && go1.22\n\npackage old\n');
    assert.deepEqual([r.goVersion, r.source.kind, r.source.line, r.source.text, r.loopSemantics], ['go1.22', 'go:build', 0, '//go:build linux && go1.22', 'per-iteration']);
  });

  it('says when the module needs a newer toolchain than the installed one, and when go.work does not use it', async () => {
    const r = await report('new', 'b.go');
    assert.equal(r.requiredToolchain, 'go1.27.1');
    assert.equal(r.needsNewerToolchain, true);
    assert.equal(r.workspace?.includesModule, false);
    assert.match(r.details, /needs go1\.27\.1, newer than the installed go1\.26\.8/);
  });
});
