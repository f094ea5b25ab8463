// pool/unbounded-size: a buffer that grows to fit its largest use goes back into the pool at that
// size, and from then on every Get hands out (and the pool keeps alive) a buffer as large as the
// largest request ever was — the problem of Go issue 23199, fixed in fmt and encoding/json by dropping
// buffers above a limit instead of pooling them.
import type { Node } from 'web-tree-sitter';
import type { OffsetFix, Rule, RuleContext } from '../../engine/rule';
import { poolCallsOf } from './candidates';
import { DECLARATIONS_QUERY } from '../../engine/rule';
import { DeclContext } from './declContext';
import { unparen } from './functions';
import { enclosingFunction } from '../../engine/syntax';
import { displayType } from './goTypes';
import type { PoolCall } from './poolRefs';
import { pooledObjects } from './pooledObjects';
import { poolIndexer } from './summary';

/** The cap fmt uses for its printer buffers (fmt/print.go, pp.free). */
const CAP_LIMIT = '64<<10';

type BufferKind = 'buffer' | 'slicePointer' | 'slice';

export const unboundedSize: Rule = {
  id: 'pool/unbounded-size',
  summary: 'A growable buffer goes back into the pool without a size cap (Go issue 23199).',
  help:
    'A `*bytes.Buffer` or an appended-to `*[]byte` grows to its largest use. Put back at that size, it keeps the memory alive in the pool and hands it to every later user, so one large request raises the footprint of all of them (golang.org/issue/23199). Drop large buffers instead of pooling them: `if buf.Cap() <= 64<<10 { pool.Put(buf) }` (fmt uses that limit). Reported when the function puts back such a buffer and compares neither its cap nor its len: as a warning when the buffer is filled from a reader (ReadFrom, io.Copy), whose input can be as large as a peer sends; otherwise as a hint, since nothing shows that its uses can be large. Quick fix: wrap the Put in that check.',
  defaultSeverity: 'warning',
  kind: 'hazard',
  query: DECLARATIONS_QUERY,
  indexer: poolIndexer,
  check(ctx: RuleContext) {
    const dc = new DeclContext(ctx);
    const calls = poolCallsOf(dc);
    const objects = pooledObjects(calls.filter((c) => c.method === 'Get'), dc);
    for (const put of calls) {
      if (put.method !== 'Put' || !put.arg) continue;
      const arg = unparen(put.arg);
      const fn = enclosingFunction(put.call);
      const body = fn?.childForFieldName('body');
      if (arg?.type !== 'identifier' || !body) continue;
      // The buffer may be known through the Get it came from, and grown through its aliases.
      const binding = dc.localBinding(arg);
      const obj = binding ? objects.find((o) => o.tracked.includes(binding)) : undefined;
      const type = dc.typeOf(arg) ?? (obj?.binding === binding ? obj?.type : undefined);
      const kind = bufferKind(type);
      if (!kind) continue;
      const names = obj ? obj.tracked.map((b) => b.name) : [arg.text];
      if (isCapped(body, names)) continue;
      if (kind !== 'buffer' && !grows(body.text, names)) continue;
      const source = readsUnbounded(body.text, names);
      ctx.report({
        node: put.call,
        message: source
          ? `${put.call.text} puts back a ${displayType(type!)} that ${source}, at whatever size that made it: one large input keeps a large buffer alive in the pool for every later Get (golang.org/issue/23199); drop buffers above a limit instead, e.g. ${condition(kind, arg.text)}`
          : `${put.call.text} puts back a ${displayType(type!)} of whatever size it grew to: if its uses can be large, one of them keeps a large buffer alive in the pool for every later Get (golang.org/issue/23199); drop buffers above a limit, e.g. ${condition(kind, arg.text)}`,
        fixes: capFix(put, kind, arg, dc),
        weak: !source,
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

func render(parts []string) string {
	b := pool.Get().(*bytes.Buffer)
	b.Reset()
	for _, p := range parts {
		b.WriteString(p)
	}
	s := b.String()
	pool.Put(b)
	return s
}
`,
    fix: `package example

import (
	"bytes"
	"sync"
)

var pool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func render(parts []string) string {
	b := pool.Get().(*bytes.Buffer)
	b.Reset()
	for _, p := range parts {
		b.WriteString(p)
	}
	s := b.String()
	if b.Cap() <= 64<<10 {
		pool.Put(b)
	}
	return s
}
`,
  },
};

function bufferKind(type: string | undefined): BufferKind | undefined {
  if (type === '*bytes.Buffer') return 'buffer';
  if (type?.startsWith('*[]')) return 'slicePointer';
  if (type?.startsWith('[]')) return 'slice';
  return undefined;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A comparison of the buffer's cap or len anywhere in the function: a size check exists. */
function isCapped(body: Node, names: string[]): boolean {
  const alternatives = names.map(escapeRegExp).join('|');
  const sized = new RegExp(`\\b(cap|len)\\(\\s*\\(?\\s*\\*?\\s*(${alternatives})\\b|\\b(${alternatives})\\.(Cap|Len)\\(\\)`);
  for (const b of body.descendantsOfType('binary_expression')) {
    const op = b?.childForFieldName('operator')?.type ?? '';
    if (b && ['<', '<=', '>', '>='].includes(op) && sized.test(b.text)) return true;
  }
  return false;
}

/**
 * Evidence that the buffer's size is set by its input rather than by the program: it is filled from
 * a reader (ReadFrom, io.Copy, io.CopyBuffer), whose data can be as large as the peer sends.
 */
function readsUnbounded(text: string, names: string[]): string | undefined {
  const alternatives = names.map(escapeRegExp).join('|');
  const m = new RegExp(`\\b(${alternatives})\\.ReadFrom\\(|\\bio\\.(Copy|CopyBuffer)\\(\\s*&?(${alternatives})\\b`).exec(text);
  if (!m) return undefined;
  return m[2] ? `io.${m[2]} fills from a reader` : 'ReadFrom fills from a reader';
}

/** Appends to the slice (or through the pointer) in the function: it grows. */
function grows(text: string, names: string[]): boolean {
  const alternatives = names.map(escapeRegExp).join('|');
  return new RegExp(`\\b(append|Append\\w*)\\(\\s*\\(?\\s*\\*?\\s*(${alternatives})\\b`).test(text);
}

function condition(kind: BufferKind, name: string): string {
  switch (kind) {
    case 'buffer':
      return `if ${name}.Cap() <= ${CAP_LIMIT} { … }`;
    case 'slicePointer':
      return `if cap(*${name}) <= ${CAP_LIMIT} { … }`;
    case 'slice':
      return `if cap(${name}) <= ${CAP_LIMIT} { … }`;
  }
}

/** Wraps the Put statement (or the deferred Put) in the size check. */
function capFix(put: PoolCall, kind: BufferKind, arg: Node, dc: DeclContext): OffsetFix[] {
  const statement = put.call.parent;
  if (!statement || statement.parent?.type !== 'statement_list') return [];
  const check = condition(kind, arg.text).replace(' { … }', '');
  const source = dc.ctx.source;
  const lineStart = source.lineStart(statement.startPosition.row);
  const indent = /^[ \t]*/.exec(source.text.slice(lineStart, statement.startIndex))?.[0] ?? '';
  const title = `Put ${arg.text} back only while it is small (${check})`;
  if (statement.type === 'expression_statement') {
    return [{ title, edits: [{ start: statement.startIndex, end: statement.endIndex, newText: `${check} {\n${indent}\t${put.call.text}\n${indent}}` }], preferred: true }];
  }
  if (statement.type === 'defer_statement') {
    // A deferred closure reads the variable when it runs, `defer p.Put(x)` when it is deferred: the
    // same only while nothing assigns the variable after the defer.
    const binding = dc.localBinding(arg);
    const reassigned = binding?.refs.some((r) => r.startIndex > statement.endIndex && isAssigned(r));
    if (!binding || reassigned) return [];
    const text = `defer func() {\n${indent}\t${check} {\n${indent}\t\t${put.call.text}\n${indent}\t}\n${indent}}()`;
    return [{ title, edits: [{ start: statement.startIndex, end: statement.endIndex, newText: text }], preferred: true }];
  }
  return [];
}

function isAssigned(ref: Node): boolean {
  const list = ref.parent;
  const statement = list?.parent;
  return list?.type === 'expression_list' && (statement?.type === 'assignment_statement' || statement?.type === 'short_var_declaration') && statement.childForFieldName('left')?.id === list.id;
}
