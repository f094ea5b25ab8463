// The escape model's predictions at one place of a file, for a hover: every allocation whose
// expression holds the position, with gc's words, the reason chain, whether the code is hot, and the
// toolchain the prediction is for. Computed on demand for the one declaration under the cursor.
import type { Node } from 'web-tree-sitter';
import type { FileFacts } from '../../engine/rule';
import { DeclScopes, PackageScope } from '../../engine/scope';
import { heatOf, isTestFile } from '../../engine/policy/heat';
import { hotEvidence } from '../../engine/policy/present';
import { EscapeModel } from './model';
import { packageFactsOf } from './packageFacts';
import { toolchainNote } from '../../toolchain/facts';

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

/** The predicted allocations whose reported expression contains `offset`, innermost first. */
export function allocationsAt(root: Node, offset: number, file: FileFacts): AllocationNote[] {
  let decl: Node | null = root.descendantForIndex(offset);
  while (decl && decl.parent && decl.parent.id !== root.id) decl = decl.parent;
  if (!decl || (decl.type !== 'function_declaration' && decl.type !== 'method_declaration')) return [];
  const pkg = new PackageScope(root);
  const model = new EscapeModel(decl, new DeclScopes(decl, pkg), pkg, { goMinor: file.goMinor, toolchainMinor: file.toolchainMinor, facts: packageFactsOf(file.package) });
  const testFile = isTestFile(file.path);
  return model.claims
    .filter((c) => c.node.startIndex <= offset && offset <= c.node.endIndex)
    .sort((a, b) => a.node.endIndex - a.node.startIndex - (b.node.endIndex - b.node.startIndex))
    .map((c) => {
      const heat = heatOf(c.node, testFile);
      if (c.goroutine) heat.cold ??= 'goroutine';
      const hot = heat.cold ? undefined : hotEvidence(heat, c.node.startPosition.row, file.profile);
      return {
        text: c.text,
        reason: c.reason,
        start: c.node.startIndex,
        end: c.node.endIndex,
        heat: hot ? `hot: ${hot.why}` : heat.cold ? `not reported: ${COLD_WORDS[heat.cold]}` : 'not reported: nothing says this code is hot (a benchmark loop, or a function a CPU profile shows)',
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
};
