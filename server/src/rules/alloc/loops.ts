// Loops as the alloc/ rules see them: the innermost loop of the same function around a node, and
// whether a variable keeps its value across that loop.
import type { Node } from 'web-tree-sitter';

const FUNC_TYPES = new Set(['function_declaration', 'method_declaration', 'func_literal']);

export interface LoopAround {
  loop: Node;
  body: Node;
}

/** The innermost for statement whose body holds the node, without crossing a function boundary. */
export function innermostLoop(node: Node): LoopAround | undefined {
  let child = node;
  for (let p = node.parent; p; p = p.parent) {
    if (FUNC_TYPES.has(p.type)) return undefined;
    if (p.type === 'for_statement') {
      const body = p.childForFieldName('body');
      if (body && body.id === child.id) return { loop: p, body };
    }
    child = p;
  }
  return undefined;
}

/** Statements that leave a loop early: return, goto, and break/continue that target it. */
export function hasEarlyExit(loop: Node, body: Node): boolean {
  return leaves(loop, body, ['return_statement', 'goto_statement', 'break_statement', 'continue_statement']);
}

/** Whether a loop can end: a return, a goto, or a break that targets it. */
export function canEnd(loop: Node, body: Node): boolean {
  return leaves(loop, body, ['return_statement', 'goto_statement', 'break_statement']);
}

function leaves(loop: Node, body: Node, statements: string[]): boolean {
  const label = loop.parent?.type === 'labeled_statement' ? loop.parent.childForFieldName('label')?.text : undefined;
  for (const n of body.descendantsOfType(statements)) {
    if (!n || insideFuncLiteral(n, body)) continue;
    if (n.type === 'return_statement' || n.type === 'goto_statement') return true;
    const target = n.namedChild(0)?.text;
    if (target) {
      if (target === label) return true;
      continue;
    }
    if (nearestTarget(n, n.type === 'continue_statement')?.id === loop.id) return true;
  }
  return false;
}

function insideFuncLiteral(n: Node, stop: Node): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) if (p.type === 'func_literal') return true;
  return false;
}

/** The statement an unlabeled break (for, switch, select) or continue (for) applies to. */
function nearestTarget(n: Node, isContinue: boolean): Node | undefined {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'for_statement') return p;
    if (!isContinue && (p.type === 'expression_switch_statement' || p.type === 'type_switch_statement' || p.type === 'select_statement')) return p;
    if (FUNC_TYPES.has(p.type)) return undefined;
  }
  return undefined;
}

/** Whether the node runs in a loop iteration, as gohazard.escape.scope = loops means it. */
export function inLoopScope(node: Node): boolean {
  return innermostLoop(node) !== undefined;
}
