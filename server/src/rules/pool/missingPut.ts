// pool/missing-put: an object taken with Get that is neither put back nor handed on before the
// function returns is garbage: the pool gains nothing, and the next Get allocates again. Objects that
// leave the function (returned, stored, passed to a call that may keep them, captured) are someone
// else's business and are not reported.
import type { Node } from 'web-tree-sitter';
import type { SourceText } from '../../engine/sourceText';
import type { OffsetFix, Rule, RuleContext } from '../../engine/rule';
import { poolCallsOf } from './candidates';
import { DECLARATIONS_QUERY } from '../../engine/rule';
import { DeclContext } from './declContext';
import { walkPaths } from './flow';
import { allocatesInInterface, shapeOf } from './goTypes';
import { PooledObject, holdsGet, insideLoop, pooledObjects, usesWithin } from './pooledObjects';
import { poolIndexer } from './summary';
import { isTestCode, measuredLoopOf } from '../../engine/policy/heat';

export const missingPut: Rule = {
  id: 'pool/missing-put',
  summary: 'An object from Get is not put back on some path out of the function, and does not leave it.',
  help:
    'An object taken with Get that is not put back (and is not returned, stored or passed on) is simply dropped: the pool saves nothing and the next Get allocates. gohazard follows every path from the Get — branches, switch cases, loops, early returns — and reports the first path that leaves the function (or starts the next loop iteration) still holding the object. Quick fix when no path puts it back: insert `defer pool.Put(x)` right after the Get.',
  defaultSeverity: 'warning',
  kind: 'hazard',
  query: DECLARATIONS_QUERY,
  indexer: poolIndexer,
  check(ctx: RuleContext) {
    const dc = new DeclContext(ctx);
    for (const obj of pooledObjects(poolCallsOf(dc, 'Get'), dc)) {
      if (obj.uses.some((u) => u.kind === 'escape' || u.kind === 'return')) continue;
      // `if buf.Cap() <= limit { pool.Put(buf) }` drops large objects on purpose (pool/unbounded-size's fix).
      if (obj.uses.some((u) => u.kind === 'put' && sizeGuarded(u.put!.call, obj))) continue;
      const leak = firstLeak(obj);
      if (!leak) continue;
      const fix = deferPutFix(obj, dc);
      ctx.report({
        node: obj.get.call,
        message: `${obj.get.pool.label}.Get() into ${obj.binding.name} is not put back on the path that ${leak.how(ctx)}: the object is dropped and the pool saves nothing`,
        fixes: fix ? [fix] : [],
        // A test that drops a pooled object costs one allocation at the next Get; only a benchmark's
        // measured loop pays it often enough to matter.
        weak: isTestCode(ctx.file.path, ctx.source.text) && !measuredLoopOf(obj.get.call),
      });
    }
  },
  example: {
    hazard: `package example

import (
	"bytes"
	"sync"
)

var pool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func size(name string) int {
	b := pool.Get().(*bytes.Buffer)
	b.Reset()
	b.WriteString(name)
	if b.Len() > 100 {
		return -1
	}
	n := b.Len()
	pool.Put(b)
	return n
}
`,
    fix: `package example

import (
	"bytes"
	"sync"
)

var pool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func size(name string) int {
	b := pool.Get().(*bytes.Buffer)
	defer pool.Put(b)
	b.Reset()
	b.WriteString(name)
	if b.Len() > 100 {
		return -1
	}
	return b.Len()
}
`,
  },
};

