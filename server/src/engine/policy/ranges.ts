// Where a diagnostic is drawn: on one line, on the part of the node that names it. A func literal of
// forty lines, or a call whose arguments run over ten, underlined whole hides the code it is about.
import type { Node } from 'web-tree-sitter';

export interface OffsetRange {
  start: number;
  end: number;
}

/** The node's own range when it fits on one line; otherwise the part that names it, on its first line. */
export function headRange(node: Node): OffsetRange {
  if (node.startPosition.row === node.endPosition.row) return { start: node.startIndex, end: node.endIndex };
  const head = headOf(node);
  if (head && head.startPosition.row === head.endPosition.row && head.startPosition.row === node.startPosition.row) {
    return { start: node.startIndex, end: head.endIndex };
  }
  if (head && head.startPosition.row === head.endPosition.row) return { start: head.startIndex, end: head.endIndex };
  return firstLine(node);
}

/** The part of a node that names it: `func`, a literal's type, a call's callee, a statement's keyword. */
function headOf(node: Node): Node | null {
  switch (node.type) {
    case 'func_literal':
      return node.child(0);
    case 'composite_literal':
      return node.childForFieldName('type');
    case 'unary_expression': {
      const operand = node.childForFieldName('operand');
      return operand?.type === 'composite_literal' ? operand.childForFieldName('type') : node.childForFieldName('operator');
    }
    case 'call_expression': {
      const fn = node.childForFieldName('function');
      if (fn && fn.startPosition.row !== fn.endPosition.row && fn.type === 'selector_expression') return fn.childForFieldName('field');
      return fn;
    }
    case 'defer_statement':
    case 'go_statement':
      return node.child(0);
    default:
      return null;
  }
}

/** The node from its start to the end of its first line, trailing spaces and an opening brace left out. */
function firstLine(node: Node): OffsetRange {
  const text = node.text;
  const lineEnd = text.search(/\r?\n/);
  const first = (lineEnd < 0 ? text : text.slice(0, lineEnd)).replace(/[\s{(]+$/, '');
  return { start: node.startIndex, end: node.startIndex + Math.max(1, first.length) };
}
