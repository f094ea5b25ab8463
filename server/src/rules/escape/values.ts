// Which local variables are reassigned or have their address taken, and which expressions the
// compiler sees as constants. gc replaces a never-reassigned local holding a constant by the
// constant itself (ir.ReassignOracle.StaticValue, used by escape analysis' rewriteWithLiterals), so
// `k := 300; fmt.Println(k)` boxes a read-only constant and `size := 64; make([]byte, size)` has a
// constant size.
import type { Node } from 'web-tree-sitter';
import type { Binding } from '../../engine/scope';
import { under } from './goTypes';
import { TypeEnv, argsOf, stripParens } from './typeEnv';

export type Constness = 'const' | 'nonconst' | 'unknown';

const localKinds = new Set(['var', 'param', 'result', 'receiver', 'range', 'for', 'typeswitch', 'receive']);

export function isLocalVariable(b: Binding | undefined): b is Binding {
  return !!b && localKinds.has(b.kind) && b.scopeNode.type !== 'source_file';
}

/** Whether an identifier (a use of a variable) is written by its statement. */
export function isAssignedAt(ref: Node): boolean {
  const p = ref.parent;
  if (!p) return false;
  switch (p.type) {
    case 'inc_statement':
    case 'dec_statement':
      return true;
    case 'expression_list': {
      const gp = p.parent;
      if (!gp) return false;
      if (gp.type === 'assignment_statement' && gp.childForFieldName('left')?.id === p.id) return true;
      // A redeclaration in `a, err := f()` assigns the existing variable.
      if (gp.type === 'short_var_declaration' && gp.childForFieldName('left')?.id === p.id) return true;
      if (gp.type === 'range_clause' && gp.childForFieldName('left')?.id === p.id) return true;
      if (gp.type === 'receive_statement' && gp.childForFieldName('left')?.id === p.id) return true;
      return false;
    }
    default:
      return false;
  }
}

/** Whether the use takes the variable's address: `&v`, `&v.f`, `&v[i]` (array), `v[:]` (array). */
export function isAddressTakenAt(ref: Node, env: TypeEnv): boolean {
  let node = ref;
  for (;;) {
    const p = node.parent;
    if (!p) return false;
    if (p.type === 'parenthesized_expression') {
      node = p;
      continue;
    }
    if (p.type === 'selector_expression' && p.childForFieldName('operand')?.id === node.id) {
      // v.f is addressable through v only when v is not a pointer.
      const t = under(env.typeOf(node));
      if (t.kind === 'pointer') return false;
      node = p;
      continue;
    }
    if (p.type === 'index_expression' && p.childForFieldName('operand')?.id === node.id) {
      if (under(env.typeOf(node)).kind !== 'array') return false;
      node = p;
      continue;
    }
    if (p.type === 'slice_expression' && p.childForFieldName('operand')?.id === node.id) {
      return under(env.typeOf(node)).kind === 'array';
    }
    if (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '&') return true;
    return false;
  }
}

export class ValueFacts {
  private readonly reassigned = new Map<Binding, boolean>();

  constructor(private readonly env: TypeEnv) {}

  /** ir.Reassigned: assigned anywhere after its definition, or its address taken. */
  isReassigned(b: Binding): boolean {
    let r = this.reassigned.get(b);
    if (r === undefined) {
      r = b.kind === 'range' || b.refs.some((ref) => ref.id !== b.id.id && (isAssignedAt(ref) || isAddressTakenAt(ref, this.env)));
      this.reassigned.set(b, r);
    }
    return r;
  }

