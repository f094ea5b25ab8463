// alloc/append-no-prealloc: a slice declared empty before a loop whose trip count is known on entry
// gets exactly one element appended per iteration, unconditionally. It regrows (runtime.growslice)
// about log2(n) times and copies each time; make([]T, 0, n) allocates once.
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { Binding } from '../../engine/scope';
import type { OffsetFix, Rule, RuleContext } from '../../engine/rule';
import { under } from '../escape/goTypes';
import { TypeEnv, stripParens } from '../escape/typeEnv';
import { isLocalVariable } from '../escape/values';
import { capture, typeEnvFor } from './context';
import { writesVariable, writtenWithin } from '../../engine/writes';
import { hasEarlyExit, innermostLoop } from './loops';
import { within } from '../../engine/syntax';

export const appendNoPrealloc: Rule = {
  id: 'alloc/append-no-prealloc',
  summary: 'A slice grows by append once per iteration of a loop whose length is known: preallocate it.',
  help: 'Appending to an empty slice regrows its backing store about log2(n) times, copying every element each time. When the loop runs a known number of times (range over a slice, array, string, map or integer, or `for i := 0; i < n; i++`) and appends exactly one element per iteration with no early exit, `s := make([]T, 0, n)` allocates once. The quick fix rewrites the declaration when the length can be computed there; for `var s []T` it is offered as the preferred fix only when the function never compares s with nil (after the rewrite s is non-nil even when the loop does not run, which encoding/json, for one, prints as [] instead of null).',
  defaultSeverity: 'info',
  kind: 'cost',
  sameAs: ['prealloc'],
  query: '(assignment_statement left: (expression_list . (identifier) @lhs .) right: (expression_list . (call_expression function: (identifier) @fn arguments: (argument_list . (identifier) @first . (_) @elem .)) .) (#eq? @fn "append")) @assign',
  check(ctx: RuleContext, matches: QueryMatch[]) {
    const env = typeEnvFor(ctx);
    // A loop of thousands of appends to one slice asks the same questions of the slice and the loop for
    // each: answered once per slice and loop, not once per append (that was quadratic).
    const touchedBefore = new Map<string, boolean>();
    const writersIn = new Map<string, Node[]>();
    const exits = new Map<number, boolean>();
    for (const m of matches) {
      const assign = capture(m, 'assign');
      const lhs = capture(m, 'lhs');
      const first = capture(m, 'first');
      const elem = capture(m, 'elem');
      const fn = capture(m, 'fn');
      if (!assign || !lhs || !first || !elem || !fn || elem.type === 'variadic_argument') continue;
      if (assign.childForFieldName('operator')?.text !== '=' || env.bindingOf(fn)) continue;
      const b = ctx.scopes().bindingOf(lhs);
      if (!isLocalVariable(b) || ctx.scopes().bindingOf(first) !== b) continue;
      const around = innermostLoop(assign);
      if (!around || !isDirectStatementOf(assign, around.body)) continue;
      const decl = emptySliceDeclaration(b, env);
      if (!decl || !precedes(decl.stmt, around.loop) || !sameBlockChain(decl.stmt, around.loop)) continue;
      // Untouched between its declaration and the loop, and written only by this append inside it.
      const key = `${b.id.id}:${around.loop.id}`;
      let touched = touchedBefore.get(key);
      if (touched === undefined) {
        const [from, to] = [decl.stmt.endIndex, around.loop.startIndex];
        touchedBefore.set(key, (touched = b.refs.some((r) => r.id !== b.id.id && r.startIndex > from && r.startIndex < to)));
      }
      if (touched) continue;
      let writers = writersIn.get(key);
      if (!writers) writersIn.set(key, (writers = b.refs.filter((r) => within(around.loop, r) && writesVariable(r))));
      if (writers.some((r) => r.id !== lhs.id)) continue;
      let exit = exits.get(around.loop.id);
      if (exit === undefined) exits.set(around.loop.id, (exit = hasEarlyExit(around.loop, around.body)));
      if (exit) continue;
      const trip = tripCount(around.loop, env, ctx);
      if (!trip) continue;
      const suggestion = `${b.name} := make(${decl.typeText}, 0, ${trip.length})`;
      const fix = buildFix(ctx, b, decl, trip, suggestion);
      ctx.report({
        node: assign,
        message: `${b.name} grows by append in a loop of known length; preallocate with make(..., 0, ${trip.length}): ${suggestion}`,
        fixes: fix ? [fix] : undefined,
      });
    }
  },
  example: {
    hazard: `package example

func double(xs []int) []int {
	var out []int
	for _, x := range xs {
		out = append(out, 2*x)
	}
	return out
}
`,
    fix: `package example

func double(xs []int) []int {
	out := make([]int, 0, len(xs))
	for _, x := range xs {
		out = append(out, 2*x)
	}
	return out
}
`,
  },
};

