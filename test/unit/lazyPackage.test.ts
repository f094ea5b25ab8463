// Results before the package's facts are loaded (issue 20): on every fixture, an analysis with a lazy
// package view that has loaded nothing publishes only findings that the complete analysis (after
// PackageIndex.load) publishes too, and the complete analysis is the one a view that summarises every
// file at once gives.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AnalysisCache } from '../../server/src/engine/analyzer';
import { EngineConfig } from '../../server/src/engine/config';
import { GoDocument } from '../../server/src/engine/document';
import { allRules } from '../../server/src/rules';
import { Finding } from '../../server/src/engine/types';
import { fixtureFiles, fixtureRuleIds } from '../harness/fixtures';
import { newProject } from '../helpers';
import { toEnginePath } from '../../server/src/node/nodeHost';

const key = (f: Finding) => JSON.stringify([f.range, f.rule, f.severity, f.message, f.related ?? []]);

describe('lazy package views', function () {
  this.timeout(120_000);

  for (const escapeScope of ['hot', 'all'] as const) {
    it(`never publish before the facts are in what they do not publish after (escape scope ${escapeScope}), on every fixture`, async () => {
      const files = [...new Set([...allRules.map((r) => r.id), ...fixtureRuleIds()].flatMap((id) => fixtureFiles(id)))];
      const config: EngineConfig = { rules: {}, escapeScope };
      let withheld = 0;
      for (const file of files) {
        const path = toEnginePath(file);
        const text = readFileSync(file, 'utf8');
        // A fresh project per file: nothing of its package is loaded yet.
        const project = await newProject();
        const doc = new GoDocument(project.grammar, text);
        try {
          const cache = new AnalysisCache();
          let facts = await project.facts(path, text, undefined, config, true);
          const first = project.analyzer.analyze(doc, facts, config, cache);
          withheld += first.stats.withheld;
          for (let unloaded = facts.package?.unloaded() ?? []; unloaded.length > 0; unloaded = facts.package?.unloaded() ?? []) {
            await project.packages.load(path, text, unloaded, async () => true);
            facts = await project.facts(path, text, undefined, config, true);
          }
          const complete = project.analyzer.analyze(doc, facts, config, cache).findings;
          const later = new Set(complete.map(key));
          for (const f of first.findings) assert.ok(later.has(key(f)), `${file}: ${key(f)} published first, not after the facts came`);
          const eager = (await project.analyzeText(path, text, config)).findings;
          assert.deepEqual(complete.map(key), eager.map(key), `${file}: the complete results are the eager view's`);
        } finally {
          doc.dispose();
        }
      }
      // The property is not vacuous: some fixtures' findings did wait for the facts.
      assert.ok(withheld > 0, 'declarations withheld');
    });
  }
});
