// docs/rules/ is generated from the rule registry (npm run docs:rules) and is what diagnostics link to
// (codeDescription, SARIF helpUri): it must say what the rules say now, and link to pages that exist.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ruleDocs } from '../../server/src/cli/rulesCommand';
import { ruleDocFiles } from '../../server/src/cli/ruleText';
import { ruleDocPath, ruleDocUrl } from '../../server/src/engine/ruleDocUrl';
import { repoRoot } from '../helpers';

function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesBelow(join(dir, name)) : [join(dir, name)]));
}

describe('rule documentation pages', () => {
  it('docs/rules/ holds exactly the generated pages (run npm run docs:rules after changing a rule)', async () => {
    const expected = ruleDocFiles(await ruleDocs());
    const present = filesBelow(join(repoRoot, 'docs', 'rules')).map((f) => relative(repoRoot, f).split('\\').join('/'));
    assert.deepEqual(present.sort(), [...expected.keys()].sort());
    const stale = [...expected].filter(([rel, text]) => readFileSync(join(repoRoot, rel), 'utf8') !== text).map(([rel]) => rel);
    assert.deepEqual(stale, []);
  });

  it('every rule links to its page in the repository', async () => {
    for (const doc of await ruleDocs()) {
      assert.ok(existsSync(join(repoRoot, ruleDocPath(doc.id))), doc.id);
      assert.equal(ruleDocUrl(doc.id), `https://github.com/gohazard/gohazard/blob/main/docs/rules/${doc.id}.md`);
    }
  });
});
