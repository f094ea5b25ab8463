// Whether code writes a variable: the one answer the engine's layers share (the policy's loop
// invariance, the alloc/ rules). loopvar/ keeps its own narrower notion of a loop variable "modified by
// the loop" (loopvar/loops.ts isModification), which its go vet and go1.22 fixtures pin down.
import type { Node } from 'web-tree-sitter';
import type { Binding } from './scope';
import { within } from './syntax';

/** Whether a use of a variable writes it: assignment, `:=` redeclaration, ++/--, range assignment, or `&v`. */
export function writesVariable(ref: Node): boolean {
  let node = ref;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const p = node.parent;
  if (!p) return false;
  switch (p.type) {
    case 'inc_statement':
    case 'dec_statement':
      return true;
    case 'unary_expression':
      return p.childForFieldName('operator')?.text === '&';
    case 'expression_list': {
      const gp = p.parent;
      if (!gp) return false;
      const left = gp.childForFieldName('left');
      return left?.id === p.id && (gp.type === 'assignment_statement' || gp.type === 'short_var_declaration' || gp.type === 'range_clause' || gp.type === 'receive_statement');
    }
    case 'selector_expression':
    case 'index_expression':
    case 'slice_expression':
      // v.f = x, v[i] = x, &v.f, v[:]: writes through v when v is a value; treated as a write.
      return p.childForFieldName('operand')?.id === node.id && writesVariable(p);
    default:
      return false;
  }
}

/** Whether the binding is written anywhere inside `region` (other than by its own declaration). */
export function writtenWithin(b: Binding, region: Node): boolean {
  return b.refs.some((r) => r.id !== b.id.id && within(region, r) && writesVariable(r));
}