/** The Put runs under a condition on the object's size: cap(x), len(x), x.Cap(), x.Len() of a tracked name. */
function sizeGuarded(put: Node, obj: PooledObject): boolean {
  const names = obj.tracked.map((b) => b.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const sized = new RegExp(`\\b(cap|len)\\(\\s*\\*?\\s*(${names})\\b|\\b(${names})\\.(Cap|Len)\\(\\)`);
  for (let n = put.parent; n && n.id !== obj.fn.id; n = n.parent) {
    if (n.type === 'if_statement' && sized.test(n.childForFieldName('condition')?.text ?? '')) return true;
  }
  return false;
}

interface Held {
  held: boolean;
  deferred: boolean;
}

interface Leak {
  at: Node;
  how(ctx: RuleContext): string;
}

function firstLeak(obj: PooledObject): Leak | undefined {
  const leaks: Leak[] = [];
  walkPaths<Held>(obj.fn, { held: false, deferred: false }, {
    key: (s) => `${s.held}${s.deferred}`,
    step: (s, node) => {
      let { held, deferred } = s;
      const getHere = holdsGet(obj, node);
      if (getHere) {
        if (held && !deferred) leaks.push({ at: node, how: (ctx) => `gets the next object at line ${ctx.lineOf(node)} (a loop iteration drops the previous one)` });
        held = true;
      }
      for (const u of usesWithin(obj, node)) {
        if (u.kind === 'put') {
          if (u.deferred) deferred = true;
          else held = false;
        } else if (u.kind === 'write' && u.binding === obj.binding && !getHere) held = false;
      }
      return { held, deferred };
    },
    exit: (s, at) => {
      if (!s.held || s.deferred) return;
      if (at.type === 'return_statement') leaks.push({ at, how: (ctx) => `returns at line ${ctx.lineOf(at)}` });
      else leaks.push({ at, how: () => 'reaches the end of the function' });
    },
  });
  // Falling off the end is where the body ends, after every return and loop inside it.
  const position = (l: Leak) => (l.at.type === 'block' ? l.at.endIndex : l.at.startIndex);
  return leaks.sort((a, b) => position(a) - position(b))[0];
}

/**
 * `defer pool.Put(x)` right after the Get, when the Get runs once per call. Preferred when nothing
 * puts the object back yet; when some paths do, the alternative also deletes those Puts (the object
 * then goes back later than before, which needs a look at what happens in between).
 */
function deferPutFix(obj: PooledObject, dc: DeclContext): OffsetFix | undefined {
  if (obj.commaOk || insideLoop(obj.statement, obj.fn)) return undefined;
  if (obj.statement.parent?.type !== 'statement_list' || allocatesInInterface(shapeOf(obj.type, dc.facts.namedType))) return undefined;
  const source = dc.ctx.source;
  const insertion = afterLine(obj.statement, source);
  if (!insertion) return undefined;
  const put = `defer ${obj.get.pool.label}.Put(${obj.binding.name})`;
  const insert = { start: insertion.at, end: insertion.at, newText: `\n${insertion.indent}${put}` };
  const puts = obj.uses.filter((u) => u.kind === 'put');
  if (puts.length === 0) return { title: `Put ${obj.binding.name} back when the function returns (${put})`, edits: [insert], preferred: true };
  const deletions = puts.map((u) => wholeLine(u.put!.call.parent, source));
  if (puts.some((u) => u.deferred) || deletions.some((d) => !d)) return undefined;
  return {
    title: `Put ${obj.binding.name} back when the function returns (${put}) instead of at ${puts.length === 1 ? 'the one Put' : `its ${puts.length} Puts`}`,
    edits: [insert, ...deletions.map((d) => ({ start: d!.start, end: d!.end, newText: '' }))],
  };
}

/** Where to insert a line after a statement (after a trailing comment), with its indentation. */
function afterLine(statement: Node, source: SourceText): { at: number; indent: string } | undefined {
  const lineStart = source.lineStart(statement.startPosition.row);
  const indent = /^[ \t]*/.exec(source.text.slice(lineStart, statement.startIndex))?.[0] ?? '';
  const lineEnd = source.text.indexOf('\n', statement.endIndex);
  const rest = source.text.slice(statement.endIndex, lineEnd < 0 ? undefined : lineEnd);
  if (!/^\s*(\/\/.*)?$/.test(rest)) return undefined;
  return { at: statement.endIndex + rest.replace(/\s+$/, '').length, indent };
}

/** The whole line of a statement that is alone on its line (with its line break), to delete it. */
function wholeLine(statement: Node | null, source: SourceText): { start: number; end: number } | undefined {
  if (statement?.type !== 'expression_statement' || statement.parent?.type !== 'statement_list') return undefined;
  const start = source.lineStart(statement.startPosition.row);
  const lineEnd = source.text.indexOf('\n', statement.endIndex);
  const end = lineEnd < 0 ? source.text.length : lineEnd + 1;
  const line = source.text.slice(start, end);
  return line.trim() === statement.text.trim() ? { start, end } : undefined;
}
