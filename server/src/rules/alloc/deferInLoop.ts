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
import { innermostLoop, within } from './loops';

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
      if (releasedExplicitly(call, d, around.body)) continue;
      const held = released(call, scopes).find((b) => within(around.loop, b.id) && !withSiblings(b, call, scopes).some((x) => leavesIteration(x, d, around.body, scopes)));
      if (!held) continue;
      ctx.report({
        node: d,
        message: `defer in a loop: ${held.name}, made in this iteration, is released only when the function returns, so every iteration's ${held.name} stays held until then (and each adds a heap defer record); move the body into a function called per iteration, or release ${held.name} at the end of the iteration`,
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
      if (inner) out.push(...released(inner, scopes));
    }
    return out;
  }
  const target = fn?.type === 'selector_expression' ? rootOf(fn.childForFieldName('operand')) : fn?.type === 'identifier' ? fn : undefined;
  const b = target && scopes.bindingOf(target);
  return b && b.kind !== 'func' ? [b] : [];
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
        // append(outer, x) keeps x in what append returns; any other call is handed x, not a place to keep it.
        if (fn?.type === 'identifier' && fn.text === 'append') continue;
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
