// The toolchain/ rules beyond their fixtures: the go.mod quick fix (an edit of another file, which the
// fixture goldens cannot show), the std-api table, and package-level names declared in other files.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnalysisCache } from '../../server/src/engine/analyzer';
import { EngineConfig } from '../../server/src/engine/config';
import { GoDocument } from '../../server/src/engine/document';
import { applyEdits, fixAllEdits } from '../../server/src/engine/fixes';
import { Project } from '../../server/src/engine/project';
import { Finding } from '../../server/src/engine/types';
import { toEnginePath } from '../../server/src/node/nodeHost';
import { legacyBuildConstraint } from '../../server/src/rules/toolchain/legacyBuild';
import { stdPackage } from '../../server/src/rules/toolchain/stdlibApi';
import { fixturesRoot, newProject } from '../helpers';

const LANGUAGE = 'toolchain/language-feature';
const STD = 'toolchain/std-api';

function only(project: Project, ...ids: string[]): EngineConfig {
  const rules: EngineConfig['rules'] = { 'gohazard/suppression': 'off' };
  for (const r of project.analyzer.rules) rules[r.id] = ids.includes(r.id) ? r.defaultSeverity : 'off';
  return { rules };
}

async function analyseFixture(project: Project, ruleId: string, relPath: string): Promise<Finding[]> {
  const file = join(fixturesRoot, 'toolchain', ruleId.split('/')[1], relPath);
  return (await project.analyzeText(toEnginePath(file), readFileSync(file, 'utf8'), only(project, ruleId))).findings;
}

/** The go.mod text after applying a finding's go.mod fix. */
function goModAfterFix(finding: Finding): { title: string; path: string; text: string } {
  assert.equal(finding.fixes.length, 1, `one fix for: ${finding.message}`);
  const fix = finding.fixes[0];
  assert.deepEqual(fix.edits, [], 'the fix edits only go.mod');
  assert.equal(fix.preferred, undefined, 'fix-all must not edit go.mod');
  assert.equal(fix.otherFiles?.length, 1);
  const other = fix.otherFiles![0];
  return { title: fix.title, path: other.path, text: applyEdits(readFileSync(other.path, 'utf8'), other.edits) };
}

