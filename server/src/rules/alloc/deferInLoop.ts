// alloc/defer-in-loop: a defer statement in a loop body runs when the function returns, not when the
// iteration ends. What it releases — a file, an iterator, a context's timer, a lock — stays held for
// every iteration until then, and each iteration pushes a defer record the compiler cannot open-code.
// Reported when the deferred call releases something the iteration itself acquired (a variable declared
// in the loop: `f, _ := os.Open(p); defer f.Close()`, `ctx, cancel := …; defer cancel()`) and that
// nothing outside the iteration keeps (handed to a goroutine, stored in an outer variable, sent): then
// the resource has no reason to outlive its iteration. `mu.Lock(); defer mu.Unlock()` of a mutex
// declared outside the loop is reported too: the second iteration deadlocks.
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { Rule, RuleContext } from '../../engine/rule';
import type { Binding, DeclScopes } from '../../engine/scope';
import { capture } from './context';
import { canEnd, innermostLoop } from './loops';
import { within } from '../../engine/syntax';

export const deferInLoop: Rule = {
  id: 'alloc/defer-in-loop',
  summary: 'A defer inside a loop releases what the iteration acquired only when the function returns: it stays held for every iteration until then.',
  help: 'Deferred calls run when the surrounding function returns. In a loop, each iteration adds one more pending call: the files, iterators, contexts and locks each iteration acquired stay held until the function ends, and the compiler cannot open-code such defers (a runtime defer record plus a heap closure per iteration, measured on go1.26). Reported when the deferred call releases a value the iteration itself made (declared in the loop) and that nothing outside the iteration keeps (a goroutine, an outer variable, a channel), and when a mutex declared outside the loop is locked and its unlock deferred in the loop (the next iteration deadlocks). Move the loop body into a function (or a func literal called per iteration) so that the defer runs at the end of each iteration, or release the value explicitly at the end of the iteration.',
  defaultSeverity: 'info',
  kind: 'resource',
  sameAs: ['gocritic', 'revive'],
  query: '(defer_statement) @defer',
  check(ctx: RuleContext, matches: QueryMatch[]) {
    for (const m of matches) {
      const d = capture(m, 'defer');
      const around = d && innermostLoop(d);
      const call = d?.namedChild(0);
      if (!d || !around || call?.type !== 'call_expression') continue;
      const scopes = ctx.scopes();
      const locked = relockedMutex(call, around.loop, around.body, scopes);
      if (locked) {
        ctx.report({ node: d, message: `${locked}.Unlock is deferred in a loop that locks ${locked} in every iteration: the next iteration blocks on the lock the first one still holds (it is released only when the function returns); unlock at the end of the iteration` });
        continue;
      }
      if (releasedExplicitly(call, d, around.body) || releasesOnError(call) || releasedAgain(call, d, around.body)) continue;
      const held = released(call, scopes).find(
        (b) => within(around.loop, b.id) && !madeBeforeLoop(b, around.loop, scopes) && !withSiblings(b, call, scopes).some((x) => leavesIteration(x, d, around.body, scopes)) && !assignedWithOuter(b, around.body, scopes),
      );
      if (!held) continue;
      ctx.report({
        node: d,
        message: `defer in a loop: ${held.name}, made in this iteration, is released only when the function returns, so every iteration's ${held.name} stays held until then (and each adds a heap defer record); move the body into a function called per iteration, or release ${held.name} at the end of the iteration`,
        // One problem per loop: its other defers are the same change.
        subject: [around.loop],
        weak: fewIterations(around.loop, scopes) || (headless(around.loop) && canEnd(around.loop, around.body)) || inMain(d) || lightRelease(call, held) || oneCase(d, around.loop, scopes),
      });
    }
  },
  example: {
    hazard: `package example

import "os"

func sizes(paths []string) ([]int64, error) {
	var out []int64
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		info, err := f.Stat()
		if err != nil {
			return nil, err
		}
		out = append(out, info.Size())
	}
	return out, nil
}
`,
    fix: `package example

import "os"

func sizes(paths []string) ([]int64, error) {
	var out []int64
	for _, p := range paths {
		size, err := fileSize(p)
		if err != nil {
			return nil, err
		}
		out = append(out, size)
	}
	return out, nil
}

func fileSize(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}
`,
  },
};

