// The escape model's predictions at one place of a file, for a hover: every allocation whose
// expression holds the position, with gc's words, the reason chain, whether the code is hot, and the
// toolchain the prediction is for. Computed on demand for the one declaration under the cursor.
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../../engine/rule';
import { DeclScopes, PackageScope } from '../../engine/scope';
import { heatOf, isTestCode, measuredLoopOf } from '../../engine/policy/heat';
import { invariantAcross } from '../../engine/policy/benchmarks';
import { headRange } from '../../engine/policy/ranges';
import { hotEvidence } from '../../engine/policy/present';
import { EscapeModel } from './model';
import { packageFactsOf } from './packageFacts';
import { toolchainNote } from '../../toolchain/facts';
import { claimReport } from './rules';

export interface AllocationNote {
  /** gc's words: "&Record{...} escapes to heap", "moved to heap: x". */
  text: string;
  /** The chain, with absolute 1-based lines. */
  reason: string;
  /** Where the allocation is reported (UTF-16 offsets). */
  start: number;
  end: number;
  /** Why the code is hot ("`Encode` is 94% of CPU in default.pgo"), or why it is not worth a finding. */
  heat: string;
  /** "the installed toolchain go1.26", when the prediction depends on the compiler's version. */
  toolchain?: string;
}

/**
 * The predicted allocation whose reported part contains `offset`: the part a diagnostic would be
 * drawn on (a func literal's `func`, a literal's type, the value boxed), innermost first.
 */
export function allocationsAt(root: Node, offset: number, file: FileFacts): AllocationNote[] {
  let decl: Node | null = root.descendantForIndex(offset);
  while (decl && decl.parent && decl.parent.id !== root.id) decl = decl.parent;
  if (!decl || (decl.type !== 'function_declaration' && decl.type !== 'method_declaration')) return [];
  const pkg = PackageScope.of(root);
  const scopes = new DeclScopes(decl, pkg);
  const model = new EscapeModel(decl, scopes, pkg, { goMinor: file.goMinor, toolchainMinor: file.toolchainMinor, facts: packageFactsOf(file.package) });
  const testFile = isTestCode(file.path, root.text);
  return model.claims
    .map((c) => ({ c, at: headRange(c.node) }))
    .filter(({ at }) => at.start <= offset && offset <= at.end)
    .sort((a, b) => a.at.end - a.at.start - (b.at.end - b.at.start))
    .map(({ c }) => c)
    .map((c) => {
      const heat = heatOf(c.node, testFile);
      if (c.goroutine) heat.cold ??= 'goroutine';
      const report = claimReport(c, file);
      const loop = heat.benchmark && report.hoistable ? measuredLoopOf(c.node) : undefined;
      if (loop) heat.invariant = invariantAcross(c.node, loop, scopes);
      const hot = heat.cold ? undefined : hotEvidence(heat, c.node.startPosition.row, file.profile);
      return {
        text: c.text,
        reason: c.reason,
        start: headRange(c.node).start,
        end: headRange(c.node).end,
        heat: hot ? `hot: ${hot.why}` : heat.cold ? `not reported: ${COLD_WORDS[heat.cold]}` : heat.benchmark ? 'not reported: what a benchmark\'s loop makes anew each time is what it measures' : 'not reported: nothing says this code is hot (a benchmark loop, or a function a CPU profile shows)',
        toolchain: c.toolchainDependent ? toolchainNote(file.toolchainStatus, file.toolchainMinor) : undefined,
      };
    });
}

const COLD_WORDS: Record<NonNullable<ReturnType<typeof heatOf>['cold']>, string> = {
  'exit-path': 'it is on a path that leaves the loop, so it runs once, not per iteration',
  'error-path': 'it is on an error path (if err != nil)',
  'error-report': 'it builds an error, a log line or a test report',
  init: 'it runs once, at initialisation',
  once: 'it runs once (sync.Once)',
  test: 'it is test code outside a benchmark loop',
  goroutine: 'the closure of a goroutine must exist',
  untimed: 'the benchmark\'s timer is stopped here',
};
