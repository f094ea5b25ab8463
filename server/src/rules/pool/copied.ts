// pool/copied: a sync.Pool must not be copied after first use (it holds a noCopy marker, and a copy
// shares neither its per-P caches nor its New with the original in any useful way). The places are
// those of vet's copylocks: receivers and parameters of a type holding a Pool by value, assignments,
// variable initialisers, return values, call arguments, composite literal elements and range
// variables — where the source makes the value's type certain.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from '../../engine/rule';
import { DECLARATIONS_QUERY } from '../../engine/rule';
import { DeclContext, rangeVariableType } from './declContext';
import { mentionsCopyNames } from './packageFacts';
import { unparen } from './functions';
import { displayType } from './goTypes';
import { queryFor } from '../../engine/queryCache';
import { poolIndexer } from './summary';

export const copied: Rule = {
  id: 'pool/copied',
  summary: 'A sync.Pool, or a struct holding one by value, is copied.',
  help:
    'sync.Pool must not be copied after first use: a copy starts with its own empty caches and whatever New the original had at that moment, Puts into one are never seen by Gets from the other, and `go vet` (copylocks) reports it because Pool embeds a noCopy marker. Copies happen through value receivers (`func (s Server) …` where Server has a `sync.Pool` field), parameters and results passed by value, assignments, range variables and composite literals. Hold the pool through a pointer: pointer receivers, `*sync.Pool` fields or parameters, `&s.pool`.',
  defaultSeverity: 'warning',
  kind: 'hazard',
  sameAs: ['govet', 'copylocks'],
  query: DECLARATIONS_QUERY,
  indexer: poolIndexer,
  check(ctx: RuleContext) {
    // Most functions cannot reach a pool at all: skip the candidate query for them.
    if (!mentionsCopyNames(ctx)) return;
    const dc = new DeclContext(ctx);
    const seen = new Set<number>();
    for (const m of queryFor(ctx.decl, COPY_CANDIDATES).matches(ctx.decl)) {
      for (const c of m.captures) {
        if (seen.has(c.node.id)) continue;
        seen.add(c.node.id);
        if (c.name === 'param') checkParameter(c.node, dc);
        else if (c.name === 'range') checkRange(c.node, dc);
        else checkValue(c.node, c.name, dc);
      }
    }
  },
  example: {
    hazard: `package example

import "sync"

type cache struct {
	pool sync.Pool
}

func (c cache) get() any {
	return c.pool.Get()
}
`,
    fix: `package example

import "sync"

type cache struct {
	pool sync.Pool
}

func (c *cache) get() any {
	return c.pool.Get()
}
`,
  },
};

const COPY_CANDIDATES = `
(parameter_declaration type: (_) @param)
(range_clause) @range
(assignment_statement right: (expression_list (_) @assign))
(short_var_declaration right: (expression_list (_) @assign))
(var_spec value: (expression_list (_) @var))
(return_statement (expression_list (_) @return))
(argument_list (_) @arg)
(keyed_element value: (literal_element (_) @literal))
(literal_value (literal_element (_) @literal))
`;

function report(dc: DeclContext, node: Node, what: string, path: string[]): void {
  const shown = path.map(displayType);
  const holder = shown[0] === 'sync.Pool' ? 'a sync.Pool' : `${shown[0]}, which holds a sync.Pool by value (${shown.join(' contains ')})`;
  dc.ctx.report({ node, message: `${what} copies ${holder}: a Pool must not be copied after first use; use a pointer${shown[0] === 'sync.Pool' ? ' (*sync.Pool)' : ` (*${shown[0]})`}` });
}

/** Receivers and parameters of functions and func literals (not of function types or interface methods). */
function checkParameter(type: Node, dc: DeclContext): void {
  const list = type.parent?.parent;
  const fn = list?.parent;
  if (!list || !fn || !['function_declaration', 'method_declaration', 'func_literal'].includes(fn.type)) return;
  const field = fn.childForFieldName('receiver')?.id === list.id ? 'receiver' : fn.childForFieldName('parameters')?.id === list.id ? 'parameter' : undefined;
  if (!field) return;
  const path = dc.facts.poolPath(dc.typeKey(type));
  if (!path) return;
  const name = fn.childForFieldName('name')?.text ?? 'func literal';
  report(dc, type, `${name} passes its ${field} by value, which`, path);
}

function checkRange(clause: Node, dc: DeclContext): void {
  const left = clause.childForFieldName('left')?.namedChildren ?? [];
  const collection = dc.typeOf(clause.childForFieldName('right'));
  left.forEach((v, i) => {
    if (!v || v.text === '_') return;
    const path = dc.facts.poolPath(rangeVariableType(collection, i));
    if (path) report(dc, v, `range variable ${v.text}`, path);
  });
}

const WHAT: Record<string, string> = {
  assign: 'assignment',
  var: 'variable declaration',
  return: 'return',
  literal: 'composite literal element',
};

/** A value expression that is not freshly made (literal, call) and whose type holds a Pool. */
function checkValue(value: Node, capture: string, dc: DeclContext): void {
  const v = unparen(value);
  if (!v || v.type === 'composite_literal' || v.type === 'call_expression' || v.type === 'func_literal') return;
  if (v.type === 'unary_expression') {
    const op = v.childForFieldName('operator')?.type;
    if (op === '&') return;
    if (op === '*' && unparen(v.childForFieldName('operand'))?.type === 'call_expression') return;
  }
  if (capture === 'arg') {
    const call = value.parent?.parent;
    const fn = call?.childForFieldName('function');
    if (call?.type !== 'call_expression' || (fn?.type === 'identifier' && ['len', 'cap', 'new', 'make'].includes(fn.text) && !dc.isLocal(fn))) return;
    const path = dc.facts.poolPath(dc.typeOf(v));
    if (path) report(dc, value, `call of ${fn?.text ?? 'a function'}`, path);
    return;
  }
  const path = dc.facts.poolPath(dc.typeOf(v));
  if (path) report(dc, value, WHAT[capture] ?? 'this', path);
}