/** The variables a deferred call releases: a method's receiver, a called variable (cancel), what a deferred literal's calls act on. */
function released(call: Node, scopes: DeclScopes): Binding[] {
  const fn = call.childForFieldName('function');
  if (fn?.type === 'func_literal') {
    const out: Binding[] = [];
    for (const inner of fn.descendantsOfType('call_expression')) {
      if (inner) out.push(...released(inner, scopes).flatMap((b) => argumentFor(b, fn, call, scopes)));
    }
    return out;
  }
  const target = fn?.type === 'selector_expression' ? rootOf(fn.childForFieldName('operand')) : fn?.type === 'identifier' ? fn : undefined;
  const b = target && scopes.bindingOf(target);
  return b && b.kind !== 'func' ? [b] : [];
}

/**
 * `defer func(s *Seal) { s.Finalize() }(seal)`: a parameter of the deferred literal stands for the
 * argument it is given, so the literal releases what that argument names (or nothing the rule can
 * follow, when the argument is not a variable); what the literal declares itself it makes when it runs.
 */
function argumentFor(b: Binding, literal: Node, call: Node, scopes: DeclScopes): Binding[] {
  if (b.declarator.type !== 'parameter_declaration' || b.declarator.parent?.parent?.id !== literal.id) {
    // The literal's own locals (a span it starts when it runs) are made at return, not in the iteration.
    return within(literal, b.id) ? [] : [b];
  }
  const names = (literal.childForFieldName('parameters')?.namedChildren ?? []).flatMap((p) => (p ? p.childrenForFieldName('name') : []));
  const index = names.findIndex((n) => n?.id === b.id.id);
  const root = index >= 0 ? rootOf(call.childForFieldName('arguments')?.namedChildren.filter((c) => c?.type !== 'comment')[index] ?? null) : undefined;
  const arg = root && scopes.bindingOf(root);
  return arg ? [arg] : [];
}

/**
 * A called variable releases what it was made with: `ctx, cancel := context.WithTimeout(…); defer
 * cancel()` holds ctx's timer, so ctx handed to a goroutine keeps it needed.
 */
function withSiblings(b: Binding, call: Node, scopes: DeclScopes): Binding[] {
  if (call.childForFieldName('function')?.type !== 'identifier') return [b];
  const left = b.declarator.childForFieldName('left')?.namedChildren ?? [];
  return [b, ...left.flatMap((id) => (id && id.id !== b.id.id ? [scopes.bindingOf(id)].filter((x): x is Binding => x !== undefined) : []))];
}

/**
 * `defer func() { if !closed { w.Close() } }()` with `closed = true` later in the iteration: the iteration
 * releases w itself, and the defer is a safety net for the returns that leave the function at once.
 */
function releasedExplicitly(call: Node, deferred: Node, body: Node): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'func_literal') return false;
  const statements = fn.childForFieldName('body')?.namedChildren.find((c) => c?.type === 'statement_list')?.namedChildren.filter((c) => c?.type !== 'comment') ?? [];
  const guard = statements.length === 1 && statements[0]?.type === 'if_statement' ? statements[0].childForFieldName('condition') : null;
  const flag = guard?.type === 'unary_expression' && guard.childForFieldName('operator')?.text === '!' ? guard.childForFieldName('operand')?.text : undefined;
  if (!flag) return false;
  return body.descendantsOfType('assignment_statement').some((a) => a !== null && a.startIndex > deferred.endIndex && a.childForFieldName('left')?.text === flag && a.childForFieldName('right')?.text === 'true');
}

/**
 * `defer func() { if err == nil { return }; l.Close() }()`, or `if err != nil { l.Close() }`: clean-up on
 * the error path, keyed on the function's error; on success what was made is handed to the caller.
 */
function releasesOnError(call: Node): boolean {
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'func_literal') return false;
  const first = fn.childForFieldName('body')?.namedChildren.find((c) => c?.type === 'statement_list')?.namedChildren.find((c) => c?.type !== 'comment');
  const condition = first?.type === 'if_statement' ? first.childForFieldName('condition') : undefined;
  return !!condition && /\berr\s*(==|!=)\s*nil\b/.test(condition.text);
}

