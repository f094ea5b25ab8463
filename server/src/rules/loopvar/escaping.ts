// The hazards of one declaration, shared by loopvar/capture, loopvar/address and
// loopvar/semantics-change: every reference to a shared loop variable from a closure that outlives the
// iteration, and every address of one that outlives it.
import type { Node } from 'web-tree-sitter';
import type { Binding, DeclScopes, PackageScope } from '../../engine/scope';
import { LifetimeAnalysis, Lifetime, rootIdentifier } from './lifetime';
import { contains, isSharedLoopVariable, loopOf, bodyOf, LoopVariable } from './loops';
import { hasPointerMethod, loopVariableType } from './types';
import type { PackageView } from '../../engine/packageIndex';

export interface Capture {
  variable: LoopVariable;
  literal: Node;
  lifetime: Lifetime;
  /** References to the variable inside the literal that run after the iteration may have ended. */
  refs: Node[];
}

export interface EscapingAddress {
  variable: LoopVariable;
  /** The `&v` or `&v.f` expression. */
  address: Node;
  lifetime: Lifetime;
}

/** Closures in the declaration that refer to a shared loop variable and may outlive its iteration. */
export function escapingCaptures(decl: Node, scopes: DeclScopes): Capture[] {
  const out: Capture[] = [];
  for (const literal of decl.descendantsOfType('func_literal')) {
    if (!literal) continue;
    const byLoop = new Map<number, LifetimeAnalysis>();
    const lifetimes = new Map<number, Lifetime | undefined>();
    for (const binding of scopes.bindings) {
      const loop = loopOf(binding);
      const body = loop && bodyOf(loop);
      if (!loop || !body || !contains(body, literal)) continue;
      const refs = binding.refs.filter((r) => contains(literal, r));
      if (refs.length === 0 || !isSharedLoopVariable(binding)) continue;
      if (!lifetimes.has(loop.id)) {
        const analysis = byLoop.get(loop.id) ?? new LifetimeAnalysis(scopes, body, loop);
        byLoop.set(loop.id, analysis);
        lifetimes.set(loop.id, analysis.ofFuncLiteral(literal));
      }
      const lifetime = lifetimes.get(loop.id);
      if (!lifetime) continue;
      const after = lifetime.after;
      const late = after ? refs.filter((r) => r.startIndex >= after.endIndex) : refs;
      if (late.length > 0) out.push({ variable: { binding, loop, body }, literal, lifetime, refs: late });
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
    if (operand.type === 'selector_expression' && !isCertainlyNotPointer(binding, scopes, pkg)) continue;
    const loop = loopOf(binding)!;
    const body = bodyOf(loop);
    if (!body || !contains(body, unary)) continue;
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
  const root = decl.parent;
  if (!root) return out;
  for (const selector of decl.descendantsOfType('selector_expression')) {
    if (!selector) continue;
    const parent = selector.parent;
    if (parent?.type === 'call_expression' && parent.childForFieldName('function')?.id === selector.id) continue;
    const operand = selector.childForFieldName('operand');
    const binding = operand?.type === 'identifier' ? scopes.bindingOf(operand) : undefined;
    if (!binding || !isSharedLoopVariable(binding)) continue;
    const type = loopVariableType(binding, scopes, pkg);
    if (!type || !hasPointerMethod(type, selector.childForFieldName('field')?.text ?? '', root, otherFiles)) continue;
    const loop = loopOf(binding)!;
    const body = bodyOf(loop);
    if (!body || !contains(body, selector)) continue;
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
