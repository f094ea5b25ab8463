// What a benchmark measures. A loop over b.N (b.Loop(), pb.Next()) is the measured loop only while the
// timer runs: a b.N loop that fills inputs before b.ResetTimer() is set-up, and code between
// b.StopTimer() and b.StartTimer() is not timed. Inside the measured loop, what depends on the
// iteration is what the benchmark measures; an allocation that does not — the same []byte("…"), the
// same fixture rebuilt every time — is overhead the benchmark could make once, before the loop.
import type { Node } from 'web-tree-sitter';
import type { Binding, DeclScopes } from '../scope';
import { writtenWithin } from '../writes';
import { FUNCTION_TYPES, rootIdentifier, within } from '../syntax';

/**
 * The name of the benchmark whose measured loop this is: `for b.Loop()`, `for …; i < b.N; …`,
 * `for range b.N` with b a *testing.B parameter, or `for pb.Next()` with pb a *testing.PB parameter,
 * and not a set-up loop (one followed by b.ResetTimer()).
 */
export function benchmarkOfLoop(loop: Node): string | undefined {
  let receiver: Node | null | undefined;
  let wants: 'B' | 'PB' = 'B';
  const clause = loop.namedChildren.find((c) => c?.type === 'for_clause' || c?.type === 'range_clause');
  const condition = clause?.type === 'for_clause' ? clause.childForFieldName('condition') : clause ? null : (loop.childForFieldName('condition') ?? loop.namedChildren.find((c) => c?.type === 'call_expression'));
  if (clause?.type === 'range_clause') {
    const right = clause.childForFieldName('right');
    if (right?.type === 'selector_expression' && right.childForFieldName('field')?.text === 'N') receiver = right.childForFieldName('operand');
  } else if (condition?.type === 'call_expression') {
    const fn = condition.childForFieldName('function');
    const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : undefined;
    if (name === 'Loop' || name === 'Next') {
      receiver = fn!.childForFieldName('operand');
      wants = name === 'Next' ? 'PB' : 'B';
    }
  } else if (condition?.type === 'binary_expression' && /^(<|<=|>|>=)$/.test(condition.childForFieldName('operator')?.text ?? '')) {
    for (const side of [condition.childForFieldName('right'), condition.childForFieldName('left')]) {
      if (side?.type === 'selector_expression' && side.childForFieldName('field')?.text === 'N') receiver = side.childForFieldName('operand');
    }
  }
  if (receiver?.type !== 'identifier') return undefined;
  const name = benchmarkParameter(loop, receiver.text, wants);
  if (!name || (wants === 'B' && resetAfter(loop, receiver.text)) || skippedBefore(loop)) return undefined;
  return name;
}

/** `b.Skip(…)`/`b.SkipNow()` unconditionally before the loop: the benchmark never runs it. */
function skippedBefore(loop: Node): boolean {
  for (let s: Node | null = loop; s && !FUNCTION_TYPES.has(s.type); s = s.parent) {
    if (s.parent?.type !== 'statement_list') continue;
    for (let prev = s.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
      const call = prev.type === 'expression_statement' ? prev.namedChild(0) : null;
      const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
      if (fn?.type === 'selector_expression' && /^Skip(Now|f)?$/.test(fn.childForFieldName('field')?.text ?? '')) return true;
    }
  }
  return false;
}

/**
 * Whether the node lies in its measured loop where the timer is stopped: after b.StopTimer() and
 * before b.StartTimer(), or before a b.StartTimer() or b.ResetTimer() later in the iteration (a reset
 * inside the loop throws away what came before it).
 */
export function timerStopped(node: Node, loop: Node): boolean {
  for (let s: Node | null = node; s && s.id !== loop.id; s = s.parent) {
    if (s.parent?.type !== 'statement_list') continue;
    for (let prev = s.previousNamedSibling; prev; prev = prev.previousNamedSibling) {
      const timer = timerCall(prev);
      if (timer === 'StopTimer') return true;
      if (timer === 'StartTimer' || timer === 'ResetTimer') break;
    }
    for (let next = s.nextNamedSibling; next; next = next.nextNamedSibling) {
      const timer = timerCall(next);
      if (timer === 'StartTimer' || timer === 'ResetTimer') return true;
      if (timer === 'StopTimer') break;
    }
  }
  return false;
}