/** The same release made again at the top level of the body after the defer: the defer is a safety net for early exits. */
function releasedAgain(call: Node, deferred: Node, body: Node): boolean {
  const text = call.text.replace(/\s+/g, '');
  const statements = body.namedChildren.find((c) => c?.type === 'statement_list')?.namedChildren ?? [];
  return statements.some((s) => {
    if (!s || s.startIndex <= deferred.endIndex) return false;
    // `f.Close()`, or `err = f.Close()` / `if err := f.Close(); …` keeping its error.
    const call = s.type === 'expression_statement' ? s.namedChild(0) : s.type === 'assignment_statement' || s.type === 'short_var_declaration' ? s.childForFieldName('right')?.namedChild(0) : s.type === 'if_statement' ? s.childForFieldName('initializer')?.childForFieldName('right')?.namedChild(0) : undefined;
    return call?.text.replace(/\s+/g, '') === text;
  });
}

/**
 * A range value, or a copy of one (`s := s`): made before the loop. Closing every element of a list
 * on return, or undoing each on return, is what such a defer is for.
 */
function madeBeforeLoop(b: Binding, loop: Node, scopes: DeclScopes): boolean {
  if (b.declarator.type === 'range_clause') return true;
  if (b.declarator.type !== 'short_var_declaration') return false;
  const left = b.declarator.childForFieldName('left')?.namedChildren ?? [];
  const right = b.declarator.childForFieldName('right')?.namedChildren ?? [];
  const value = right[left.findIndex((l) => l?.id === b.id.id)];
  const source = value?.type === 'identifier' ? scopes.bindingOf(value) : undefined;
  return source?.declarator.type === 'range_clause' && within(loop, source.id);
}

/**
 * `ctx, cancel = context.WithTimeout(…)` where ctx is declared outside the loop: what cancel releases is
 * kept past the iteration.
 */
function assignedWithOuter(b: Binding, body: Node, scopes: DeclScopes): boolean {
  return b.refs.some((ref) => {
    const left = ref.parent?.type === 'expression_list' ? ref.parent : undefined;
    const assignment = left?.parent;
    if (assignment?.type !== 'assignment_statement' || assignment.childForFieldName('left')?.id !== left!.id) return false;
    return left!.namedChildren.some((other) => {
      if (!other || other.id === ref.id || other.text === '_') return false;
      const root = rootOf(other);
      const target = root && scopes.bindingOf(root);
      return !!target && !within(body, target.id);
    });
  });
}

/**
 * `defer timer.Stop()` of a time.NewTimer/AfterFunc/NewTicker, `defer span.End()`: what stays held is
 * a timer or a span record, a few hundred bytes that nothing else waits for (the timer fires and is
 * collected either way). Worth knowing, not a resource a reviewer would restructure the loop for.
 */
function lightRelease(call: Node, held: Binding): boolean {
  const fn = call.childForFieldName('function');
  const method = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : undefined;
  if (method === 'Stop') return /^time\.(NewTimer|AfterFunc|NewTicker)\b/.test(valueOf(held)?.text ?? '');
  return (method === 'End' || method === 'Finish') && /span/i.test(held.name);
}

/** The expression a short variable declaration or var spec gives the binding. */
function valueOf(b: Binding): Node | undefined {
  const d = b.declarator;
  const left = d.type === 'short_var_declaration' ? d.childForFieldName('left')?.namedChildren : d.type === 'var_spec' ? d.childrenForFieldName('name') : undefined;
  const right = d.type === 'short_var_declaration' ? d.childForFieldName('right')?.namedChildren : d.type === 'var_spec' ? d.childForFieldName('value')?.namedChildren : undefined;
  if (!left || !right) return undefined;
  const i = left.findIndex((l) => l?.id === b.id.id);
  return (right.length === left.length ? right[i] : right[0]) ?? undefined;
}

/**
 * A handful of iterations: a loop over a short list written in the code (`range []string{"a", "b"}`,
 * or a package variable holding one), a count up to a small constant (`i < 3`, `i <= maxRetries` of a
 * constant declared in the file), or over a struct's fields (`i < v.NumField()`).
 */
