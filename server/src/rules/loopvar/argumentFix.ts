// The "pass it as an argument" quick fix: `go func() { use(v) }()` → `go func(v T) { use(v) }(v)`.
// Offered only for literals started with go or defer (their arguments are evaluated right away), when
// the type of every captured variable is certain from the file and the literal never writes them.
import type { Node } from 'web-tree-sitter';
import type { OffsetFix } from '../../engine/rule';
import type { DeclScopes, PackageScope } from '../../engine/scope';
import type { Capture } from './escaping';
import { isModification } from './loops';
import { loopVariableType } from './types';

export function passAsArgumentFix(literal: Node, captures: Capture[], scopes: DeclScopes, pkg: PackageScope): OffsetFix | undefined {
  const call = literal.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== literal.id) return undefined;
  if (call.parent?.type !== 'go_statement' && call.parent?.type !== 'defer_statement') return undefined;
  const params = literal.childForFieldName('parameters');
  const args = call.childForFieldName('arguments');
  if (!params || !args) return undefined;

  const vars: { name: string; type: string }[] = [];
  for (const c of captures) {
    if (c.literal.id !== literal.id || vars.some((v) => v.name === c.variable.binding.name)) continue;
    if (c.inLiteral.some(isModification)) return undefined;
    const type = loopVariableType(c.variable.binding, scopes, pkg);
    if (!type) return undefined;
    vars.push({ name: c.variable.binding.name, type });
  }
  if (vars.length === 0) return undefined;
  const hasParams = params.namedChildCount > 0;
  const hasArgs = args.namedChildCount > 0;
  return {
    title: `Pass ${vars.map((v) => v.name).join(', ')} to the func literal as ${vars.length === 1 ? 'an argument' : 'arguments'}`,
    edits: [
      { start: params.endIndex - 1, end: params.endIndex - 1, newText: `${hasParams ? ', ' : ''}${vars.map((v) => `${v.name} ${v.type}`).join(', ')}` },
      { start: args.endIndex - 1, end: args.endIndex - 1, newText: `${hasArgs ? ', ' : ''}${vars.map((v) => v.name).join(', ')}` },
    ],
  };
}
