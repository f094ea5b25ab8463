// pool/short-lived-pool: a pool only pays off when it outlives the objects it hands out. A sync.Pool
// declared in a function body and used only there starts empty on every call and is dropped at
// return, so every Get allocates (through New) and every Put is thrown away; one created inside an
// HTTP handler is made per request. Pools that a function builds and hands on (returned, stored in a
// field or a package variable) are constructors and fine.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from '../../engine/rule';
import type { Binding } from '../../engine/scope';
import { DECLARATIONS_QUERY } from '../../engine/rule';
import { DeclContext } from './declContext';
import { enclosingFunction } from '../../engine/syntax';
import { queryFor } from '../../engine/queryCache';
import { poolIndexer } from './summary';

const POOL_TYPE_QUERY = '(qualified_type name: (type_identifier) @name (#eq? @name "Pool")) @type';

export const shortLivedPool: Rule = {
  id: 'pool/short-lived-pool',
  summary: 'A sync.Pool is created per call (a local variable, or inside an HTTP handler): it is never reused.',
  help:
    'A sync.Pool that is a local variable is created empty on every call and dropped when the function returns: Get always falls through to New and whatever is Put is garbage — more work than allocating directly. The same holds for a pool created inside an HTTP handler, once per request. Declare the pool once: a package-level `var`, or a field of a value that lives as long as the work it serves (created in its constructor). A function that creates a pool and returns it or stores it elsewhere is such a constructor and is not reported.',
  defaultSeverity: 'warning',
  kind: 'hazard',
  query: DECLARATIONS_QUERY,
  indexer: poolIndexer,
  check(ctx: RuleContext) {
    // Creating a pool means writing its type; most declarations never mention it.
    if (!/\bPool\b/.test(ctx.source.text.slice(ctx.decl.startIndex, ctx.decl.endIndex))) return;
    const dc = new DeclContext(ctx);
    for (const m of queryFor(ctx.decl, POOL_TYPE_QUERY).matches(ctx.decl)) {
      const type = m.captures.find((c) => c.name === 'type')?.node;
      if (!type || dc.typeKey(type) !== 'sync.Pool') continue;
      const fn = enclosingFunction(type);
      if (!fn) continue;
      const creation = creationOf(type);
      if (!creation) continue;
      const name = fn.childForFieldName('name')?.text;
      if (handlerOf(fn, dc)) {
        const handler = name ? `the HTTP handler ${name}` : 'an HTTP handler func literal';
        ctx.report({ node: creation.node, message: `sync.Pool created inside ${handler}: a new, empty pool per request is never reused; declare it once (a package-level var, or a field of the server set up by its constructor)` });
        continue;
      }
      if (creation.kind === 'temporary') {
        ctx.report({ node: creation.node, message: `sync.Pool created and used in one expression in ${name ?? 'a func literal'}: it is empty and dropped right away, so nothing is ever reused; declare the pool once (a package-level var or a field of a long-lived value)` });
        continue;
      }
      for (const id of creation.ids) {
        const b = dc.localBinding(id);
        if (!b || !onlyUsedAsPool(b)) continue;
        ctx.report({ node: id, message: `sync.Pool ${b.name} is a local variable of ${name ?? 'a func literal'}: a new, empty pool is made on every call and dropped at return, so Get always allocates and Put throws away; declare it once (a package-level var or a field of a long-lived value)` });
      }
    }
  },
  example: {
    hazard: `package example

import (
	"bytes"
	"sync"
)

func greet(name string) string {
	pool := sync.Pool{New: func() any { return new(bytes.Buffer) }}
	b := pool.Get().(*bytes.Buffer)
	defer pool.Put(b)
	b.Reset()
	b.WriteString("hello ")
	b.WriteString(name)
	return b.String()
}
`,
    fix: `package example

import (
	"bytes"
	"sync"
)

var pool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func greet(name string) string {
	b := pool.Get().(*bytes.Buffer)
	defer pool.Put(b)
	b.Reset()
	b.WriteString("hello ")
	b.WriteString(name)
	return b.String()
}
`,
  },
};

type Creation = { kind: 'temporary'; node: Node } | { kind: 'local'; node: Node; ids: Node[] } | { kind: 'other'; node: Node; ids: Node[] };

/** The pool a `sync.Pool` type mention creates, and where the new pool goes. */
function creationOf(type: Node): Creation | undefined {
  const parent = type.parent;
  if (!parent) return undefined;
  if (parent.type === 'var_spec' && parent.childForFieldName('type')?.id === type.id) {
    return { kind: 'local', node: parent, ids: parent.childrenForFieldName('name').filter((n): n is Node => n !== null) };
  }
  let made: Node | undefined;
  if (parent.type === 'composite_literal' && parent.childForFieldName('type')?.id === type.id) made = parent;
  else if (parent.type === 'argument_list' && parent.parent?.childForFieldName('function')?.text === 'new') made = parent.parent;
  if (!made) return undefined;
  let e: Node = made;
  if (e.parent?.type === 'unary_expression' && e.parent.childForFieldName('operator')?.type === '&') e = e.parent;
  while (e.parent?.type === 'parenthesized_expression') e = e.parent;
  const holder = e.parent;
  if (holder?.type === 'selector_expression') return { kind: 'temporary', node: made };
  if (holder?.type === 'expression_list') {
    const statement = holder.parent;
    const index = holder.namedChildren.findIndex((n) => n?.id === e.id);
    if (statement?.type === 'short_var_declaration' && statement.childForFieldName('right')?.id === holder.id) {
      const left = statement.childForFieldName('left')?.namedChildren ?? [];
      return { kind: 'local', node: made, ids: left.length === holder.namedChildCount && left[index] ? [left[index]!] : [] };
    }
    if (statement?.type === 'var_spec') {
      const names = statement.childrenForFieldName('name');
      return { kind: 'local', node: made, ids: names.length === holder.namedChildCount ? [names[index]].filter((n): n is Node => n !== null && n !== undefined) : [] };
    }
  }
  return { kind: 'other', node: made, ids: [] };
}

/**
 * Every use of the variable is a pool method call or a New assignment on it (it never leaves), and
 * none is in a loop inside the function (where one call would reuse its objects across iterations).
 */
function onlyUsedAsPool(b: Binding): boolean {
  if (b.refs.length === 0) return false;
  return b.refs.every((ref) => {
    // Used in a loop, or in a func literal the function makes (a handler it returns or installs): the
    // pool serves more than one use of one call.
    for (let n = ref.parent; n && n.id !== b.scopeNode.id; n = n.parent) if (n.type === 'for_statement' || n.type === 'func_literal') return false;
    const parent = ref.parent;
    if (parent?.type !== 'selector_expression' || parent.childForFieldName('operand')?.id !== ref.id) return false;
    const field = parent.childForFieldName('field')?.text;
    return field === 'Get' || field === 'Put' || field === 'New';
  });
}

/** A function taking an http.ResponseWriter and an *http.Request: it runs once per request. */
function handlerOf(fn: Node, dc: DeclContext): boolean {
  const types = (fn.childForFieldName('parameters')?.namedChildren ?? []).map((p) => dc.typeKey(p?.childForFieldName('type')));
  return types.includes('net/http.ResponseWriter') && types.includes('*net/http.Request');
}