function fewIterations(loop: Node, scopes: DeclScopes): boolean {
  const clause = loop.namedChildren.find((c) => c?.type === 'for_clause');
  if (clause) return smallBound(clause.childForFieldName('condition'), scopes);
  const range = loop.namedChildren.find((c) => c?.type === 'range_clause');
  let ranged = range?.childForFieldName('right');
  if (ranged?.type === 'identifier') {
    const b = scopes.bindingOf(ranged);
    const spec = b?.declarator.type === 'var_spec' && b.declarator.parent?.parent?.type === 'source_file' ? b.declarator : undefined;
    ranged = spec?.childForFieldName('value')?.namedChild(0) ?? null;
  }
  const elements = ranged?.type === 'composite_literal' ? ranged.childForFieldName('body')?.namedChildren.filter((c) => c?.type !== 'comment') : undefined;
  return elements !== undefined && elements.length <= FEW_ITERATIONS;
}

const FEW_ITERATIONS = 4;

/**
 * `for { … }` that ends by a break or return: nothing the function holds says how often it repeats.
 * Such loops poll, page through results, or retry until what they read says to stop; on six real
 * modules every one was a handful of pages or polls. One that never ends holds its resources forever.
 */
function headless(loop: Node): boolean {
  return loop.namedChildren.every((c) => c === null || c.type === 'block' || c.type === 'comment');
}

/**
 * `for _, name := range names { switch name { case "state": …; defer f.Close() } }`: the defer runs
 * for the elements equal to the case's constants only, once each in a list of distinct names.
 */
function oneCase(deferred: Node, loop: Node, scopes: DeclScopes): boolean {
  const range = loop.namedChildren.find((c) => c?.type === 'range_clause');
  const values = range?.childForFieldName('left')?.namedChildren ?? [];
  const value = values[values.length - 1];
  const rangeVar = value?.type === 'identifier' ? scopes.bindingOf(value) : undefined;
  if (!rangeVar) return false;
  for (let p = deferred.parent; p && p.id !== loop.id; p = p.parent) {
    if (p.type !== 'expression_case') continue;
    const sw = p.parent;
    const tag = sw?.type === 'expression_switch_statement' ? sw.childForFieldName('value') : null;
    const cases = p.childForFieldName('value')?.namedChildren ?? [];
    // A name the file does not declare is the package's (a constant of another file, by the look of a case).
    const constant = (c: Node | null) =>
      c !== null &&
      (/_literal$/.test(c.type) ||
        (c.type === 'identifier' && (scopes.bindingOf(c)?.kind ?? 'const') === 'const') ||
        (c.type === 'selector_expression' && scopes.bindingOf(c.childForFieldName('operand')!)?.kind === 'import'));
    if (tag?.type === 'identifier' && scopes.bindingOf(tag)?.id.id === rangeVar.id.id && cases.length > 0 && cases.every(constant)) return true;
  }
  return false;
}

/** Counts up to: at most this many iterations is a handful (retries, attempts, a struct's fields). */
const SMALL_COUNT = 16;

function smallBound(condition: Node | null, scopes: DeclScopes): boolean {
  if (condition?.type !== 'binary_expression' || !['<', '<='].includes(condition.childForFieldName('operator')?.text ?? '')) return false;
  const bound = condition.childForFieldName('right');
  if (bound?.type === 'call_expression') {
    const fn = bound.childForFieldName('function');
    return fn?.type === 'selector_expression' && /^Num(Field|Method|In|Out)$/.test(fn.childForFieldName('field')?.text ?? '');
  }
  let value: Node | null | undefined = bound;
  if (bound?.type === 'identifier') {
    const b = scopes.bindingOf(bound);
    const names = b?.declarator.type === 'const_spec' ? b.declarator.childrenForFieldName('name') : [];
    const i = names.findIndex((n) => n?.id === b!.id.id);
    value = i >= 0 ? b!.declarator.childForFieldName('value')?.namedChildren[i] : undefined;
  }
  return value?.type === 'int_literal' && Number(value.text.replace(/_/g, '')) <= SMALL_COUNT;
}

/** In `func main()` of package main the function's return ends the program: its defers release at exit either way. */
function inMain(node: Node): boolean {
  let fn: Node | null = node.parent;
  while (fn && fn.type !== 'function_declaration' && fn.type !== 'method_declaration' && fn.type !== 'func_literal') fn = fn.parent;
  if (fn?.type !== 'function_declaration' || fn.childForFieldName('name')?.text !== 'main') return false;
  const pkg = fn.parent?.namedChildren.find((c) => c?.type === 'package_clause');
  return pkg?.namedChild(0)?.text === 'main';
}

