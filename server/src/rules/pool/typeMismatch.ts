// pool/type-mismatch: every value in a pool should have the type New makes. `Get().(T)` with another
// T panics (or, with comma-ok, never succeeds), and a Put of another type pollutes the pool so that a
// later Get of the expected type panics. New's type is read from the New func literal or the named
// function it refers to, in any file of the package.
import type { Rule, RuleContext } from '../../engine/rule';
import { poolCallsOf } from './candidates';
import { DECLARATIONS_QUERY } from '../../engine/rule';
import { DeclContext } from './declContext';
import { unparen } from './functions';
import { displayType, shapeOf } from './goTypes';
import type { PoolCall } from './poolRefs';
import { pooledObjects } from './pooledObjects';
import { poolIndexer } from './summary';

export const typeMismatch: Rule = {
  id: 'pool/type-mismatch',
  summary: 'Get().(T) or Put(x) with a type different from what the pool\'s New makes.',
  help:
    'A pool should hold one type: the one its New returns. `p.Get().(T)` with a different T panics when Get returns a New-made value (the comma-ok form silently never succeeds), and `p.Put(x)` of a different type leaves a value in the pool that a later `Get().(T)` panics on. New\'s type is read from its func literal (`return new(T)`, `&T{}`, `make(…)`, `&b` of a local) or from the package function it names, in any file of the package; gohazard says nothing when it cannot tell, or when either type is an interface.',
  defaultSeverity: 'error',
  kind: 'hazard',
  query: DECLARATIONS_QUERY,
  indexer: poolIndexer,
  check(ctx: RuleContext) {
    const dc = new DeclContext(ctx);
    const calls = poolCallsOf(dc);
    // A Put of an object that came from a Get of the same pool is reported at that Get, if at all.
    const fromSamePool = new Set<number>();
    for (const obj of pooledObjects(calls.filter((c) => c.method === 'Get'), dc)) {
      for (const u of obj.uses) if (u.kind === 'put' && u.put?.pool.key === obj.get.pool.key) fromSamePool.add(u.put.call.id);
    }
    for (const call of calls) {
      const made = call.pool.newInfo.type;
      if (call.pool.newInfo.has !== 'yes' || !concrete(made, dc)) continue;
      if (call.method === 'Get') checkGet(call, made!, dc);
      else if (!fromSamePool.has(call.call.id)) checkPut(call, made!, dc);
    }
  },
  example: {
    hazard: `package example

import (
	"bytes"
	"strings"
	"sync"
)

var pool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func greet(name string) string {
	b := pool.Get().(*strings.Builder)
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

function concrete(type: string | undefined, dc: DeclContext): boolean {
  const shape = shapeOf(type, dc.facts.namedType);
  return shape !== 'interface' && shape !== 'unknown';
}

function checkGet(get: PoolCall, made: string, dc: DeclContext): void {
  let n = get.call;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const assertion = n.parent;
  if (assertion?.type !== 'type_assertion_expression') return;
  const asserted = dc.typeKey(assertion.childForFieldName('type'));
  if (!asserted || asserted === made || !concrete(asserted, dc)) return;
  const list = assertion.parent;
  const commaOk = list?.type === 'expression_list' && list.namedChildCount === 1 && (list.parent?.childForFieldName('left')?.namedChildCount ?? list.parent?.childrenForFieldName('name').length ?? 0) === 2;
  dc.ctx.report({
    node: assertion,
    message: `${get.pool.label}.Get().(${displayType(asserted)}) but ${source(get)} makes ${displayType(made)}: ${commaOk ? 'the assertion never succeeds for New-made values' : 'the assertion panics when Get returns a New-made value'}`,
  });
}

function checkPut(put: PoolCall, made: string, dc: DeclContext): void {
  if (!put.arg || unparen(put.arg)?.type === 'nil') return;
  const type = dc.typeOf(put.arg);
  if (!type || type === made || !concrete(type, dc)) return;
  dc.ctx.report({
    node: put.arg,
    message: `${put.pool.label}.Put of a ${displayType(type)}, but ${source(put)} makes ${displayType(made)}: the pool then holds two types, and a Get().(${displayType(made)}) that returns this value panics`,
  });
}

function source(call: PoolCall): string {
  return `the New of ${call.pool.declared}`;
}
