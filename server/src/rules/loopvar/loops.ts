// Loop variables: which bindings are per-loop variables and where they are modified.
import type { Node } from 'web-tree-sitter';
import type { Binding, DeclScopes } from '../../engine/scope';
import { enclosedByAny, enclosingFunction, within } from '../../engine/syntax';

/** The for_statement that declares a binding, when the binding is a range or 3-clause init variable. */
export function loopOf(b: Binding): Node | undefined {
  if (b.kind === 'range') return b.declarator.parent ?? undefined;
  if (b.kind === 'for') return b.declarator.parent?.parent ?? undefined;
  return undefined;
}

export function bodyOf(loop: Node): Node | undefined {
  return loop.childForFieldName('body') ?? undefined;
}

/** Whether an identifier is written: assigned, incremented or decremented, or has its address taken. */
export function isModification(ref: Node): boolean {
  let node = ref;
  // `&v.f` and `v.f = …` modify (or may modify) v as well.
  while (node.parent?.type === 'selector_expression' && node.parent.childForFieldName('operand')?.id === node.id) node = node.parent;
  const p = node.parent;
  if (!p) return false;
  switch (p.type) {
    case 'inc_statement':
    case 'dec_statement':
      return true;
    case 'unary_expression':
      return p.childForFieldName('operator')?.text === '&';
    case 'expression_list':
      return p.parent?.type === 'assignment_statement' && p.parent.childForFieldName('left')?.id === p.id;
    default:
      return false;
  }
}

/**
 * The variables a loop really shares between iterations before go1.22: range keys and values, and
 * 3-clause init variables that the loop modifies (an init variable never written is harmless).
 */
export function isSharedLoopVariable(b: Binding): boolean {
  if (b.kind === 'range') return true;
  if (b.kind !== 'for') return false;
  const loop = loopOf(b);
  return !!loop && b.refs.some((r) => within(loop, r) && isModification(r));
}

export interface LoopVariable {
  binding: Binding;
  loop: Node;
  body: Node;
}

/** Shared loop variables of enclosing loops whose body contains node. */
export function loopVariablesAround(node: Node, scopes: DeclScopes): LoopVariable[] {
  const out: LoopVariable[] = [];
  for (const binding of scopes.bindings) {
    const loop = loopOf(binding);
    const body = loop && bodyOf(loop);
    if (loop && body && within(body, node) && isSharedLoopVariable(binding)) out.push({ binding, loop, body });
  }
  return out;
}

/** Whether the body writes the variable anywhere (then a `v := v` copy would swallow the write). */
export function modifiedInBody(v: LoopVariable): boolean {
  return v.binding.refs.some((r) => within(v.body, r) && isModification(r));
}

export function sameFunction(a: Node, b: Node): boolean {
  return enclosingFunction(a)?.id === enclosingFunction(b)?.id;
}

/** Whether a node of decl sits in the body of one of its loops. */
export function inLoopBodyOf(decl: Node): (node: Node) => boolean {
  return enclosedByAny(decl.descendantsOfType('for_statement').flatMap((loop) => (loop && bodyOf(loop)) || []));
}

/**
 * What may keep a loop variable past its iteration: closures, addresses, and selectors that may be
 * method values (not called). The family's rules share it, so the grammar engine matches it once, and
 * each rule only asks whether any match is in a loop body (anyInLoopBody).
 */
export const CANDIDATES_QUERY = `
    (func_literal) @literal
    (unary_expression operator: "&" operand: [(identifier) (selector_expression)]) @address
    (argument_list (selector_expression) @value)
    (expression_list (selector_expression) @value)
    (literal_element (selector_expression) @value)
    (send_statement value: (selector_expression) @value)
    (go_statement (call_expression function: (selector_expression) @call))
    (defer_statement (call_expression function: (selector_expression) @call))`;

/** Whether any captured candidate of the query matches in decl sits in a loop body: else there is nothing to resolve. */
export function anyInLoopBody(decl: Node, matches: readonly { captures: readonly { node: Node }[] }[]): boolean {
  if (!matches.length) return false;
  const inLoopBody = inLoopBodyOf(decl);
  return matches.some((m) => m.captures.some((c) => inLoopBody(c.node)));
}
