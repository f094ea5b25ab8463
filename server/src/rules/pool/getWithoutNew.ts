// pool/get-without-new: a pool without New returns nil from Get whenever it is empty (always, the
// first time, and after every GC that clears it), and `p.Get().(T)` on nil panics. Reported only when
// no New can be installed anywhere gohazard can see: the declaration has none, no `p.New = …` exists
// in the package, and no New is installed through a pointer to some pool.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from '../../engine/rule';
import { poolCallsOf } from './candidates';
import { DECLARATIONS_QUERY } from '../../engine/rule';
import { DeclContext } from './declContext';
import { displayType } from './goTypes';
import { poolIndexer } from './summary';

export const getWithoutNew: Rule = {
  id: 'pool/get-without-new',
  summary: 'Get().(T) without comma-ok on a pool that has no New: it panics whenever the pool is empty.',
  help:
    'Without a New func, Get returns nil when the pool is empty — on first use and after every garbage collection that clears the pool. `p.Get().(T)` then panics on the nil interface. Give the pool a New (`sync.Pool{New: func() any { return new(T) }}`) or use `v, ok := p.Get().(T)` and allocate when !ok. Reported when the pool\'s declaration (a package variable, a local, or a struct field held by value) has no New and no `p.New = …` or pool literal with New installs one anywhere in the package.',
  defaultSeverity: 'error',
  kind: 'hazard',
  query: DECLARATIONS_QUERY,
  indexer: poolIndexer,
  check(ctx: RuleContext) {
    const dc = new DeclContext(ctx);
    for (const get of poolCallsOf(dc, 'Get')) {
      if (get.method !== 'Get' || get.pool.newInfo.has !== 'no') continue;
      let n = get.call;
      while (n.parent?.type === 'parenthesized_expression') n = n.parent;
      const assertion = n.parent;
      if (assertion?.type !== 'type_assertion_expression' || commaOk(assertion)) continue;
      const type = dc.typeKey(assertion.childForFieldName('type'));
      ctx.report({
        node: assertion,
        message: `${get.pool.declared} has no New (${get.pool.newInfo.source}): Get returns nil when the pool is empty, and .(${type ? displayType(type) : assertion.childForFieldName('type')?.text}) then panics; give the pool a New func or use the comma-ok form`,
      });
    }
  },
  example: {
    hazard: `package example

import (
	"bytes"
	"sync"
)

var pool sync.Pool

func greet(name string) string {
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

/** `v, ok := p.Get().(T)` (or `=`, or `var v, ok = …`). */
function commaOk(assertion: Node): boolean {
  let n = assertion;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const list = n.parent;
  if (list?.type !== 'expression_list' || list.namedChildCount !== 1) return false;
  const holder = list.parent;
  if (!holder) return false;
  const left = holder.type === 'var_spec' ? holder.childrenForFieldName('name').length : (holder.childForFieldName('left')?.namedChildCount ?? 0);
  return left === 2;
}