describe('toolchain/ rules', () => {
  let project: Project;
  before(async () => {
    project = await newProject();
  });

  describe('go.mod quick fix', () => {
    it('raises the go line of go.mod to the version a language feature needs', async () => {
      const findings = await analyseFixture(project, LANGUAGE, 'go121/rangeint.go');
      const rangeInt = findings.find((f) => f.message.startsWith('range over an integer'))!;
      assert.equal(rangeInt.severity, 'error');
      assert.equal(rangeInt.goVersion, 'go1.22');
      const fixed = goModAfterFix(rangeInt);
      assert.equal(fixed.title, 'Raise go.mod to go 1.22 (loop variables become per-iteration)');
      assert.ok(fixed.path.endsWith('language-feature/go121/go.mod'), fixed.path);
      assert.equal(fixed.text, 'module fixture/toolchain/language-feature/go121\n\ngo 1.22\n');
      assert.deepEqual(fixAllEdits(findings), []);
    });

    it('raises it to the version a std API needs, without the loop note above go1.22', async () => {
      const findings = await analyseFixture(project, STD, 'go124/methods.go');
      assert.equal(findings.length, 1);
      assert.equal(findings[0].severity, 'warning');
      const fixed = goModAfterFix(findings[0]);
      assert.equal(fixed.title, 'Raise go.mod to go 1.25');
      assert.equal(fixed.text, 'module fixture/toolchain/std-api/go124\n\ngo 1.25\n');
    });

    it('offers no fix when the version comes from //go:build or go.mod has no go line', async () => {
      for (const [rule, file] of [
        [LANGUAGE, 'buildtag/lowered.go'],
        [LANGUAGE, 'nogoline/convert.go'],
        [STD, 'buildtag/raised.go'],
        [STD, 'nogoline/old.go'],
      ]) {
        const findings = await analyseFixture(project, rule, file);
        assert.ok(findings.length > 0, file);
        assert.deepEqual(findings.flatMap((f) => f.fixes), [], file);
      }
    });
  });

  describe('std-api table', () => {
    it('knows packages, symbols and members, falling back to the type for unknown members', () => {
      assert.equal(stdPackage('iter')?.since, 23);
      assert.equal(stdPackage('testing')?.versionOf('B.Loop'), 24);
      assert.equal(stdPackage('sync')?.versionOf('WaitGroup.Go'), 25);
      assert.equal(stdPackage('sync')?.versionOf('WaitGroup.Add'), 0);
      assert.equal(stdPackage('sync/atomic')?.versionOf('Pointer.NoSuchMethod'), 19);
      assert.equal(stdPackage('slices')?.versionOf('Concat'), 22);
      assert.equal(stdPackage('unsafe')?.versionOf('String'), 20);
      assert.equal(stdPackage('github.com/x/slices'), undefined);
      assert.equal(stdPackage('testing')!.newestMemberOf('B') >= 24, true);
    });

    it('lists the names worth scanning for in a file of a given version', () => {
      const slices = stdPackage('slices')!;
      assert.equal(slices.namesNewerThan(20), undefined, 'the whole package is newer than go1.20');
      assert.ok(slices.namesNewerThan(21)!.includes('Concat'));
      assert.ok(!slices.namesNewerThan(21)!.includes('Contains'));
      assert.ok(stdPackage('testing')!.namesNewerThan(23)!.includes('B'), 'B has a member newer than go1.23');
      assert.deepEqual(stdPackage('sync')!.membersNewerThan('WaitGroup', 24), ['Go']);
      assert.equal(stdPackage('sync/atomic')!.membersNewerThan('Pointer', 18), undefined, 'Pointer itself is go1.19');
    });
  });

  describe('// +build lines', () => {
    it('read the go1.N the old constraint syntax requires, as go/build/constraint does', () => {
      assert.deepEqual(legacyBuildConstraint('// +build go1.13\n\npackage p\n'), { minor: 13, line: 0 });
      assert.deepEqual(legacyBuildConstraint('// Copyright\n\n// +build go1.13,linux\n\npackage p\n'), { minor: 13, line: 2 });
      assert.deepEqual(legacyBuildConstraint('// +build linux\n// +build go1.15\n\npackage p\n'), { minor: 15, line: 0 });
      assert.deepEqual(legacyBuildConstraint('// +build go1.13 linux\n\npackage p\n'), {}, 'an OR with a tag that implies no version');
      assert.deepEqual(legacyBuildConstraint('// +build !go1.13\n\npackage p\n'), {});
      assert.deepEqual(legacyBuildConstraint('//go:build go1.20\n// +build go1.20\n\npackage p\n'), {}, '//go:build wins');
      assert.deepEqual(legacyBuildConstraint('package p\n\n// +build go1.13\n'), {}, 'only the header counts');
    });
  });

  describe('names declared in other files of the package', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'gohazard-toolchain-'));
      writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.12\n');
      writeFileSync(join(dir, 'util.go'), 'package m\n\nfunc min(a, b int) int { return a }\n');
      writeFileSync(join(dir, 'lit.go'), 'package m\n\nvar _ = 0B11 + 0O17 + 0X1P-2 + 0x1_0\n');
    });
    const mainText = 'package m\n\nfunc f() int { return min(1, 2) }\n';

    it('a min declared in another file is not the built-in, until that file stops declaring it', async () => {
      const path = toEnginePath(join(dir, 'main.go'));
      const config = only(project, LANGUAGE);
      const doc = new GoDocument(project.grammar, mainText);
      const cache = new AnalysisCache();
      try {
        const before = project.analyzer.analyze(doc, await project.facts(path, mainText), config, cache);
        assert.deepEqual(before.findings, []);
        project.packages.setOverlay(toEnginePath(join(dir, 'util.go')), 'package m\n');
        // The same cache: the package's changed summary must invalidate the cached findings.
        const after = project.analyzer.analyze(doc, await project.facts(path, mainText), config, cache);
        assert.deepEqual(
          after.findings.map((f) => f.message),
          ['built-in min needs go1.21; this file is go1.12 from go.mod line 3'],
        );
      } finally {
        project.packages.setOverlay(toEnginePath(join(dir, 'util.go')), undefined);
        doc.dispose();
      }
    });

    it('reads number literals with upper-case prefixes', async () => {
      const file = join(dir, 'lit.go');
      const { findings } = await project.analyzeText(toEnginePath(file), readFileSync(file, 'utf8'), only(project, LANGUAGE));
      assert.deepEqual(
        findings.map((f) => f.message.replace(/ needs.*/, '')),
        ['binary literal 0B11', '0o-style octal literal 0O17', 'hexadecimal floating-point literal 0X1P-2', 'digit separator in 0x1_0'],
      );
    });
  });
});
