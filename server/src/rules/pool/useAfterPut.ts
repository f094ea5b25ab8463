// pool/use-after-put: after Put the object belongs to the pool; another goroutine may Get it at once,
// so touching it (or memory it owns: `buf.Bytes()`, `*bp`, `b[:n]` taken before the Put) is a data
// race that corrupts someone else's data. The deferred variant: `defer pool.Put(buf)` followed by
// `return buf.Bytes()` hands the caller memory that the deferred Put gives back before the caller
// can use it.
import type { Node } from 'web-tree-sitter';
import type { Rule, RuleContext } from '../../engine/rule';
import type { Binding } from '../../engine/scope';
import { poolCallsOf } from './candidates';
import { DECLARATIONS_QUERY } from '../../engine/rule';
import { DeclContext } from './declContext';
import { walkPaths } from './flow';
import { rootIdentifier, within } from '../../engine/syntax';
import { isTestCode } from '../../engine/policy/heat';
import { PooledObject, holdsGet, pooledObjects, usesWithin } from './pooledObjects';
import { poolIndexer } from './summary';

export const useAfterPut: Rule = {
  id: 'pool/use-after-put',
  summary: 'The object (or memory it owns) is used after it was put back in the pool.',
  help:
    'Once Put returns, another goroutine may Get the same object and write to it, so any later use of it — or of an alias taken before the Put, such as `buf.Bytes()`, `*bp` or a sub-slice — races with that user. This includes returning such an alias from a function that has `defer pool.Put(buf)`: the deferred Put runs before the caller sees the result. Copy what must outlive the Put (`string(b)`, `bytes.Clone`, `append([]byte(nil), b...)`) or move the Put after the last use. Re-assigning the variable (`buf = nil`, a new Get) ends the hazard.',
  defaultSeverity: 'error',
  kind: 'hazard',
  query: DECLARATIONS_QUERY,
  indexer: poolIndexer,
  check(ctx: RuleContext) {
    const dc = new DeclContext(ctx);
    const reported = new Set<number>();
    const testCode = isTestCode(ctx.file.path, ctx.source.text);
    for (const obj of pooledObjects(poolCallsOf(dc, 'Get'), dc)) {
      if (!obj.uses.some((u) => u.kind === 'put')) continue;
      const alone = testCode && poolOfItsOwn(obj, dc);
      const report = (node: Node, message: string) => {
        if (reported.has(node.id)) return;
        reported.add(node.id);
        if (alone) ctx.report({ node, message: `${message}; here no other goroutine can (the pool belongs to a value this test just made, and nothing else has it), so moving the Put after the last use only tidies the test`, weak: true });
        else ctx.report({ node, message });
      };
      checkObject(obj, ctx, report);
    }
  },
  example: {
    hazard: `package example

import (
	"bytes"
	"sync"
)

var pool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func greet(name string) []byte {
	b := pool.Get().(*bytes.Buffer)
	b.Reset()
	b.WriteString("hello ")
	b.WriteString(name)
	pool.Put(b)
	return b.Bytes()
}
`,
    fix: `package example

import (
	"bytes"
	"sync"
)

var pool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func greet(name string) []byte {
	b := pool.Get().(*bytes.Buffer)
	b.Reset()
	b.WriteString("hello ")
	b.WriteString(name)
	out := bytes.Clone(b.Bytes())
	pool.Put(b)
	return out
}
`,
  },
};

/**
 * In a test, a pool that nobody else can reach: held by a local made in the function (`c :=
 * NewWriter(…)`, `p := &sync.Pool{}`) that is used for nothing but this pool's Get and Put, in a
 * function that starts no goroutine. Jaeger's `c.sampler.hasherPool.Put(h)` then `h.hashBytes()`.
 */
function poolOfItsOwn(obj: PooledObject, dc: DeclContext): boolean {
  const holder = dc.localBinding(rootIdentifier(obj.get.call.childForFieldName('function')?.childForFieldName('operand')));
  if (!holder || (holder.declarator.type !== 'short_var_declaration' && holder.declarator.type !== 'var_spec') || !within(obj.fn, holder.id)) return false;
  if (obj.fn.descendantsOfType('go_statement').length > 0) return false;
  const roots = new Set(
    poolCallsOf(dc)
      .filter((pc) => pc.pool.key === obj.get.pool.key)
      .map((pc) => rootIdentifier(pc.call.childForFieldName('function')?.childForFieldName('operand'))?.id),
  );
  return holder.refs.every((r) => r.id === holder.id.id || roots.has(r.id));
}

interface AfterPut {
  /** Tracked variables whose object has been put back (by binding index in obj.tracked). */
  stale: number[];
  /** The Put that made them stale (for the message). */
  putAt?: Node;
  deferredPut?: Node;
}

function checkObject(obj: PooledObject, ctx: RuleContext, report: (node: Node, message: string) => void): void {
  const index = new Map<Binding, number>(obj.tracked.map((b, i) => [b, i]));
  const reportedPuts = new Set<number>();
  const name = (b: Binding) => (b === obj.binding ? b.name : `${b.name} (an alias of ${obj.binding.name})`);
  walkPaths<AfterPut>(obj.fn, { stale: [] }, {
    key: (s) => `${s.stale.join(',')}|${s.putAt?.id ?? ''}|${s.deferredPut?.id ?? ''}`,
    step: (s, node) => {
      let stale = new Set(s.stale);
      let putAt = s.putAt;
      let deferredPut = s.deferredPut;
      // A new Get into the variable, or a fresh declaration of an alias, starts over.
      if (holdsGet(obj, node)) stale.delete(0);
      for (const b of obj.tracked) if (b !== obj.binding && within(node, b.id) && b.declarator.type !== 'parameter_declaration') stale.delete(index.get(b)!);
      for (const u of usesWithin(obj, node)) {
        const i = index.get(u.binding)!;
        if (u.kind === 'put') {
          if (u.deferred) deferredPut = u.put!.call;
          else {
            stale = new Set(obj.tracked.map((_, j) => j));
            putAt = u.put!.call;
          }
          continue;
        }
        if (u.kind === 'write') {
          stale.delete(i);
          continue;
        }
        if (u.deferred || !stale.has(i) || !putAt || obj.copies.has(u.binding)) continue;
        // The first use after a Put says it; the uses after that one add nothing.
        if (reportedPuts.has(putAt.id)) continue;
        reportedPuts.add(putAt.id);
        report(u.ref, `${name(u.binding)} is used after ${putAt.text} at line ${ctx.lineOf(putAt)}: the pool may already have handed the object to another goroutine`);
      }
      return { stale: [...stale].sort((a, b) => a - b), putAt, deferredPut };
    },
    exit: (s, at) => {
      if (!s.deferredPut || at.type !== 'return_statement') return;
      for (const u of usesWithin(obj, at)) {
        if (u.kind !== 'return' || !u.strong || u.deferred) continue;
        report(u.top, `returns ${u.top.text}, which ${u.binding === obj.binding && u.top.id === u.ref.id ? 'is' : 'shares memory with'} the object that the deferred ${s.deferredPut.text} at line ${ctx.lineOf(s.deferredPut)} puts back before the caller can use it`);
      }
    },
  });
}
