// How the pool rules find their candidates cheaply. Method calls are everywhere, and a query's text
// predicates (`#eq? @method "Get"`) are applied in JavaScript to every match the grammar engine
// returns, so a registered query for `x.Get()` would cost as much as marshalling every method call of
// every file, once per rule. Instead the rules register one match per top-level declaration, skip the
// declarations whose text has no `.Get(` / `.Put(` (most of them), and share one search of the rest.
import type { Node, Tree } from 'web-tree-sitter';
import type { DeclContext } from './declContext';
import { PoolCall, poolCall } from './poolRefs';
import { queryFor } from '../../engine/queryCache';

const CALLS_QUERY = '(call_expression function: (selector_expression field: (field_identifier) @method (#any-of? @method "Get" "Put"))) @call';

const MENTIONS_CALLS = /\.\s*(Get|Put)\s*\(/;

/** Candidate call nodes per declaration; they depend on the tree only, so every pool rule shares them. */
const callsByTree = new WeakMap<Tree, Map<number, Node[]>>();

function candidateCalls(decl: Node, text: string): Node[] {
  let byDecl = callsByTree.get(decl.tree);
  if (!byDecl) {
    byDecl = new Map();
    callsByTree.set(decl.tree, byDecl);
  }
  let calls = byDecl.get(decl.id);
  if (!calls) {
    calls = MENTIONS_CALLS.test(text) ? queryFor(decl, CALLS_QUERY).captures(decl).filter((c) => c.name === 'call').map((c) => c.node) : [];
    byDecl.set(decl.id, calls);
  }
  return calls;
}

/** The pool calls of the declaration being checked, in source order. */
export function poolCallsOf(dc: DeclContext, method?: 'Get' | 'Put'): PoolCall[] {
  const { decl, source } = dc.ctx;
  const out: PoolCall[] = [];
  for (const call of candidateCalls(decl, source.text.slice(decl.startIndex, decl.endIndex))) {
    const pc = poolCall(call, dc);
    if (pc && (!method || pc.method === method)) out.push(pc);
  }
  return out;
}
