// Does the iteration wait for the goroutine it started before it ends? Then the goroutine cannot see
// a later iteration's value: `wg.Wait()` after `go func() { defer wg.Done(); … }()`, `g.Wait()` after
// `g.Go(func() error { … })`, or a receive from (or a range over) a channel that the goroutine closes
// or sends on as the last thing it does on every path.
import type { Node } from 'web-tree-sitter';
import type { Binding, DeclScopes } from '../../engine/scope';
import { rootIdentifier, within } from '../../engine/syntax';

/** What a goroutine signals when it ends. */
interface Signals {
  /** Receivers of `X.Done()` (sync.WaitGroup) — waited for with `X.Wait()`. */
  waitGroups: Set<string>;
  /** Channels it closes or sends on — waited for with a receive. */
  channels: Set<string>;
}

/** `go func() {…}()` whose goroutine the rest of the iteration (up to the loop body) waits for. */
export function goroutineJoined(goStatement: Node, literal: Node, loopBody: Node): boolean {
  const signals = signalsAtExit(literal);
  if (!signals) return false;
  return waitsAfter(goStatement, loopBody, (n) => waitsFor(n, signals));
}

/**
 * `go func() { r, err := work(v); ch <- r; … }()` and a receive from ch later in the iteration: the
 * goroutine's last use of a loop variable comes before a signal the iteration waits for (a send, a
 * close or a Done at the top level of its body, or the send whose value uses the variable), so
 * whatever it does afterwards, it reads no later iteration's value.
 */
export function joinedAfterUses(goStatement: Node, literal: Node, loopBody: Node, uses: readonly Node[]): boolean {
  if (uses.length === 0) return false;
  for (const s of topLevelStatements(literal.childForFieldName('body'))) {
    const signals: Signals = { waitGroups: new Set(), channels: new Set() };
    if (!addSignal(signalExpression(s), signals)) continue;
    const value = s.type === 'send_statement' ? s.childForFieldName('value') : null;
    const before = uses.every((u) => u.endIndex <= s.startIndex || (value !== null && value.startIndex <= u.startIndex && u.endIndex <= value.endIndex));
    if (before && waitsAfter(goStatement, loopBody, (n) => waitsFor(n, signals))) return true;
  }
  return false;
}

/**
 * A handshake through an object the goroutine and the rest of the iteration share: the goroutine's
 * last use of a loop variable comes before (or is an argument of) something it does to X — a send
 * on it, closing it, a method call on it (`stdinW.Write([]byte(tc.in))`, `e.Start(tc.addr)`,
 * `result.Send(err)`, `done[i].Done()`) — and later in the iteration the test hands X, or the other
 * end of the pipe it came from, to a call, calls a method on it, or receives from it
 * (`run(cmd, stdinR)`, `waitForServer(e, errCh)`, `result.Receive(ctx)`), or hands a call a condition
 * that reads it (`waitFor(t, func() bool { return stopped.Load() == n })`). In a test that is how a
 * goroutine feeds the code under test and the test waits for it; a test that times out fails, so the
 * goroutine outliving the iteration ends the test anyway. Returns the shared variable's name.
 */