/**
 * Whether the value the node computes is the same in every iteration of the measured loop: it reads
 * only constants, variables the loop does not write, variables of inner loops whose bounds do not
 * change, and calls of functions that give the same result for the same arguments.
 */
export function invariantAcross(node: Node, loop: Node, scopes: DeclScopes): boolean {
  const body = loop.childForFieldName('body');
  const invariance = new Invariance(loop, scopes);
  if (!body || !invariance.of(node, 0)) return false;
  return loopBodiesUpTo(node, loop).every((b) => {
    if (!keptOrChanged(node, b, scopes)) return true;
    // Kept by the iterations of an inner loop (a fixture it fills): the same only when that loop runs the
    // same iterations every time, and then the whole loop is what could be made once; one that reads
    // until a stream ends (`for { … NextProto(res) … }`) makes new values each time.
    const header = b.id === body.id ? undefined : b.parent?.namedChildren.find((c) => c !== null && c.id !== b.id);
    return !!header && invariance.of(header, 0);
  });
}

/** The bodies of the loops around node, innermost first, up to and including loop's. */
function loopBodiesUpTo(node: Node, loop: Node): Node[] {
  const bodies: Node[] = [];
  for (let p = node.parent; p; p = p.parent) {
    if (p.type === 'block' && p.parent?.type === 'for_statement') bodies.push(p);
    if (p.id === loop.id) break;
  }
  return bodies;
}

/**
 * Whether each iteration needs its own copy of the value after all: it is kept beyond the iteration
 * (appended to, or stored in, something declared outside the loop) or changed after it is made (a
 * field or an element written through the variable that holds it, or a struct it was stored in handed
 * to a method or function, which may change or consume it: bbolt's `f.pending = map…` then
 * `f.release(1)`, which deletes from the map): made once, every iteration would share the one value.
 */
function keptOrChanged(node: Node, body: Node, scopes: DeclScopes): boolean {
  const holders: Binding[] = [];
  const structs: Binding[] = [];
  if (flowsOut(node, body, scopes, holders, structs)) return true;
  for (const h of holders) {
    if (h.refs.some((r) => r.id !== h.id.id && within(body, r) && changesThrough(r))) return true;
    if (h.refs.some((r) => r.id !== h.id.id && within(body, r) && flowsOut(r, body, scopes, [], []))) return true;
  }
  return structs.some((s) => s.refs.some((r) => within(body, r) && handedToCall(r)));
}

/** `x.m(…)`, `f(x)`, `f(&x)`: a call that gets x (or its address) and may change what it holds. */
function handedToCall(ref: Node): boolean {
  const p = ref.parent;
  if (p?.type === 'selector_expression' && p.childForFieldName('operand')?.id === ref.id) return p.parent?.type === 'call_expression' && p.parent.childForFieldName('function')?.id === p.id;
  const arg = p?.type === 'unary_expression' && p.childForFieldName('operator')?.text === '&' ? p : ref;
  return arg.parent?.type === 'argument_list';
}

/**
 * Follows the value up to where it is stored: outside the body (true), or in a body-local variable
 * (recorded in holders) or a field of one (the variable recorded in structs).
 */
