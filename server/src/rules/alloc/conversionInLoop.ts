// alloc/conversion-in-loop: []byte(s) or string(b) of a value the loop never changes, used only for
// the duration of a call or as the key of a map write. The copy is made again on every iteration
// (runtime.stringtoslicebyte / slicebytetostring allocate beyond 32 bytes or when the result
// escapes) and could be made once before the loop. Map lookups m[string(b)], comparisons, switch
// tags and `for range []byte(s)` are left alone: the compiler does not copy for them; neither does it,
// from go1.22, for []byte(s) passed to a function of the package that does not modify it.
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { Binding } from '../../engine/scope';
import type { Rule, RuleContext } from '../../engine/rule';
import { under } from '../escape/goTypes';
import { stripParens } from '../escape/typeEnv';
import { isLocalVariable } from '../escape/values';
import { capture, typeEnvFor } from './context';
import { writtenWithin } from '../../engine/writes';
import { innermostLoop } from './loops';
import { within } from '../../engine/syntax';

/** Calls whose arguments are kept or that the compiler handles without a copy. */
const builtins = new Set(['append', 'copy', 'len', 'cap', 'print', 'println', 'panic', 'delete', 'min', 'max']);

export const conversionInLoop: Rule = {
  id: 'alloc/conversion-in-loop',
  summary: 'A []byte(s) or string(b) conversion of a loop-invariant value is repeated on every iteration.',
  help: 'Converting between string and []byte copies the bytes (and allocates when the result is longer than 32 bytes or escapes). When the converted variable does not change inside the loop and the result is only passed to a call or used as the key of a map write, convert once before the loop and reuse the result, provided the callee neither keeps nor modifies the slice. Not reported: map lookups `m[string(b)]`, comparisons, switch tags and `for range []byte(s)`, which the compiler performs without copying, `[]byte(s)` passed to a function of the package (from go1.22 the compiler passes the string\'s own bytes when the function neither keeps nor modifies them), and results that are stored (hoisting would make them share one array).',
  defaultSeverity: 'info',
  kind: 'cost',
  query: '(type_conversion_expression type: (slice_type element: (type_identifier) @elem) operand: (_) @x) @conv\n(call_expression function: (identifier) @fn arguments: (argument_list . (_) @x .) (#eq? @fn "string")) @conv',
  check(ctx: RuleContext, matches: QueryMatch[]) {
    const env = typeEnvFor(ctx);
    for (const m of matches) {
      const conv = capture(m, 'conv');
      const xNode = capture(m, 'x');
      if (!conv || !xNode) continue;
      const toBytes = conv.type === 'type_conversion_expression';
      if (toBytes) {
        const elem = capture(m, 'elem')?.text;
        if (elem !== 'byte' && elem !== 'uint8') continue;
      } else {
        const fn = capture(m, 'fn');
        if (!fn || env.bindingOf(fn)) continue;
      }
      const x = stripParens(xNode);
      if (x.type !== 'identifier') continue;
      const b = ctx.scopes().bindingOf(x);
      if (!isLocalVariable(b)) continue;
      const t = under(env.typeOf(x));
      if (toBytes ? !(t.kind === 'basic' && t.name === 'string' && !t.untyped) : !(t.kind === 'slice' && isByte(t.elem))) continue;
      const around = innermostLoop(conv);
      if (!around || !invariant(b, around.loop)) continue;
      if (!transientUse(conv, env.bindingOf.bind(env), ctx)) continue;
      if (toBytes && ctx.file.toolchainMinor >= 22 && mayShareBytes(conv, env.bindingOf.bind(env))) continue;
      const text = toBytes ? `[]byte(${x.text})` : `string(${x.text})`;
      ctx.report({
        node: conv,
        message: `${text} converts a loop-invariant value on every iteration; hoist it before the loop (convert once into a variable declared before the for statement) if the callee neither keeps nor modifies the result`,
        hoistable: true,
      });
    }
  },
  example: {
    hazard: `package example

import "bytes"

func countMatches(lines [][]byte, word string) int {
	n := 0
	for _, line := range lines {
		if bytes.Contains(line, []byte(word)) {
			n++
		}
	}
	return n
}
`,
    fix: `package example

import "bytes"

func countMatches(lines [][]byte, word string) int {
	w := []byte(word)
	n := 0
	for _, line := range lines {
		if bytes.Contains(line, w) {
			n++
		}
	}
	return n
}
`,
  },
};

function isByte(t: ReturnType<typeof under>): boolean {
  const u = under(t);
  return u.kind === 'basic' && u.name === 'uint8';
}

/** Declared outside the loop and never written inside it. */
function invariant(b: Binding, loop: Node): boolean {
  return !within(loop, b.id) && !writtenWithin(b, loop);
}

/** A call argument (not of a builtin) or the key of a map element being written. */
function transientUse(conv: Node, bindingOf: (n: Node) => Binding | undefined, ctx: RuleContext): boolean {
  let n = conv;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const p = n.parent;
  if (!p) return false;
  if (p.type === 'argument_list') {
    const call = p.parent;
    const fn = call?.childForFieldName('function');
    if (!call || !fn) return false;
    if (fn.type === 'identifier' && builtins.has(fn.text) && !bindingOf(fn)) return false;
    return true;
  }
  if (p.type === 'index_expression' && p.childForFieldName('index')?.id === n.id) {
    const operand = p.childForFieldName('operand');
    const mt = operand ? under(typeEnvFor(ctx).typeOf(operand)) : undefined;
    if (mt?.kind !== 'map') return false;
    return isWriteTarget(p);
  }
  return false;
}

/**
 * From go1.22, gc passes a function of the package the string's own bytes when the function neither
 * keeps nor modifies them (`-m`: "zero-copy string->[]byte conversion"): no copy to hoist. It needs
 * the callee's body, so methods through interfaces, function values and assembly still copy.
 */
function mayShareBytes(conv: Node, bindingOf: (n: Node) => Binding | undefined): boolean {
  let n = conv;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const fn = n.parent?.type === 'argument_list' ? n.parent.parent?.childForFieldName('function') : undefined;
  if (fn?.type !== 'identifier') return false;
  const b = bindingOf(fn);
  // Unbound: declared in another file of the package.
  return !b || b.kind === 'func';
}

function isWriteTarget(n: Node): boolean {
  const p = n.parent;
  if (!p) return false;
  if (p.type === 'inc_statement' || p.type === 'dec_statement') return true;
  if (p.type === 'expression_list') {
    const gp = p.parent;
    return gp?.type === 'assignment_statement' && gp.childForFieldName('left')?.id === p.id;
  }
  return false;
}
