// Functions as units of analysis: a Get and its Put are matched within the innermost function (a
// declaration or a func literal); a func literal nested in it is another function.
import type { Node } from 'web-tree-sitter';
import { enclosingFunction } from '../../engine/syntax';

/** Descendants of the given types that belong to fn itself, not to a func literal nested in it. */
export function ownDescendants(fn: Node, types: string[]): Node[] {
  const body = fn.childForFieldName('body');
  if (!body) return [];
  return body.descendantsOfType(types).filter((n): n is Node => n !== null && enclosingFunction(n)?.id === fn.id);
}

/** The type node of a function's single result, when it has exactly one. */
export function singleResultType(fn: Node): Node | undefined {
  const result = fn.childForFieldName('result');
  if (!result) return undefined;
  if (result.type !== 'parameter_list') return result;
  const params = result.namedChildren.filter((p) => p?.type === 'parameter_declaration');
  if (params.length !== 1 || params[0]!.childrenForFieldName('name').length > 1) return undefined;
  return params[0]!.childForFieldName('type') ?? undefined;
}

export function hasNoParameters(fn: Node): boolean {
  return (fn.childForFieldName('parameters')?.namedChildCount ?? 0) === 0;
}

/** Skips parentheses upwards: the node that a parenthesised expression stands in. */
export function unparenParent(node: Node): { node: Node; parent: Node | null } {
  let n = node;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  return { node: n, parent: n.parent };
}

export function unparen(node: Node | null | undefined): Node | undefined {
  let n = node ?? undefined;
  while (n?.type === 'parenthesized_expression') n = n.namedChild(0) ?? undefined;
  return n;
}
