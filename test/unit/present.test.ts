// How the policy merges one problem's findings: an explanation of a part of a problem (its subject a
// prefix of the whole's, up to a comma) joins the first finding that reports the whole.
import assert from 'node:assert/strict';
import { CandidateFinding, present } from '../../server/src/engine/policy/present';
import { RuleKind } from '../../server/src/engine/types';

function candidate(line: number, kind: RuleKind, subject: string): CandidateFinding {
  const at = { line, character: 0 };
  return { kind, subject, finding: { rule: `r/${kind}`, severity: kind === 'explanation' ? 'hint' : 'warning', range: { start: at, end: at }, message: `line ${line}`, fixes: [] } };
}

function shown(candidates: CandidateFinding[]): string[] {
  return present(candidates, { scope: 'hot' }).map((f) => `${f.message}${(f.related ?? []).map((r) => ` +${r.message}`).join('')}`);
}

describe('present: merging subjects', () => {
  it('joins an explanation to the first whole its subject is a comma-bounded prefix of', () => {
    assert.deepEqual(
      shown([candidate(1, 'explanation', '0:5'), candidate(2, 'hazard', '0:50,7'), candidate(3, 'hazard', '0:5,7'), candidate(4, 'hazard', '0:5,9')]),
      ['line 2', 'line 3 +line 1', 'line 4'],
    );
  });

  it('joins through several levels, and never to a whole that is only explanations', () => {
    assert.deepEqual(
      shown([candidate(1, 'explanation', '1:5'), candidate(2, 'explanation', '1:5,7'), candidate(3, 'hazard', '1:5,7,9'), candidate(4, 'explanation', '2:5'), candidate(5, 'explanation', '2:5,6')]),
      ['line 3 +line 1 +line 2', 'line 4', 'line 5'],
    );
  });

  // Seed 20261207 #76698 (24,816 functions): every explanation's whole was looked for among all
  // subjects, 35 s of its analysis; quadratic, 100,000 subjects would take minutes, not the suite's timeout.
  it('merges 100,000 subjects in time linear in their number', () => {
    const candidates: CandidateFinding[] = [];
    for (let i = 0; i < 50_000; i++) candidates.push(candidate(2 * i, 'explanation', `${i}:1`), candidate(2 * i + 1, 'hazard', `${i}:1,2`));
    const out = present(candidates, { scope: 'hot' });
    assert.equal(out.length, 50_000);
    assert.ok(out.every((f, i) => f.range.start.line === 2 * i + 1 && f.related?.length === 1 && f.related[0].range.start.line === 2 * i));
  });
});