  /** Whether the compiler sees the expression as a constant (directly, or through never-reassigned locals). */
  constness(n: Node | null | undefined, depth = 0): Constness {
    if (!n || depth > 20) return 'unknown';
    const e = stripParens(n);
    if (this.env.constValue(e) !== undefined) return 'const';
    switch (e.type) {
      case 'int_literal':
      case 'float_literal':
      case 'imaginary_literal':
      case 'rune_literal':
      case 'interpreted_string_literal':
      case 'raw_string_literal':
      case 'true':
      case 'false':
      case 'nil':
      case 'iota':
        return 'const';
      case 'identifier': {
        const b = this.env.bindingOf(e);
        if (!b) {
          const facts = this.env.facts;
          if (facts?.vars.has(e.text) || facts?.hasFunc(e.text)) return 'nonconst';
          return 'unknown';
        }
        if (b.kind === 'const') return this.env.constValue(e) !== undefined ? 'const' : 'unknown';
        if (b.kind === 'func') return 'nonconst';
        if (b.scopeNode.type === 'source_file') return b.kind === 'var' ? 'nonconst' : 'unknown';
        if (!isLocalVariable(b)) return 'unknown';
        if (b.kind !== 'var' && b.kind !== 'for') return 'nonconst';
        if (this.isReassigned(b)) return 'nonconst';
        const init = definingValue(b);
        return init ? this.constness(init, depth + 1) : 'nonconst';
      }
      case 'unary_expression': {
        const op = e.childForFieldName('operator')?.text;
        if (op === '&' || op === '<-' || op === '*') return 'nonconst';
        return this.constness(e.childForFieldName('operand'), depth + 1);
      }
      case 'binary_expression': {
        const a = this.constness(e.childForFieldName('left'), depth + 1);
        const b = this.constness(e.childForFieldName('right'), depth + 1);
        if (a === 'nonconst' || b === 'nonconst') return 'nonconst';
        return a === 'const' && b === 'const' ? 'const' : 'unknown';
      }
      case 'call_expression': {
        const callee = this.env.calleeOf(e);
        const args = argsOf(e);
        if (callee.kind === 'conversion' && args.length === 1) {
          if (stripParens(args[0]).type === 'nil') return 'const';
          if (under(callee.type).kind !== 'basic') return 'nonconst';
          return this.constness(args[0], depth + 1);
        }
        if (callee.kind === 'builtin' && (callee.name === 'len' || callee.name === 'cap')) {
          const t = under(this.env.typeOf(args[0]));
          return t.kind === 'array' ? 'unknown' : 'nonconst';
        }
        if (callee.kind === 'builtin' && (callee.name === 'min' || callee.name === 'max')) {
          const all = args.map((a) => this.constness(a, depth + 1));
          if (all.includes('nonconst')) return 'nonconst';
          return all.every((c) => c === 'const') ? 'const' : 'unknown';
        }
        if (callee.kind === 'unknown') {
          // A same-package name we cannot see may be a type: T(c) is then constant.
          const fn = e.childForFieldName('function');
          if (fn?.type === 'identifier' && !this.env.bindingOf(fn)) return 'unknown';
          if (fn?.type === 'selector_expression' && fn.childForFieldName('operand')?.type === 'identifier' && this.env.importOfIdentifier(fn.childForFieldName('operand')!) !== undefined) return 'unknown';
        }
        return 'nonconst';
      }
      case 'selector_expression': {
        const operand = e.childForFieldName('operand');
        if (operand?.type === 'identifier' && this.env.importOfIdentifier(operand) !== undefined) return 'unknown';
        return 'nonconst';
      }
      case 'index_expression':
      case 'slice_expression':
      case 'type_assertion_expression':
      case 'composite_literal':
      case 'func_literal':
      case 'type_conversion_expression':
        return 'nonconst';
      default:
        return 'unknown';
    }
  }
}

/** The expression a `var`/`:=` binding is defined with, when it has exactly one. */
export function definingValue(b: Binding): Node | undefined {
  const d = b.declarator;
  let names: (Node | null)[] = [];
  let values: Node | null = null;
  if (d.type === 'short_var_declaration') {
    names = d.childForFieldName('left')?.namedChildren ?? [];
    values = d.childForFieldName('right');
  } else if (d.type === 'var_spec') {
    names = d.childrenForFieldName('name').filter((x) => x?.isNamed);
    values = d.childForFieldName('value');
  } else return undefined;
  if (!values) return undefined;
  const exprs = values.namedChildren.filter((x): x is Node => x !== null);
  if (exprs.length !== names.length) return undefined;
  const at = names.findIndex((n) => n?.id === b.id.id);
  return at >= 0 ? exprs[at] : undefined;
}
