// The hazards of one declaration, shared by loopvar/capture, loopvar/address and
// loopvar/semantics-change: every reference to a shared loop variable from a closure that outlives the
// iteration, and every address of one that outlives it.
import type { Node } from 'web-tree-sitter';
import type { Binding, DeclScopes, PackageScope } from '../../engine/scope';
import { LifetimeAnalysis, Lifetime } from './lifetime';
import { rootIdentifier } from '../../engine/syntax';
import { isSharedLoopVariable, loopOf, bodyOf, LoopVariable, sameFunction } from './loops';
import { leavesLoop } from '../../engine/policy/heat';
import { hasPointerMethod, loopVariableType } from './types';
import type { PackageView } from '../../engine/packageIndex';
import { within } from '../../engine/syntax';

export interface Capture {
  variable: LoopVariable;
  literal: Node;
  lifetime: Lifetime;
  /** References to the variable inside the literal that run after the iteration may have ended. */
  refs: Node[];
  /** Every reference to the variable inside the literal (including nested literals). */
  inLiteral: Node[];
}

export interface EscapingAddress {
  variable: LoopVariable;
  /** The `&v` or `&v.f` expression. */
  address: Node;
  lifetime: Lifetime;
}

/** A loop variable with its references' offsets read once, sorted by start. */
interface LoopBinding {
  variable: LoopVariable;
  /** Its position among the declaration's bindings, to keep their order. */
  index: number;
  refs: { node: Node; start: number; order: number }[];
  shared?: boolean;
}

/** A loop body and the loop variables it belongs to. */
interface LoopBody {
  start: number;
  end: number;
  bindings: LoopBinding[];
}

/**
 * Closures in the declaration that refer to a shared loop variable and may outlive its iteration.
 * Literals and loop bodies are swept in document order with a stack of the bodies enclosing the
 * current literal, and reference offsets are read once per variable and searched per literal: checking
 * every variable against every literal, reading offsets from WASM each time, made declarations of
 * thousands of loops or closures quadratic.
 */
export function escapingCaptures(decl: Node, scopes: DeclScopes): Capture[] {
  const out: Capture[] = [];
  const bodies = new Map<number, LoopBody>();
  scopes.bindings.forEach((binding, index) => {
    const loop = loopOf(binding);
    const body = loop && bodyOf(loop);
    if (!loop || !body) return;
    const refs = binding.refs.map((node, order) => ({ node, start: node.startIndex, order })).sort((a, b) => a.start - b.start);
    let entry = bodies.get(body.id);
    if (!entry) bodies.set(body.id, (entry = { start: body.startIndex, end: body.endIndex, bindings: [] }));
    entry.bindings.push({ variable: { binding, loop, body }, index, refs });
  });
  if (bodies.size === 0) return out;
  const sorted = [...bodies.values()].sort((a, b) => a.start - b.start || b.end - a.end);
  const enclosing: LoopBody[] = [];
  let next = 0;
  for (const literal of decl.descendantsOfType('func_literal')) {
    if (!literal) continue;
    const start = literal.startIndex;
    const end = literal.endIndex;
    // Bodies nest or are disjoint: one that ends before a later one starts encloses nothing after it.
    for (; next < sorted.length && sorted[next].start <= start; next++) {
      while (enclosing.length > 0 && enclosing[enclosing.length - 1].end <= sorted[next].start) enclosing.pop();
      enclosing.push(sorted[next]);
    }
    while (enclosing.length > 0 && enclosing[enclosing.length - 1].end < end) enclosing.pop();
    const byLoop = new Map<number, LifetimeAnalysis>();
    const lifetimes = new Map<number, Lifetime | undefined>();
    for (const lb of enclosing.flatMap((b) => b.bindings).sort((a, b) => a.index - b.index)) {
      const refs = refsWithin(lb.refs, start, end);
      if (refs.length === 0) continue;
      lb.shared ??= isSharedLoopVariable(lb.variable.binding);
      if (!lb.shared) continue;
      const { loop, body } = lb.variable;
      if (!lifetimes.has(loop.id)) {
        const analysis = byLoop.get(loop.id) ?? new LifetimeAnalysis(scopes, body, loop);
        byLoop.set(loop.id, analysis);
        lifetimes.set(loop.id, analysis.ofFuncLiteral(literal));
      }
      const lifetime = lifetimes.get(loop.id);
      if (!lifetime) continue;
      const after = lifetime.after;
      const late = after ? refs.filter((r) => r.startIndex >= after.endIndex) : refs;
      if (late.length > 0) out.push({ variable: lb.variable, literal, lifetime, refs: late, inLiteral: refs });
    }
  }
  // Closures nested in an escaping closure are part of it: report each reference once, for the outermost.
  const seen = new Set<number>();
  return out
    .sort((a, b) => a.literal.startIndex - b.literal.startIndex)
    .flatMap((c) => {
      const refs = c.refs.filter((r) => !seen.has(r.id));
      refs.forEach((r) => seen.add(r.id));
      return refs.length > 0 ? [{ ...c, refs }] : [];
    });
}