function flowsOut(node: Node, body: Node, scopes: DeclScopes, holders: Binding[], structs: Binding[]): boolean {
  let child = node;
  for (let p = node.parent; p && p.id !== body.id; child = p, p = p.parent) {
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
      case 'call_expression': {
        const fn = p.childForFieldName('function');
        if (fn?.type === 'identifier' && fn.text === 'append') continue;
        return false;
      }
      case 'send_statement':
        return p.childForFieldName('value')?.id === child.id;
      case 'assignment_statement':
      case 'short_var_declaration':
      case 'var_spec': {
        const right = p.type === 'var_spec' ? p.childForFieldName('value') : p.childForFieldName('right');
        if (right?.id !== child.id) return false;
        const left = p.type === 'var_spec' ? p.childrenForFieldName('name') : (p.childForFieldName('left')?.namedChildren ?? []);
        for (const l of left) {
          const root = l && rootIdentifier(l);
          if (!root || root.text === '_') continue;
          const b = scopes.bindingOf(root);
          if (!b || !within(body, b.id)) return true;
          // Into an element or field of a body-local value: that value holds it, and is judged as a whole elsewhere.
          if (l!.type === 'identifier') holders.push(b);
          else if (l!.type === 'selector_expression') structs.push(b);
        }
        return false;
      }
      default:
        return false;
    }
  }
  return false;
}

/** `x.f = …`, `x[i] = …`, `x.f++`: the value held by x is changed. */
function changesThrough(ref: Node): boolean {
  const p = ref.parent;
  if ((p?.type !== 'selector_expression' && p?.type !== 'index_expression') || p.childForFieldName('operand')?.id !== ref.id) return false;
  let target: Node = p;
  while (target.parent && (target.parent.type === 'selector_expression' || target.parent.type === 'index_expression') && target.parent.childForFieldName('operand')?.id === target.id) target = target.parent;
  const list = target.parent;
  const statement = list?.parent;
  if (list?.type === 'expression_list' && statement?.type === 'assignment_statement' && statement.childForFieldName('left')?.id === list.id) return true;
  return list?.type === 'inc_statement' || list?.type === 'dec_statement';
}

class Invariance {
  private readonly known = new Map<Binding, boolean>();

  constructor(
    private readonly loop: Node,
    private readonly scopes: DeclScopes,
  ) {}

  of(root: Node, depth: number): boolean {
    const stack = [root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.type === 'identifier') {
        const b = this.scopes.bindingOf(n);
        // Package-level names and names declared inside the expression itself (a literal's parameters) do not vary with the loop.
        if (b && !within(root, b.id) && !this.binding(b, depth)) return false;
        continue;
      }
      if (n.type === 'call_expression' && !sameResultForSameArguments(n.childForFieldName('function'))) return false;
      for (const c of n.namedChildren) if (c) stack.push(c);
    }
    return true;
  }

  private binding(b: Binding, depth: number): boolean {
    const cached = this.known.get(b);
    if (cached !== undefined) return cached;
    if (depth > 6) return false;
    this.known.set(b, false);
    const result = this.computeBinding(b, depth);
    this.known.set(b, result);
    return result;
  }

  private computeBinding(b: Binding, depth: number): boolean {
    const body = this.loop.childForFieldName('body');
    if (!body) return false;
    // Declared outside the measured loop: the same while the loop does not write it.
    if (!within(this.loop, b.id)) return !writtenWithin(b, this.loop);
    if (!within(body, b.id)) return false; // the measured loop's own variable
    if (b.kind === 'range' || b.kind === 'for') {
      // An inner loop's variable takes the same values each time when the inner loop's header does not change.
      const inner = b.kind === 'range' ? b.declarator.parent : b.declarator.parent?.parent;
      const header = inner?.namedChildren.find((c) => c?.type === 'for_clause' || c?.type === 'range_clause');
      const innerBody = inner?.childForFieldName('body');
      if (!header || !innerBody || writtenWithin(b, innerBody)) return false;
      return everyOtherNameInvariant(header, b, (x) => this.binding(x, depth + 1), this.scopes);
    }
    if (b.declarator.type !== 'short_var_declaration' && b.declarator.type !== 'var_spec') return false;
    if (writtenWithin(b, body)) return false;
    const value = definingValue(b);
    return value !== undefined && this.of(value, depth + 1);
  }
}

