// The shape of a value handed to Put, decided from how it is written or declared: slicing gives a
// slice (or a string), `&…` a pointer, a composite literal its type, a literal its kind, a variable
// what it was declared or initialised with. Unknown when the source does not say.
import type { Node } from 'web-tree-sitter';
import type { DeclContext } from './declContext';
import { unparen } from './functions';
import { Shape, shapeOf } from './goTypes';

export interface ValueShape {
  shape: Shape;
  /** The value's type key, when known. */
  type?: string;
}

export function shapeOfValue(value: Node, dc: DeclContext): ValueShape {
  const v = unparen(value);
  if (!v) return { shape: 'unknown' };
  switch (v.type) {
    case 'nil':
      return { shape: 'interface' };
    case 'slice_expression': {
      const type = dc.typeOf(v);
      const operand = dc.typeOf(v.childForFieldName('operand'));
      return { shape: operand === 'string' ? 'string' : 'slice', type };
    }
    case 'unary_expression':
      if (v.childForFieldName('operator')?.type === '&') return { shape: 'pointer', type: dc.typeOf(v) };
      break;
    case 'func_literal':
      return { shape: 'func' };
  }
  const type = dc.typeOf(v);
  return { shape: shapeOf(type, dc.facts.namedType), type };
}
