// Which functions gc certainly inlines, estimated from their syntax. gc inlines a function whose
// cost (roughly, its IR node count) is at most 80, where a call it cannot inline costs 57 more and
// loops, closures, defer, go, select, recover and some pragmas are not inlined here. The estimate is
// deliberately strict: only bodies of at most 60 nodes that call nothing but builtins, conversions
// and inlinable std constructors count, so what it accepts gc inlines.
import type { Node } from 'web-tree-sitter';
import { isInterface, isKnown } from './goTypes';
import type { Callee, TypeEnv } from './typeEnv';

const MAX_COST = 60;

const notInlined = new Set([
  'for_statement', 'go_statement', 'defer_statement', 'select_statement', 'func_literal', 'labeled_statement', 'goto_statement',
  'type_switch_statement',
]);

/** An estimate of gc's inlining cost, or undefined when gc may not inline the function. */
export function inlineCost(decl: Node, env: TypeEnv): number | undefined {
  const body = decl.childForFieldName('body');
  if (!body || hasBlockingPragma(decl)) return undefined;
  return costOf(body, env, MAX_COST, (callee) => {
    if (callee.kind === 'builtin') return callee.name === 'recover' ? undefined : 0;
    if (callee.kind === 'std' && callee.fn.inlineAlloc) return callee.fn.inlineAlloc.cost;
    return callee.kind === 'conversion' ? 0 : undefined;
  });
}

/**
 * The cost of the nodes under root, a call adding callCost of its callee; undefined past budget, or on
 * a construct (or a call: callCost undefined) that keeps gc from inlining.
 */
function costOf(root: Node, env: TypeEnv, budget: number, callCost: (callee: Callee) => number | undefined): number | undefined {
  let cost = 0;
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (notInlined.has(n.type)) return undefined;
    if (n.type === 'call_expression') {
      const extra = callCost(env.calleeOf(n));
      if (extra === undefined) return undefined;
      cost += extra;
    }
    if (n.isNamed && n.type !== 'comment') cost++;
    if (cost > budget) return undefined;
    for (let i = n.childCount - 1; i >= 0; i--) {
      const c = n.child(i);
      if (c) stack.push(c);
    }
  }
  return cost;
}

/** gc's cost of a call it does not inline (inl.go inlineExtraCallCost). */
const CALL_COST = 57;
/** gc inlines a function whose cost is at most this (inl.go inlineMaxBudget). */
const MAX_BUDGET = 80;

/**
 * Whether every call of the function is, once gc inlines it, a conversion of a concrete value to the
 * interface it returns (`func newStore() store { return newShardedMap() }`). Method calls on a local
 * whose only value is such a call are then devirtualized (gc prints "devirtualizing s.Update to
 * *shardedMap"), and their arguments flow to the concrete method instead of escaping. Strict like
 * inlineCost: one return statement of one expression, whose calls gc may not inline counted at
 * their full extra cost.
 */
export function returnsConcrete(decl: Node, env: TypeEnv): boolean {
  if (env.isGeneric || hasBlockingPragma(decl)) return false;
  const result = decl.childForFieldName('result');
  if (!result || result.type === 'parameter_list' || !isInterface(env.typeOfTypeNode(result))) return false;
  const body = decl.childForFieldName('body');
  const block = body?.namedChildren.find((c) => c?.type === 'statement_list') ?? body;
  const statements = block?.namedChildren.filter((c) => c?.type !== 'comment') ?? [];
  const list = statements.length === 1 && statements[0]?.type === 'return_statement' ? statements[0].namedChild(0) : null;
  const values = list?.type === 'expression_list' ? list.namedChildren : list ? [list] : [];
  if (values.length !== 1 || !values[0]) return false;
  const value = values[0];
  const type = env.typeOf(value);
  if (!isKnown(type) || isInterface(type)) return false;
  const cost = costOf(value, env, MAX_BUDGET, (callee) => {
    if (callee.kind === 'builtin') return callee.name === 'recover' ? undefined : 0;
    return callee.kind === 'conversion' ? 0 : CALL_COST;
  });
  return cost !== undefined;
}

function hasBlockingPragma(decl: Node): boolean {
  const prev = decl.previousNamedSibling;
  return prev?.type === 'comment' && /^\/\/go:(noinline|norace|nocheckptr|uintptrescapes|linkname|nosplit|systemstack|yeswritebarrierrec|nowritebarrier)/m.test(prev.text);
}
