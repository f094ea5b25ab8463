// A value stored in a variable or field that outlives the loop is still not seen by a later iteration
// when the iteration replaces it before anyone can read it. Table-driven tests do this with hooks:
//
//	for _, tc := range tests {
//		orig := newClient
//		newClient = func() Client { return tc.client } // stored outside the loop…
//		defer func() { newClient = orig }()            // …and restored before the iteration ends
//		…
//	}
//
// or overwrite the hook first thing in every iteration (`ts.handler = func(…) { … tc … }`).
import type { Node } from 'web-tree-sitter';

/** Builtins that cannot call back into user code. */
const QUIET_BUILTINS = new Set(['make', 'new', 'len', 'cap', 'append', 'copy', 'min', 'max', 'complex', 'real', 'imag']);

/**
 * Whether the store to `target` made by `store` (an assignment statement in the loop body) is undone
 * or replaced before a later iteration could use it: assigned again later in the iteration (directly
 * or in a deferred function), or done first thing in every iteration and not read afterwards.
 */
export function replacedWithinIteration(store: Node, target: Node, loopBody: Node): boolean {
  if (!isPlainLvalue(target)) return false;
  const text = squeeze(target.text);
  // `fns = append(fns, f)` keeps what was there: it accumulates, it does not replace.
  const right = store.childForFieldName('right');
  if (right && some(right, (n) => squeeze(n.text) === text && (n.type === 'identifier' || n.type === 'selector_expression'))) return false;
  if (followingStatements(store, loopBody).some((s) => assigns(s, text))) return true;
  if (restoredByEarlierDefer(store, loopBody, text)) return true;
  // After a 3-clause loop its variable has moved past the last iteration's value: a closure stored
  // there and called after the loop sees the difference.
  if (!isRangeLoop(loopBody.parent) || followingStatements(store, loopBody).some((s) => readsAsValue(s, text))) return false;
  return firstThingInIteration(store, loopBody) || overwrittenEveryIteration(store, loopBody);
}

function isRangeLoop(loop: Node | null): boolean {
  return loop?.type === 'for_statement' && loop.namedChildren.some((c) => c?.type === 'range_clause');
}

/**
 * A range loop that stores into the location unconditionally in every iteration and starts no
 * goroutine: whoever calls what is stored there calls this iteration's value during the iteration, and
 * the last one after the loop, whose variable then holds the last element either way
 * (`tester.mock = func() error { return tc.err }` before the call under test).
 */
function overwrittenEveryIteration(store: Node, loopBody: Node): boolean {
  if (store.parent?.type !== 'statement_list' || store.parent.parent?.id !== loopBody.id) return false;
  return !some(loopBody, (n) => n.type === 'go_statement');
}

/**
 * `defer func(old T) { hook = old }(hook)` earlier in a func literal of the iteration (a subtest's
 * body): the hook is restored when the literal returns, inside the iteration.
 */
function restoredByEarlierDefer(store: Node, loopBody: Node, text: string): boolean {
  for (let s: Node | null = store; s && s.id !== loopBody.id; s = s.parent) {
    if (s.type === 'func_literal') return false;
    if (s.parent?.type !== 'statement_list' || !insideLiteralOfIteration(s, loopBody)) continue;
    for (let prev = s.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
      if (prev.type === 'defer_statement' && assigns(prev, text)) return true;
    }
  }
  return false;
}

/** The statement's function is a func literal inside the loop body (its defers run before the iteration ends, if it is called there). */
function insideLiteralOfIteration(statement: Node, loopBody: Node): boolean {
  for (let p = statement.parent; p && p.id !== loopBody.id; p = p.parent) {
    if (p.type === 'func_literal') return true;
  }
  return false;
}

/** `x`, `x.f`, `x.f.g`: a location that one assignment replaces whole (not x[i], not *p). */
function isPlainLvalue(target: Node): boolean {
  let n: Node | null = target;
  while (n?.type === 'selector_expression') n = n.childForFieldName('operand');
  return n?.type === 'identifier';
}

/** The statements that run after `from` in the iteration: its later siblings, and theirs in every block up to the loop body. */
function followingStatements(from: Node, loopBody: Node): Node[] {
  const out: Node[] = [];
  for (let s: Node | null = from; s && s.id !== loopBody.id; s = s.parent) {
    if (s.parent?.type !== 'statement_list') continue;
    for (let next = s.nextNamedSibling; next; next = next.nextNamedSibling) out.push(next);
  }
  return out;
}

function assigns(root: Node, text: string): boolean {
  return some(root, (n) => n.type === 'assignment_statement' && n.childForFieldName('operator')?.text === '=' && (n.childForFieldName('left')?.namedChildren ?? []).some((l) => l !== null && squeeze(l.text) === text));
}

/** A read of the location that is not a call through it: the value goes somewhere else. */
function readsAsValue(root: Node, text: string): boolean {
  return some(root, (n) => {
    if ((n.type !== 'identifier' && n.type !== 'selector_expression') || squeeze(n.text) !== text) return false;
    const parent = n.parent;
    if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === n.id) return false;
    if (parent?.type === 'selector_expression' && parent.childForFieldName('operand')?.id === n.id) return false;
    const list = parent?.type === 'expression_list' ? parent : undefined;
    return !(list && list.parent?.type === 'assignment_statement' && list.parent.childForFieldName('left')?.id === list.id);
  });
}

/**
 * The store runs in every iteration before anything that could call user code: on the way from the
 * loop body to it there are only blocks and synchronous callbacks (a func literal passed to a call),
 * and every statement before it on that way calls nothing but quiet builtins.
 */
function firstThingInIteration(store: Node, loopBody: Node): boolean {
  for (let s: Node | null = store; s && s.id !== loopBody.id; s = s.parent) {
    switch (s.type) {
      case 'statement_list':
      case 'block':
      case 'expression_statement':
      case 'argument_list':
      case 'call_expression':
        break;
      case 'func_literal':
        if (s.parent?.type !== 'argument_list') return false;
        break;
      default:
        if (s.id !== store.id) return false;
    }
    if (s.parent?.type === 'statement_list') {
      for (let prev = s.previousNamedSibling; prev; prev = prev.previousNamedSibling) if (callsOut(prev)) return false;
    }
  }
  return true;
}

function callsOut(root: Node): boolean {
  return some(root, (n) => {
    if (n.type !== 'call_expression') return false;
    const fn = n.childForFieldName('function');
    return !(fn?.type === 'identifier' && QUIET_BUILTINS.has(fn.text));
  });
}

function some(root: Node, test: (n: Node) => boolean): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (test(n)) return true;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

function squeeze(text: string): string {
  return text.replace(/\s+/g, '');
}