/** `mu.Lock()` earlier in the body and `defer mu.Unlock()` of a mutex declared outside the loop: its text. */
function relockedMutex(call: Node, loop: Node, body: Node, scopes: DeclScopes): string | undefined {
  const fn = call.childForFieldName('function');
  const method = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : undefined;
  if (method !== 'Unlock' && method !== 'RUnlock') return undefined;
  const receiver = fn!.childForFieldName('operand');
  const root = rootOf(receiver);
  const b = root && scopes.bindingOf(root);
  if (!receiver || (b && within(loop, b.id))) return undefined;
  const lock = method === 'Unlock' ? 'Lock' : 'RLock';
  const locks = body.descendantsOfType('call_expression').some((c) => {
    const f = c?.childForFieldName('function');
    return f?.type === 'selector_expression' && f.childForFieldName('field')?.text === lock && f.childForFieldName('operand')?.text === receiver.text && c!.startIndex < call.startIndex;
  });
  return locks ? receiver.text : undefined;
}

/**
 * Whether something outside the iteration keeps the value: a goroutine or a closure that may run later
 * uses it, or the value itself (not what a call on it returns) is stored in an outer variable or sent.
 */
function leavesIteration(b: Binding, deferred: Node, body: Node, scopes: DeclScopes): boolean {
  for (const ref of b.refs) {
    if (ref.id === b.id.id || within(deferred, ref)) continue;
    for (let p = ref.parent; p && p.id !== body.id; p = p.parent) {
      if (p.type === 'go_statement') return true;
      if (p.type === 'func_literal' && !(p.parent?.type === 'call_expression' && p.parent.childForFieldName('function')?.id === p.id)) return true;
    }
    if (storedOutside(ref, body, scopes)) return true;
  }
  return false;
}

/** The value at ref, as it is (a field of it, its address, inside a literal), assigned to a variable declared outside the body, or sent. */
function storedOutside(ref: Node, body: Node, scopes: DeclScopes): boolean {
  let child: Node = ref;
  for (let p = ref.parent; p && p.id !== body.id; child = p, p = p.parent) {
    switch (p.type) {
      case 'parenthesized_expression':
      case 'unary_expression':
      case 'literal_element':
      case 'keyed_element':
      case 'literal_value':
      case 'composite_literal':
      case 'expression_list':
      case 'argument_list':
        continue;
      case 'selector_expression':
        // x.f as a value goes on; x.M(…) gives something else.
        if (p.parent?.type === 'call_expression' && p.parent.childForFieldName('function')?.id === p.id) return false;
        continue;
      case 'call_expression': {
        const fn = p.childForFieldName('function');
        // append(outer, x) keeps x in what append returns, and so does a constructor, NewClient(conn), by
        // Go's naming convention; any other call is handed x, not a place to keep it.
        const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : fn?.type === 'identifier' ? fn.text : undefined;
        if (child.type === 'argument_list' && name !== undefined && (name === 'append' || /^[Nn]ew([A-Z_]|$)/.test(name))) continue;
        return false;
      }
      case 'send_statement':
        return p.childForFieldName('value')?.id === child.id;
      case 'assignment_statement':
      case 'short_var_declaration': {
        if (p.childForFieldName('right')?.id !== child.id) return false;
        return (p.childForFieldName('left')?.namedChildren ?? []).some((l) => {
          const root = l && rootOf(l);
          if (!root || root.text === '_') return false;
          const target = scopes.bindingOf(root);
          return !target || !within(body, target.id);
        });
      }
      default:
        return false;
    }
  }
  return false;
}

function rootOf(expr: Node | null): Node | undefined {
  let n: Node | null = expr;
  while (n && (n.type === 'selector_expression' || n.type === 'index_expression' || n.type === 'parenthesized_expression' || n.type === 'unary_expression' || n.type === 'call_expression')) {
    n = n.type === 'parenthesized_expression' ? n.namedChild(0) : n.type === 'call_expression' ? n.childForFieldName('function') : n.childForFieldName('operand');
  }
  return n?.type === 'identifier' ? n : undefined;
}