interface EmptyDecl {
  /** The declaring statement (var_declaration or short_var_declaration). */
  stmt: Node;
  typeText: string;
  /** `var s []T`: nil before the first append (the rewrite makes it non-nil). */
  nilBefore: boolean;
}

/** `var s []T`, `s := []T{}`, `s := make([]T, 0)` declaring only s. */
function emptySliceDeclaration(b: Binding, env: TypeEnv): EmptyDecl | undefined {
  const d = b.declarator;
  if (d.type === 'var_spec') {
    const stmt = d.parent;
    if (stmt?.type !== 'var_declaration' || stmt.namedChildCount !== 1) return undefined;
    if (d.childrenForFieldName('name').filter((x) => x?.isNamed).length !== 1 || d.childForFieldName('value')) return undefined;
    const t = d.childForFieldName('type');
    if (t?.type !== 'slice_type') return undefined;
    return { stmt, typeText: t.text, nilBefore: true };
  }
  if (d.type === 'short_var_declaration') {
    const left = d.childForFieldName('left')?.namedChildren ?? [];
    const right = d.childForFieldName('right')?.namedChildren ?? [];
    if (left.length !== 1 || right.length !== 1 || !right[0]) return undefined;
    const r = stripParens(right[0]);
    if (r.type === 'composite_literal') {
      const t = r.childForFieldName('type');
      const body = r.childForFieldName('body');
      if (t?.type !== 'slice_type' || body?.namedChildren.some((c) => c && c.type !== 'comment')) return undefined;
      return { stmt: d, typeText: t.text, nilBefore: false };
    }
    if (r.type === 'call_expression' && r.childForFieldName('function')?.text === 'make' && !env.bindingOf(r.childForFieldName('function')!)) {
      const args = r.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
      if (args[0]?.type !== 'slice_type' || args.length < 2 || args.length > 3) return undefined;
      if (args.slice(1).some((a) => env.constValue(a) !== 0n)) return undefined;
      return { stmt: d, typeText: args[0].text, nilBefore: false };
    }
  }
  return undefined;
}

interface TripCount {
  /** Go expression for the number of iterations, e.g. `len(xs)` or `n`. */
  length: string;
  /** Identifiers the expression reads (they must hold the same values at the declaration). */
  reads: Node[];
}

