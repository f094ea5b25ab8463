// Syntax questions every rule family asks.
import type { Node } from 'web-tree-sitter';

/** Whether inner lies in outer's range (outer itself included). */
export function within(outer: Node, inner: Node): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

/** The variable an lvalue or pointer expression is rooted at: `a` in `a`, `a.b[i].c`, `a[1:]`, `*a`, `&a`, `(a)`. */
export function rootIdentifier(expr: Node | null | undefined): Node | undefined {
  let n = expr;
  while (n && n.type !== 'identifier') {
    if (n.type === 'selector_expression' || n.type === 'index_expression' || n.type === 'slice_expression' || n.type === 'unary_expression') n = n.childForFieldName('operand');
    else if (n.type === 'parenthesized_expression') n = n.namedChild(0);
    else return undefined;
  }
  return n ?? undefined;
}

/**
 * A test of whether a node lies strictly inside one of `nodes` (not only the same node), decided by byte
 * ranges. tree-sitter finds a node's parent by descending from the root (limits.ts), so asking this of
 * every candidate by walking up costs depth² per candidate, cubic in code of deeply nested closures; here
 * it costs a binary search.
 */
export function enclosedByAny(nodes: readonly Node[]): (node: Node) => boolean {
  const sorted = [...nodes].sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  // Syntax nodes nest or are disjoint, so the outermost ones are disjoint and cover every containment but
  // one: a node that is itself outermost lies inside none of them.
  const outermost: Node[] = [];
  for (const n of sorted) {
    const last = outermost[outermost.length - 1];
    if (!last || n.startIndex >= last.endIndex) outermost.push(n);
  }
  return (node) => {
    let lo = 0;
    let hi = outermost.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (outermost[mid].startIndex <= node.startIndex) (found = mid), (lo = mid + 1);
      else hi = mid - 1;
    }
    const outer = outermost[found];
    return !!outer && within(outer, node) && outer.id !== node.id;
  };
}

/** The node types that are functions, units of analysis: declarations, methods and func literals. */
export const FUNCTION_TYPES: ReadonlySet<string> = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/** The innermost function declaration or func literal that contains node (not node itself). */
export function enclosingFunction(node: Node): Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (FUNCTION_TYPES.has(n.type)) return n;
  return undefined;
}