/** An inner loop header reads its own variable (j < size; j++): the other names decide. */
function everyOtherNameInvariant(header: Node, self: Binding, invariant: (b: Binding) => boolean, scopes: DeclScopes): boolean {
  const stack = [header];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'identifier') {
      const b = scopes.bindingOf(n);
      if (b && b !== self && !invariant(b)) return false;
      continue;
    }
    if (n.type === 'call_expression' && !sameResultForSameArguments(n.childForFieldName('function'))) return false;
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  return true;
}

/** `x := v` / `var x = v`: the value of a variable declared with one. */
function definingValue(b: Binding): Node | undefined {
  const d = b.declarator;
  const left = d.type === 'var_spec' ? d.childrenForFieldName('name') : (d.childForFieldName('left')?.namedChildren ?? []);
  const right = (d.type === 'var_spec' ? d.childForFieldName('value') : d.childForFieldName('right'))?.namedChildren ?? [];
  const index = left.findIndex((n) => n?.id === b.id.id);
  return index >= 0 && left.length === right.length ? (right[index] ?? undefined) : undefined;
}

const PURE_PACKAGES = new Set(['strconv', 'strings', 'bytes', 'errors', 'fmt', 'math', 'unicode', 'utf8', 'path', 'filepath']);
const PURE_BUILTINS = new Set(['make', 'new', 'len', 'cap', 'append', 'min', 'max', 'string', 'complex', 'real', 'imag']);

/** Conversions, builtins and the std functions whose result depends only on their arguments. */
function sameResultForSameArguments(fn: Node | null): boolean {
  if (!fn) return false;
  if (fn.type === 'identifier') return PURE_BUILTINS.has(fn.text);
  if (fn.type.endsWith('_type') || fn.type === 'parenthesized_type') return true;
  if (fn.type === 'selector_expression') {
    const operand = fn.childForFieldName('operand');
    return operand?.type === 'identifier' && PURE_PACKAGES.has(operand.text) && !/^(New(Reader|Buffer|Replacer)|Fprint)/.test(fn.childForFieldName('field')?.text ?? '');
  }
  return false;
}

/** `b.ResetTimer()` after the loop, in the benchmark function: the loop prepares inputs. */
function resetAfter(loop: Node, b: string): boolean {
  for (let s: Node | null = loop; s && !FUNCTION_TYPES.has(s.type); s = s.parent) {
    if (s.parent?.type !== 'statement_list') continue;
    for (let next = s.nextNamedSibling; next; next = next.nextNamedSibling) {
      if (timerCall(next, b) === 'ResetTimer') return true;
    }
  }
  return false;
}

function timerCall(statement: Node, receiver?: string): string | undefined {
  if (statement.type !== 'expression_statement') return undefined;
  const call = statement.namedChild(0);
  const fn = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  if (fn?.type !== 'selector_expression') return undefined;
  if (receiver !== undefined && fn.childForFieldName('operand')?.text !== receiver) return undefined;
  const name = fn.childForFieldName('field')?.text;
  return name === 'StopTimer' || name === 'StartTimer' || name === 'ResetTimer' ? name : undefined;
}

/** The name of the top-level benchmark function when `name` is a *testing.B (or *testing.PB) parameter of a function around the node. */
function benchmarkParameter(node: Node, name: string, wants: 'B' | 'PB'): string | undefined {
  let found = false;
  let top: Node | undefined;
  for (let p = node.parent; p; p = p.parent) {
    if (!FUNCTION_TYPES.has(p.type)) continue;
    top = p;
    if (found) continue;
    for (const param of p.childForFieldName('parameters')?.namedChildren ?? []) {
      if (param?.type !== 'parameter_declaration') continue;
      const type = param.childForFieldName('type')?.text.replace(/\s+/g, '');
      if (type !== `*testing.${wants}`) continue;
      if (param.childrenForFieldName('name').some((n) => n?.text === name)) found = true;
    }
  }
  if (!found) return undefined;
  return top?.childForFieldName('name')?.text ?? 'the benchmark';
}