/** The references whose start lies in [start, end), in the order the scope resolver found them. */
function refsWithin(sorted: LoopBinding['refs'], start: number, end: number): Node[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].start < start) lo = mid + 1;
    else hi = mid;
  }
  const found: LoopBinding['refs'] = [];
  for (let i = lo; i < sorted.length && sorted[i].start < end; i++) found.push(sorted[i]);
  return found.sort((a, b) => a.order - b.order).map((r) => r.node);
}

/** `&v` / `&v.f` of a shared loop variable that may be used after its iteration ended. */
export function escapingAddresses(decl: Node, scopes: DeclScopes, pkg: PackageScope): EscapingAddress[] {
  const out: EscapingAddress[] = [];
  for (const unary of decl.descendantsOfType('unary_expression')) {
    if (!unary || unary.childForFieldName('operator')?.text !== '&') continue;
    const operand = unary.childForFieldName('operand');
    if (!operand || (operand.type !== 'identifier' && operand.type !== 'selector_expression')) continue;
    const root = rootIdentifier(operand);
    const binding = root && scopes.bindingOf(root);
    if (!binding || !isSharedLoopVariable(binding)) continue;
    // `&v.f` is an address inside v only when v is not a pointer; then it points into *v instead.
    // `&v.p.f` may point through a pointer field p into memory v does not hold: not counted.
    if (operand.type === 'selector_expression' && (operand.childForFieldName('operand')?.type !== 'identifier' || !isCertainlyNotPointer(binding, scopes, pkg))) continue;
    const loop = loopOf(binding)!;
    const body = bodyOf(loop);
    if (!body || !within(body, unary)) continue;
    const lifetime = new LifetimeAnalysis(scopes, body, loop).ofAddress(unary);
    if (lifetime) out.push({ variable: { binding, loop, body }, address: unary, lifetime });
  }
  return out;
}

/**
 * Method values `v.m` of a pointer-receiver method: they bind `&v`, an implicit address, and are
 * recognised when v's type is certain and m is declared in the package with a pointer receiver.
 */
export function escapingMethodValues(decl: Node, scopes: DeclScopes, pkg: PackageScope, otherFiles: PackageView | undefined): EscapingAddress[] {
  const out: EscapingAddress[] = [];
  for (const selector of decl.descendantsOfType('selector_expression')) {
    if (!selector) continue;
    const parent = selector.parent;
    // A call binds &v only for its duration, unless the call itself is started with go or deferred.
    const called = parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === selector.id;
    const later = called ? parent.parent : null;
    if (called && later?.type !== 'go_statement' && later?.type !== 'defer_statement') continue;
    const operand = selector.childForFieldName('operand');
    const binding = operand?.type === 'identifier' ? scopes.bindingOf(operand) : undefined;
    if (!binding || !isSharedLoopVariable(binding)) continue;
    const type = loopVariableType(binding, scopes, pkg);
    if (!type || !hasPointerMethod(type, selector.childForFieldName('field')?.text ?? '', pkg, otherFiles)) continue;
    const loop = loopOf(binding)!;
    const body = bodyOf(loop);
    if (!body || !within(body, selector)) continue;
    if (later) {
      if (later.type === 'defer_statement' && !sameFunction(later, loop)) continue;
      if (leavesLoop(later, loop)) continue;
      const how = later.type === 'go_statement' ? 'started with go' : 'deferred until the function returns';
      out.push({ variable: { binding, loop, body }, address: selector, lifetime: { how: `a pointer-receiver method call (it holds &${binding.name}) ${how}` } });
      continue;
    }
    const lifetime = new LifetimeAnalysis(scopes, body, loop).ofAddress(selector);
    if (lifetime) out.push({ variable: { binding, loop, body }, address: selector, lifetime: { how: `a method value with a pointer receiver (it holds &${binding.name}) ${lifetime.how}` } });
  }
  return out;
}

/** A loop variable whose type is written in the source and is not a pointer (or a map, slice, …). */
function isCertainlyNotPointer(b: Binding, scopes: DeclScopes, pkg: PackageScope): boolean {
  const type = loopVariableType(b, scopes, pkg);
  return type !== undefined && /^[\p{L}_][\p{L}\p{Nd}_]*(\.[\p{L}_][\p{L}\p{Nd}_]*)?$/u.test(type) && pkg.lookup(type)?.kind !== 'import';
}
