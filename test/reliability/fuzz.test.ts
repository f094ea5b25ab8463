// The fuzzer's smoke run: a few thousand generated and mutated Go sources through the engine (and
// batches of them through `gohazard scan`), with the checks of test/reliability/fuzz/check.ts. The full
// run is `npm run fuzz` (100,000 inputs by default); both replay a failure from its seed and index.
import assert from 'node:assert/strict';
import { runFuzz } from './fuzz/runner';

const SMOKE_INPUTS = 2000;

describe('fuzzing (smoke run)', function () {
  // Generous: the budget per input (CPU time) is what catches a hang, not this.
  this.timeout(600_000);

  it(`${SMOKE_INPUTS} generated and mutated inputs: no exception, hang, range outside the document, column off the raw bytes or broken fix`, async () => {
    const summary = await runFuzz({ seed: 20261123, count: SMOKE_INPUTS, profile: 'smoke', workers: 2, cliEvery: 1000, cliBatch: 30 });
    const report = summary.failures.map((f) => `#${f.index} ${f.kind}: ${f.message.split('\n').slice(0, 6).join('\n    ')}\n    recipe: ${f.recipe.join('; ')}\n    replay: npm run fuzz -- --seed ${f.seed} --only ${f.index} --smoke`);
    assert.equal(summary.checked, SMOKE_INPUTS);
    assert.ok(summary.cliFiles >= 30, `only ${summary.cliFiles} inputs went through the CLI`);
    assert.ok(summary.columnsCheckedIllFormed >= 50, `only ${summary.columnsCheckedIllFormed} inputs with ill-formed UTF-8 had their columns checked`);
    assert.deepEqual(report, [], `${report.length} fuzz failures:\n${report.join('\n')}`);
  });
});
