import assert from 'node:assert/strict';
import { Project } from '../../server/src/engine/project';
import { allRules } from '../../server/src/rules';
import { checkFixture, fixtureFiles, fixtureRuleIds } from '../harness/fixtures';
import { newProject } from '../helpers';

describe('rule and policy fixtures (// want comments and .golden fixes)', () => {
  let project: Project;
  before(async () => {
    project = await newProject();
  });

  it('every rule has fixtures, and every fixture folder names a rule (or a policy topic)', () => {
    const withFixtures = new Set(fixtureRuleIds().filter((id) => !id.startsWith('policy/')));
    const ids = allRules.map((r) => r.id);
    assert.deepEqual(ids.filter((id) => !withFixtures.has(id)), [], 'rules without fixtures');
    assert.deepEqual([...withFixtures].filter((id) => !ids.includes(id)), [], 'fixture folders without a rule');
  });

  const topics = fixtureRuleIds().filter((id) => id.startsWith('policy/'));
  for (const id of [...allRules.map((r) => r.id), ...topics]) {
    describe(id, () => {
      for (const file of fixtureFiles(id)) {
        it(file.slice(file.indexOf('test/fixtures/') + 'test/fixtures/'.length), async () => {
          const problems = await checkFixture(project, id, file);
          assert.deepEqual(problems, []);
        });
      }
    });
  }
});
