// Every rule's example (what `gohazard explain` prints and docs/rules/ shows) is real: the engine reports
// the rule on the hazard and not on the fix, and both parse. As in the fixtures, the rule runs alone (at
// its default severity) and cost findings are shown in every loop (--escape-scope loops), so that what is
// checked is what the rule finds, not how the policy folds or hides findings of several rules; explain
// says when a rule's findings are shown by default.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineConfig } from '../../server/src/engine/config';
import { GoDocument } from '../../server/src/engine/document';
import { Project } from '../../server/src/engine/project';
import { toEnginePath } from '../../server/src/node/nodeHost';
import { newProject } from '../helpers';

describe('rule examples', () => {
  let project: Project;
  before(async () => {
    project = await newProject();
  });

  /** Whether the rule reports the example's file, alone in a module at the example's Go version (none: outside any module). */
  async function reports(ruleId: string, code: string, goVersion: string | undefined): Promise<boolean> {
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-example-'));
    if (goVersion) writeFileSync(join(dir, 'go.mod'), `module example\n\ngo ${goVersion}\n`);
    const file = join(dir, 'example.go');
    writeFileSync(file, code);
    // The engine's own checks are about the analysis of the other rules, which then run too.
    const alone = !ruleId.startsWith('gohazard/');
    const rules: EngineConfig['rules'] = {};
    for (const d of project.analyzer.docs) rules[d.id] = d.id === ruleId || !alone ? d.defaultSeverity : 'off';
    const { findings } = await project.analyzeText(toEnginePath(file), code, { rules, escapeScope: 'loops' });
    return findings.some((f) => f.rule === ruleId);
  }

  it('every rule of the registry has one', () => {
    assert.deepEqual(
      project.analyzer.docs.filter((d) => !d.example).map((d) => d.id),
      [],
    );
  });

  it('the hazard is reported and the fix is not, and both parse', async () => {
    const problems: string[] = [];
    for (const doc of project.analyzer.docs) {
      if (!doc.example) continue;
      const { hazard, fix, goVersion } = doc.example;
      for (const [name, code] of [
        ['hazard', hazard],
        ['fix', fix],
      ]) {
        const parsed = new GoDocument(project.grammar, code);
        if (parsed.tree.rootNode.hasError) problems.push(`${doc.id}: the ${name} example has syntax errors`);
        parsed.dispose();
      }
      if (!(await reports(doc.id, hazard, goVersion))) problems.push(`${doc.id}: not reported on its hazard example`);
      if (await reports(doc.id, fix, goVersion)) problems.push(`${doc.id}: reported on its fix example`);
    }
    assert.deepEqual(problems, []);
  });
});
