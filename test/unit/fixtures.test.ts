import assert from 'node:assert/strict';
import { Project } from '../../server/src/engine/project';
import { allRules } from '../../server/src/rules';
import { checkFixture, fixtureFiles, fixtureRuleIds } from '../harness/fixtures';
import { newProject } from '../helpers';

describe('rule fixtures (// want comments and .golden fixes)', () => {
  let project: Project;
  before(async () => {
    project = await newProject();
  });

  it('every rule has fixtures, and every fixture folder names a rule', () => {
    const withFixtures = new Set(fixtureRuleIds());
    const ids = allRules.map((r) => r.id);
    assert.deepEqual(ids.filter((id) => !withFixtures.has(id)), [], 'rules without fixtures');
    assert.deepEqual([...withFixtures].filter((id) => !ids.includes(id)), [], 'fixture folders without a rule');
  });

  for (const rule of allRules) {
    describe(rule.id, () => {
      for (const file of fixtureFiles(rule.id)) {
        it(file.slice(file.indexOf('test/fixtures/') + 'test/fixtures/'.length), async () => {
          const problems = await checkFixture(project, rule.id, file);
          assert.deepEqual(problems, []);
        });
      }
    });
  }
});
