// alloc/string-concat-loop: a string declared before a loop and extended in it (s += x, s = s + x,
// s = x + s). Every iteration allocates a new string and copies everything built so far: O(n²)
// bytes. gc's -m output says nothing about `s += x`, so this is a pattern rule.
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { Rule, RuleContext } from '../../engine/rule';
import { under } from '../escape/goTypes';
import { isLocalVariable } from '../escape/values';
import { capture, typeEnvFor } from './context';
import { innermostLoop } from './loops';
import { within } from '../../engine/syntax';

export const stringConcatLoop: Rule = {
  id: 'alloc/string-concat-loop',
  summary: 'A string declared before a loop is concatenated inside it: each iteration copies the whole string.',
  help: 'Strings are immutable: `s += x` allocates a new string and copies all of s into it, so building a string over n iterations costs O(n²) bytes and n allocations. Declare a `strings.Builder` (or a []byte) before the loop, write the parts with WriteString, and take `b.String()` after the loop. Reported only when the variable is certainly a string: declared with a string literal, as `var s string`, or as a string parameter.',
  defaultSeverity: 'info',
  kind: 'cost',
  query: '(assignment_statement left: (expression_list . (identifier) @lhs .)) @assign',
  check(ctx: RuleContext, matches: QueryMatch[]) {
    const env = typeEnvFor(ctx);
    for (const m of matches) {
      const assign = capture(m, 'assign');
      const lhs = capture(m, 'lhs');
      if (!assign || !lhs) continue;
      const op = assign.childForFieldName('operator')?.text;
      const right = assign.childForFieldName('right')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
      if (right.length !== 1) continue;
      const b = ctx.scopes().bindingOf(lhs);
      if (!isLocalVariable(b)) continue;
      if (op === '=' && !concatenates(right[0], b, ctx)) continue;
      if (op !== '=' && op !== '+=') continue;
      const around = innermostLoop(assign);
      if (!around || within(around.loop, b.id)) continue;
      const t = under(env.typeOfBinding(b));
      if (t.kind !== 'basic' || t.name !== 'string' || t.untyped) continue;
      ctx.report({
        node: assign,
        message: `string ${b.name} is concatenated in a loop (each += copies it); use strings.Builder: declare \`var b strings.Builder\` before the loop, call b.WriteString inside it, and use b.String() after it`,
      });
    }
  },
  example: {
    hazard: `package example

func join(parts []string) string {
	s := ""
	for _, p := range parts {
		s += p
	}
	return s
}
`,
    fix: `package example

import "strings"

func join(parts []string) string {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(p)
	}
	return b.String()
}
`,
  },
};

/** `x + … + s + …`: the right side adds the variable itself as one of its operands. */
function concatenates(expr: Node, b: NonNullable<ReturnType<ReturnType<RuleContext['scopes']>['bindingOf']>>, ctx: RuleContext): boolean {
  const stack: Node[] = [expr];
  let plus = false;
  let self = false;
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'parenthesized_expression' && n.namedChild(0)) stack.push(n.namedChild(0)!);
    else if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '+') {
      plus = true;
      stack.push(n.childForFieldName('left')!, n.childForFieldName('right')!);
    } else if (n.type === 'identifier' && ctx.scopes().bindingOf(n) === b) self = true;
  }
  return plus && self;
}
