// Which functions gc certainly inlines, estimated from their syntax. gc inlines a function whose
// cost (roughly, its IR node count) is at most 80, where a call it cannot inline costs 57 more and
// loops, closures, defer, go, select, recover and some pragmas are not inlined here. The estimate is
// deliberately strict: only bodies of at most 60 nodes that call nothing but builtins, conversions
// and inlinable std constructors count, so what it accepts gc inlines.
import type { Node } from 'web-tree-sitter';
import type { TypeEnv } from './typeEnv';

const MAX_COST = 60;

const notInlined = new Set([
  'for_statement', 'go_statement', 'defer_statement', 'select_statement', 'func_literal', 'labeled_statement', 'goto_statement',
  'type_switch_statement',
]);

/** An estimate of gc's inlining cost, or undefined when gc may not inline the function. */
export function inlineCost(decl: Node, env: TypeEnv): number | undefined {
  const body = decl.childForFieldName('body');
  if (!body) return undefined;
  const prev = decl.previousNamedSibling;
  if (prev?.type === 'comment' && /^\/\/go:(noinline|norace|nocheckptr|uintptrescapes|linkname|nosplit|systemstack|yeswritebarrierrec|nowritebarrier)/m.test(prev.text)) return undefined;
  let cost = 0;
  const stack: Node[] = [body];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (notInlined.has(n.type)) return undefined;
    if (n.type === 'call_expression') {
      const callee = env.calleeOf(n);
      if (callee.kind === 'builtin') {
        if (callee.name === 'recover') return undefined;
      } else if (callee.kind === 'std' && callee.fn.inlineAlloc) {
        cost += callee.fn.inlineAlloc.cost;
      } else if (callee.kind !== 'conversion') return undefined;
    }
    if (n.isNamed && n.type !== 'comment') cost++;
    if (cost > MAX_COST) return undefined;
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c) stack.push(c);
    }
  }
  return cost;
}