export function handshakeAfterUses(goStatement: Node, literal: Node, loopBody: Node, uses: readonly Node[], scopes: DeclScopes): string | undefined {
  if (uses.length === 0) return undefined;
  const lastUse = Math.max(...uses.map((u) => u.startIndex));
  const loopVariables = new Set(uses.map((u) => scopes.bindingOf(u)?.id.id));
  const shared = new Map<number, Binding>();
  const stack = [literal.childForFieldName('body')];
  while (stack.length > 0) {
    const n = stack.pop();
    if (!n || (n.type === 'func_literal' && n.id !== literal.id)) continue;
    const target = n.endIndex > lastUse ? operatedOn(n) : undefined;
    const b = target && scopes.bindingOf(target);
    if (b && VARIABLES.has(b.kind) && !loopVariables.has(b.id.id) && !within(literal, b.id) && !isTestingHandle(b)) shared.set(b.id.id, b);
    for (const c of n.namedChildren) stack.push(c);
  }
  for (const b of shared.values()) {
    const ends = new Set([b.id.id, ...pipeEnds(b, scopes).map((e) => e.id.id)]);
    const names = (n: Node | null | undefined): boolean => {
      const root = n ? rootIdentifier(n) : undefined;
      const r = root && scopes.bindingOf(root);
      return !!r && ends.has(r.id.id);
    };
    // `cmd.stdin = stdinR`: cmd now holds the pipe's end, and a later `cmd.Run(…)` reads it.
    const holds = (n: Node): boolean => {
      if (n.type !== 'assignment_statement') return false;
      const right = n.childForFieldName('right')?.namedChildren ?? [];
      if (!right.some((r) => r !== null && names(r))) return false;
      for (const l of n.childForFieldName('left')?.namedChildren ?? []) {
        const root = l?.type === 'selector_expression' ? rootIdentifier(l) : undefined;
        const holder = root && scopes.bindingOf(root);
        if (holder) ends.add(holder.id.id);
      }
      return false;
    };
    // `waitFor(t, func() bool { return done.Load() == n })`: a condition handed to a call, which polls it.
    const polls = (a: Node) => a.type === 'func_literal' && a.descendantsOfType('identifier').some((id) => id !== null && names(id));
    const waits = (n: Node): boolean =>
      holds(n) ||
      (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-' && names(n.childForFieldName('operand'))) ||
      (n.type === 'range_clause' && names(n.childForFieldName('right'))) ||
      (n.type === 'call_expression' &&
        ((n.childForFieldName('function')?.type === 'selector_expression' && names(n.childForFieldName('function')!.childForFieldName('operand'))) ||
          (n.childForFieldName('arguments')?.namedChildren ?? []).some((a) => a !== null && (names(a) || polls(a)))));
    if (waitsAfter(goStatement, loopBody, waits)) return b.name;
  }
  return undefined;
}

const VARIABLES = new Set<Binding['kind']>(['var', 'param', 'result', 'receiver', 'range', 'for', 'receive']);

/** What a node does something to: the channel of a send, the argument of close, the receiver of a method call. */
function operatedOn(n: Node): Node | undefined {
  if (n.type === 'send_statement') return rootIdentifier(n.childForFieldName('channel'));
  if (n.type !== 'call_expression') return undefined;
  const fn = n.childForFieldName('function');
  if (fn?.type === 'identifier' && fn.text === 'close') return rootIdentifier(n.childForFieldName('arguments')?.namedChild(0) ?? null);
  return fn?.type === 'selector_expression' ? rootIdentifier(fn.childForFieldName('operand')) : undefined;
}

/** The test's own *testing.T (or B, F, TB): everything calls methods on it, it synchronises nothing. */
function isTestingHandle(b: Binding): boolean {
  return b.declarator.type === 'parameter_declaration' && /^\*?testing\.(T|B|F|TB)$/.test(b.declarator.childForFieldName('type')?.text ?? '');
}

/** `r, w := io.Pipe()`: the other variables one call declared with b, the ends of one pipe. */
function pipeEnds(b: Binding, scopes: DeclScopes): Binding[] {
  const d = b.declarator;
  if (d.type !== 'short_var_declaration' || d.childForFieldName('right')?.namedChildren.length !== 1 || d.childForFieldName('right')?.namedChild(0)?.type !== 'call_expression') return [];
  return (d.childForFieldName('left')?.namedChildren ?? []).flatMap((id) => {
    const other = id && id.id !== b.id.id ? scopes.bindingOf(id) : undefined;
    return other ? [other] : [];
  });
}

/** `g.Go(func…)` (errgroup, WaitGroup.Go) followed in the iteration by `g.Wait()`. */
export function groupJoined(call: Node, group: string, loopBody: Node): boolean {
  const statement = statementOf(call);
  if (!statement) return false;
  return waitsAfter(statement, loopBody, (n) => n.type === 'call_expression' && isMethodCall(n, group, 'Wait'));
}

/**
 * The signals a literal gives on every way out: a deferred Done/close anywhere at its top level, or
 * a Done/close/send as the last statement of its body and just before each of its returns.
 */
function signalsAtExit(literal: Node): Signals | undefined {
  const body = literal.childForFieldName('body');
  const statements = topLevelStatements(body);
  const signals: Signals = { waitGroups: new Set(), channels: new Set() };
  for (const s of statements) {
    if (s.type !== 'defer_statement') continue;
    const call = s.namedChild(0);
    const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
    // `defer func() { wg.Done(); … }()`: the signals at the top level of the deferred literal.
    if (fn?.type === 'func_literal') for (const inner of topLevelStatements(fn.childForFieldName('body'))) addSignal(signalExpression(inner), signals);
    else addSignal(call, signals);
  }
  if (signals.waitGroups.size + signals.channels.size > 0) return signals;
  const last = statements[statements.length - 1];
  if (!last || !addSignal(signalExpression(last), signals)) return undefined;
  for (const ret of returnsOf(body)) {
    const list = ret.parent;
    const index = list?.namedChildren.findIndex((c) => c?.id === ret.id) ?? -1;
    const before = index > 0 ? list!.namedChild(index - 1) : null;
    if (!before || !addSignal(signalExpression(before), signals)) return undefined;
  }
  return signals;
}

/** The call or send a statement consists of. */
function signalExpression(statement: Node): Node | null {
  if (statement.type === 'send_statement') return statement;
  if (statement.type === 'expression_statement') return statement.namedChild(0);
  return null;
}

/** Records `X.Done()`, `close(ch)` or `ch <- v`; false for anything else. */
function addSignal(node: Node | null, signals: Signals): boolean {
  if (!node) return false;
  if (node.type === 'send_statement') {
    const channel = node.childForFieldName('channel')?.text;
    if (!channel) return false;
    signals.channels.add(channel);
    return true;
  }
  if (node.type !== 'call_expression') return false;
  const fn = node.childForFieldName('function');
  if (fn?.type === 'identifier' && fn.text === 'close') {
    const channel = node.childForFieldName('arguments')?.namedChild(0)?.text;
    if (!channel) return false;
    signals.channels.add(channel);
    return true;
  }
  if (fn?.type === 'selector_expression' && fn.childForFieldName('field')?.text === 'Done') {
    signals.waitGroups.add(fn.childForFieldName('operand')?.text ?? '');
    return true;
  }
  return false;
}

function waitsFor(n: Node, signals: Signals): boolean {
  if (n.type === 'call_expression') {
    const fn = n.childForFieldName('function');
    return fn?.type === 'selector_expression' && fn.childForFieldName('field')?.text === 'Wait' && signals.waitGroups.has(fn.childForFieldName('operand')?.text ?? '');
  }
  if (n.type === 'unary_expression' && n.childForFieldName('operator')?.text === '<-') return signals.channels.has(n.childForFieldName('operand')?.text ?? '');
  // `for v := range ch` receives until the goroutine's close (or its send).
  if (n.type === 'range_clause') return signals.channels.has(n.childForFieldName('right')?.text ?? '');
  return false;
}

/**
 * Whether a node matching `isWait` follows `from` before the iteration ends: in the statements after
 * it in its block and in every block around it up to the loop body (nested func literals are code
 * that may run later, and are not searched).
 */
function waitsAfter(from: Node, loopBody: Node, isWait: (n: Node) => boolean): boolean {
  let statement: Node | null = from;
  while (statement && statement.id !== loopBody.id) {
    const list: Node | null = statement.parent;
    if (list?.type === 'statement_list') {
      let found = false;
      for (let s = statement.nextNamedSibling; s && !found; s = s.nextNamedSibling) found = holdsWait(s, isWait);
      if (found) return true;
    }
    statement = list;
  }
  return false;
}

/** Whether root, or code under it outside nested func literals, waits. */
function holdsWait(root: Node, isWait: (n: Node) => boolean): boolean {
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (isWait(n)) return true;
    if (n.type === 'func_literal') continue;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return false;
}

function topLevelStatements(body: Node | null): Node[] {
  const list = body?.namedChildren.find((c) => c?.type === 'statement_list');
  return (list?.namedChildren ?? []).filter((c): c is Node => c !== null && c.type !== 'comment');
}

/** Return statements of a literal's own body (not of literals nested in it). */
function returnsOf(body: Node | null): Node[] {
  const out: Node[] = [];
  const stack = body ? [body] : [];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'return_statement') out.push(n);
    if (n.type === 'func_literal') continue;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return out;
}

function isMethodCall(call: Node, receiver: string, method: string): boolean {
  const fn = call.childForFieldName('function');
  return fn?.type === 'selector_expression' && fn.childForFieldName('field')?.text === method && fn.childForFieldName('operand')?.text === receiver;
}

function statementOf(node: Node): Node | undefined {
  for (let n: Node | null = node; n; n = n.parent) if (n.parent?.type === 'statement_list') return n;
  return undefined;
}