/** The number of iterations, when the loop header fixes it on entry. */
function tripCount(loop: Node, env: TypeEnv, ctx: RuleContext): TripCount | undefined {
  const range = loop.namedChildren.find((c) => c?.type === 'range_clause');
  if (range) {
    const right = range.childForFieldName('right');
    if (!right || !isSimple(right)) return undefined;
    const t = under(env.typeOf(right));
    const reads = identifiersOf(right);
    if (t.kind === 'slice' || t.kind === 'array' || t.kind === 'map' || (t.kind === 'basic' && t.name === 'string' && !t.untyped)) return { length: `len(${right.text})`, reads };
    if (t.kind === 'basic' && /^u?int(8|16|32|64)?$/.test(t.name)) return { length: right.text, reads };
    return undefined;
  }
  const clause = loop.namedChildren.find((c) => c?.type === 'for_clause');
  if (!clause) return undefined;
  const init = clause.childForFieldName('initializer');
  const cond = clause.childForFieldName('condition');
  const update = clause.childForFieldName('update');
  if (init?.type !== 'short_var_declaration' || cond?.type !== 'binary_expression' || !update) return undefined;
  const ids = init.childForFieldName('left')?.namedChildren ?? [];
  const starts = init.childForFieldName('right')?.namedChildren ?? [];
  if (ids.length !== 1 || starts.length !== 1 || !ids[0] || !starts[0] || env.constValue(starts[0]) !== 0n) return undefined;
  const i = ctx.scopes().bindingOf(ids[0]);
  if (!i) return undefined;
  if (cond.childForFieldName('operator')?.text !== '<' || ctx.scopes().bindingOf(cond.childForFieldName('left')!) !== i) return undefined;
  const limit = cond.childForFieldName('right')!;
  if (!isSimple(limit)) return undefined;
  const isIncrement = (update.type === 'inc_statement' && ctx.scopes().bindingOf(update.namedChild(0)!) === i) ||
    (update.type === 'assignment_statement' && update.childForFieldName('operator')?.text === '+=' && update.childForFieldName('right')?.text === '1' && ctx.scopes().bindingOf(update.childForFieldName('left')!.namedChild(0)!) === i);
  if (!isIncrement) return undefined;
  const body = loop.childForFieldName('body');
  if (!body || writtenWithin(i, body)) return undefined;
  const reads = identifiersOf(limit);
  for (const id of reads) {
    const b = ctx.scopes().bindingOf(id);
    if (b && writtenWithin(b, loop)) return undefined;
  }
  return { length: limit.text, reads };
}

/** An identifier, a selector chain, a literal, or len() of one: cheap and free of side effects. */
function isSimple(n: Node): boolean {
  switch (n.type) {
    case 'identifier':
    case 'int_literal':
      return true;
    case 'selector_expression':
      return isSimple(n.childForFieldName('operand')!);
    case 'call_expression': {
      const args = n.childForFieldName('arguments')?.namedChildren ?? [];
      return n.childForFieldName('function')?.text === 'len' && args.length === 1 && !!args[0] && isSimple(args[0]);
    }
    default:
      return false;
  }
}

function identifiersOf(n: Node): Node[] {
  const out = n.type === 'identifier' ? [n] : [];
  return out.concat(n.descendantsOfType('identifier').filter((x): x is Node => x !== null && x.id !== n.id));
}

function isDirectStatementOf(stmt: Node, body: Node): boolean {
  const list = stmt.parent;
  return !!list && list.type === 'statement_list' && list.parent?.id === body.id;
}

function precedes(a: Node, b: Node): boolean {
  return a.endIndex <= b.startIndex;
}

/** The declaration's block encloses the loop (so the loop runs after it, each time the block runs). */
function sameBlockChain(decl: Node, loop: Node): boolean {
  const block = decl.parent;
  return !!block && within(block, loop);
}

function buildFix(ctx: RuleContext, b: Binding, decl: EmptyDecl, trip: TripCount, suggestion: string): OffsetFix | undefined {
  // The length must be computable where the slice is declared, with the same value as at the loop.
  for (const id of trip.reads) {
    const rb = ctx.scopes().bindingOf(id);
    if (!rb) {
      if (id.parent?.type === 'selector_expression' && id.parent.childForFieldName('field')?.id === id.id) continue;
      if (id.text === 'len') continue;
      return undefined;
    }
    if (rb.kind === 'import' || rb.scopeNode.type === 'source_file') continue;
    if (rb.id.startIndex > decl.stmt.startIndex) return undefined;
    if (rb.refs.some((r) => r.startIndex > decl.stmt.endIndex && r.startIndex < id.startIndex && writesVariable(r))) return undefined;
  }
  const comparedWithNil = b.refs.some((r) => {
    const p = r.parent;
    if (p?.type !== 'binary_expression') return false;
    const op = p.childForFieldName('operator')?.text;
    return (op === '==' || op === '!=') && (p.childForFieldName('left')?.type === 'nil' || p.childForFieldName('right')?.type === 'nil');
  });
  return {
    title: `Preallocate: ${suggestion}`,
    edits: [{ start: decl.stmt.startIndex, end: decl.stmt.endIndex, newText: suggestion }],
    preferred: !(decl.nilBefore && comparedWithNil),
  };
}
