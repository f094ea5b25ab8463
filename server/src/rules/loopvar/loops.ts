// Loop variables and where they are used, shared by the loopvar rules.
import type { Node } from 'web-tree-sitter';
import type { Binding, DeclScopes } from '../../engine/scope';
import type { FileFacts } from '../../engine/rule';
import { basename } from '../../engine/paths';
import { languageVersion } from '../../toolchain/goVersion';

/** The for_statement that declares a binding, when the binding is a loop variable. */
export function loopOf(b: Binding): Node | undefined {
  if (b.kind === 'range') return b.declarator.parent ?? undefined;
  if (b.kind === 'for') return b.declarator.parent?.parent ?? undefined;
  return undefined;
}

export function contains(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** Loop variables referenced inside `node`, with their references there, in order of first use. */
export function loopVarsUsedIn(node: Node, scopes: DeclScopes): { binding: Binding; loop: Node; refs: Node[] }[] {
  const out: { binding: Binding; loop: Node; refs: Node[] }[] = [];
  for (const binding of scopes.bindings) {
    const loop = loopOf(binding);
    const body = loop?.childForFieldName('body');
    if (!loop || !body || !contains(body, node)) continue;
    const refs = binding.refs.filter((r) => contains(node, r));
    if (refs.length > 0) out.push({ binding, loop, refs });
  }
  return out.sort((a, b) => a.refs[0].startIndex - b.refs[0].startIndex);
}

/** "go1.21 (go.mod line 3)": the file's language version and where it comes from. */
export function versionNote(file: FileFacts): string {
  const v = languageVersion(file.goMinor);
  const s = file.versionSource;
  if (s.kind === 'go.mod' && s.path) return s.line !== undefined ? `${v} from ${basename(s.path)} line ${s.line + 1}` : `${v}: ${basename(s.path)} has no go line`;
  if (s.kind === 'go:build' && s.line !== undefined) return `${v} from the //go:build line ${s.line + 1}`;
  return `${v} (assumed: no go.mod found)`;
}
