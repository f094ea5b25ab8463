// pool/missing-reset: an object put back with its contents intact hands them to the next Get — a
// buffer that starts with someone else's bytes, a struct with another request's fields. Reported when
// some path from the Get uses the object and reaches the Put without a reset, and either another path
// does reset it (so the code itself says resetting matters) or the type plainly accumulates data (a
// bytes.Buffer, strings.Builder, map, appended-to slice, or a package type with a Reset method).
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from '../../engine/rule';
import { poolCallsOf } from './candidates';
import { DECLARATIONS_QUERY } from '../../engine/rule';
import { DeclContext } from './declContext';
import { walkPaths } from './flow';
import { unparenParent } from './functions';
import { displayType, shapeOf } from './goTypes';
import { ObjectUse, PooledObject, holdsGet, pooledObjects, usesWithin } from './pooledObjects';
import { poolIndexer } from './summary';

export const missingReset: Rule = {
  id: 'pool/missing-reset',
  summary: 'An object from Get is put back without being reset on some path, leaking its data to the next user.',
  help:
    'What goes back into a pool comes out of the next Get as it is. Reset the object between Get and Put on every path — `buf.Reset()`, `b = b[:0]` / `*bp = (*bp)[:0]`, `clear(m)`, zeroing its fields, or a reset helper — or the next user sees the previous user\'s data (and may send it somewhere). Resetting right after Get counts. Reported when a path from the Get uses the object and reaches the Put without a reset, and either another path resets it (so resetting matters) or the type plainly accumulates data: bytes.Buffer, strings.Builder, maps, slices that are appended to, and package types with a Reset method. A fixed-size scratch buffer that is only overwritten, an object put back untouched, or a map whose entries the function returns (an intern table or lookup cache, which keeps its data on purpose) is fine.',
  defaultSeverity: 'warning',
  kind: 'hazard',
  query: DECLARATIONS_QUERY,
  indexer: poolIndexer,
  check(ctx: RuleContext) {
    const dc = new DeclContext(ctx);
    for (const obj of pooledObjects(poolCallsOf(dc, 'Get'), dc)) {
      const outcomes = stateAtPuts(obj);
      // A reset on any path to any Put of the object says that resetting it matters.
      const sometimes = [...outcomes.values()].some((states) => states.has('reset'));
      for (const [put, states] of outcomes) {
        if (!states.has('dirty')) continue;
        if (!sometimes && !holdsData(obj, dc)) continue;
        ctx.report({
          node: put.put!.call,
          message: `${obj.binding.name} goes back into ${obj.get.pool.label} without a reset${sometimes ? ' on some paths (other paths reset it)' : ''}${obj.type ? ` (${displayType(obj.type)})` : ''}: the next Get hands the previous user's data to someone else; reset it before the Put (or right after the Get at line ${ctx.lineOf(obj.get.call)})`,
        });
      }
    }
  },
  example: {
    hazard: `package example

import (
	"bytes"
	"sync"
)

var pool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func greet(name string) string {
	b := pool.Get().(*bytes.Buffer)
	defer pool.Put(b)
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

/**
 * What the object is when it goes back: reset on the way, untouched since the Get (it holds no more
 * than it came with, so nothing new leaks), or used and not reset.
 */
type PutState = 'reset' | 'unused' | 'dirty';

interface ResetState {
  held: boolean;
  reset: boolean;
  used: boolean;
  /** Index in obj.uses of a deferred Put registered on this path. */
  deferredPut: number;
}

function stateAtPuts(obj: PooledObject): Map<ObjectUse, Set<PutState>> {
  const out = new Map<ObjectUse, Set<PutState>>();
  const record = (put: ObjectUse, s: { reset: boolean; used: boolean }) => {
    const set = out.get(put) ?? new Set<PutState>();
    set.add(s.reset ? 'reset' : s.used ? 'dirty' : 'unused');
    out.set(put, set);
  };
  walkPaths<ResetState>(obj.fn, { held: false, reset: false, used: false, deferredPut: -1 }, {
    key: (s) => `${s.held}${s.reset}${s.used}${s.deferredPut}`,
    step: (s, node) => {
      let { held, reset, used, deferredPut } = s;
      if (holdsGet(obj, node)) {
        held = true;
        reset = false;
        used = false;
      }
      const uses = usesWithin(obj, node);
      // `w = bufio.NewWriter(f)` with nothing of the object on the right: what is put later is new.
      const rebound = !holdsGet(obj, node) && uses.length > 0 && uses.every((u) => u.kind === 'write');
      for (const u of uses) {
        if (u.kind !== 'put') {
          if (u.deferred) continue;
          // `z, err = gzip.NewReader(r)`: the variable no longer holds what Get returned.
          if (u.kind === 'write' && (u.binding === obj.binding || rebound) && !holdsGet(obj, node)) held = false;
          if (u.resets) reset = true;
          // Taking an alias (`b := *bp`) or rebinding the variable does not touch the contents.
          else if (u.kind !== 'write' && u.kind !== 'alias') used = true;
          continue;
        }
        if (!held) continue;
        if (u.deferred) {
          deferredPut = obj.uses.indexOf(u);
          continue;
        }
        record(u, { reset: reset || u.resets, used });
        held = false;
      }
      return { held, reset, used, deferredPut };
    },
    exit: (s) => {
      if (s.deferredPut < 0) return;
      const put = obj.uses[s.deferredPut];
      record(put, { reset: s.reset || put.resets || deferredResetBefore(obj, put), used: s.used });
    },
  });
  return out;
}

/** `defer func() { b.Reset(); p.Put(b) }()`: a reset in the same deferred func literal, before the Put. */
function deferredResetBefore(obj: PooledObject, put: ObjectUse): boolean {
  const lit = enclosingLiteral(put.ref);
  return obj.uses.some((u) => u.resets && u.deferred && u.ref.startIndex < put.ref.startIndex && lit !== undefined && enclosingLiteral(u.ref) === lit);
}

function enclosingLiteral(node: Node): number | undefined {
  for (let n = node.parent; n; n = n.parent) if (n.type === 'func_literal') return n.id;
  return undefined;
}

/** Types whose values plainly carry data from one use to the next. */
function holdsData(obj: PooledObject, dc: DeclContext): boolean {
  const type = obj.type?.replace(/^\*/, '');
  if (!type) return false;
  if (type === 'bytes.Buffer' || type === 'strings.Builder') return true;
  const shape = shapeOf(type, dc.facts.namedType);
  // A map whose entries the function hands back to its caller is a cache (an intern table, a
  // lookup cache): keeping its data between users is its purpose.
  if (shape === 'map') return !servesLookups(obj);
  // A slice only accumulates what is appended to it; a fixed-size scratch buffer is overwritten.
  if (shape === 'slice') return appendsTo(obj);
  const base = type.replace(/\[.*$/, '');
  return ['Reset', 'reset', 'Clear', 'clear'].some((m) => dc.facts.hasMethod(base, m));
}

/** Whether a value looked up in the object (`m[k]`) is returned, directly or through a variable. */
function servesLookups(obj: PooledObject): boolean {
  const holders = new Set<string>();
  for (const u of obj.uses) {
    const { node, parent } = unparenParent(u.ref);
    if (parent?.type !== 'index_expression' || parent.childForFieldName('operand')?.id !== node.id) continue;
    const { parent: list } = unparenParent(parent);
    const statement = list?.parent;
    if (list?.type === 'expression_list' && statement?.type === 'return_statement') return true;
    if (list?.type === 'expression_list' && (statement?.type === 'short_var_declaration' || statement?.type === 'assignment_statement') && statement.childForFieldName('right')?.id === list.id) {
      const first = statement.childForFieldName('left')?.namedChild(0);
      if (first?.type === 'identifier') holders.add(first.text);
    }
  }
  if (holders.size === 0) return false;
  for (const ret of obj.fn.descendantsOfType('return_statement')) {
    for (const value of ret?.namedChild(0)?.namedChildren ?? []) if (value?.type === 'identifier' && holders.has(value.text)) return true;
  }
  return false;
}

/** Whether the object (or an alias) is the first argument of append or an Append… function. */
function appendsTo(obj: PooledObject): boolean {
  return obj.uses.some((u) => {
    for (let n = u.ref.parent; n && n.id !== obj.fn.id; n = n.parent) {
      if (n.type !== 'argument_list') continue;
      const fn = n.parent?.childForFieldName('function');
      const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : fn?.text;
      return /^(append|Append\w*)$/.test(name ?? '') && n.namedChild(0) !== null && n.namedChild(0)!.startIndex <= u.ref.startIndex && u.ref.endIndex <= n.namedChild(0)!.endIndex;
    }
    return false;
  });
}
