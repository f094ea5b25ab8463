// Types and constant values of one top-level declaration's expressions, as far as its own text and
// the file's package-level declarations tell. A type declared in another file, a function's result
// or a constant from another package is `unknown`; rules then claim nothing that depends on it.
import type { Node } from 'web-tree-sitter';
import type { Binding, DeclScopes, PackageScope } from '../../engine/scope';
import { specsOf } from '../../engine/scope';
import {
  Field,
  GoType,
  NamedType,
  TYPEPARAM,
  UNKNOWN,
  basic,
  elemOf,
  fieldOf,
  isInterface,
  predeclaredType,
  under,
} from './goTypes';
import { PackageFacts, TypeDesc, funcFromSummary } from './packageFacts';
import { StdFunc, stdFunc, stdMethod, stdType } from './stdFacts';

export type ConstValue = bigint | boolean | string | number;

const builtinFuncs = new Set([
  'append', 'cap', 'clear', 'close', 'complex', 'copy', 'delete', 'imag', 'len', 'make', 'max', 'min', 'new', 'panic',
  'print', 'println', 'real', 'recover',
]);

/** The callee of a call as far as it can be named. */
export type Callee =
  | { kind: 'builtin'; name: string }
  | { kind: 'conversion'; type: GoType }
  | { kind: 'std'; fn: StdFunc; name: string; recv?: Node; recvType?: GoType }
  | { kind: 'interfaceMethod'; recv: Node; name: string }
  | { kind: 'funcValue'; name: string }
  | { kind: 'funcLiteral'; lit: Node }
  | { kind: 'unknown' };

export class TypeEnv {
  private readonly namedBySpec = new Map<number, GoType>();
  private readonly bindingTypes = new Map<Binding, GoType>();
  private readonly resolving = new Set<Binding>();
  private readonly localTypeSpecs = new Map<string, Node>();
  private readonly typeParams = new Set<string>();
  private readonly namedFromFacts = new Map<string, GoType>();
  private readonly funcsFromFacts = new Map<string, StdFunc>();
  private readonly constGroups = new Map<number, { indexOf: Map<number, number>; valueSpec: (Node | undefined)[] }>();
  /** Values of binary expressions evaluated from depth 0, by node id (see binaryConst). */
  private readonly binaryValues = new Map<number, ConstValue | undefined>();

  constructor(
    readonly decl: Node,
    readonly scopes: DeclScopes,
    readonly pkg: PackageScope,
    localTypeSpecs: Node[],
    /** Facts about the other files of the package, when the host provides them. */
    readonly facts?: PackageFacts,
  ) {
    for (const spec of localTypeSpecs) {
      const name = spec.childForFieldName('name')?.text;
      if (name && !this.localTypeSpecs.has(name)) this.localTypeSpecs.set(name, spec);
    }
    this.collectTypeParams(decl);
  }

  private collectTypeParams(decl: Node): void {
    const tps = decl.childForFieldName('type_parameters');
    if (tps) for (const p of tps.namedChildren) for (const id of (p?.childrenForFieldName('name') ?? []).filter((x) => x?.isNamed)) if (id) this.typeParams.add(id.text);
    // A method of a generic type: func (s *Set[T]) ...
    const recv = decl.childForFieldName('receiver');
    if (recv) {
      for (const g of recv.descendantsOfType('type_arguments')) {
        for (const a of g?.namedChildren ?? []) if (a) for (const id of a.descendantsOfType('type_identifier')) if (id) this.typeParams.add(id.text);
      }
    }
  }

  get isGeneric(): boolean {
    return this.typeParams.size > 0;
  }

  // ---- type syntax

  typeOfTypeNode(n: Node | null | undefined, depth = 0): GoType {
    if (!n || depth > 24) return UNKNOWN;
    switch (n.type) {
      case 'type_identifier':
        return this.typeByName(n.text);
      case 'qualified_type': {
        const pkgName = n.childForFieldName('package')?.text ?? '';
        const name = n.childForFieldName('name')?.text ?? '';
        const path = this.importPathOf(pkgName);
        if (path === 'unsafe' && name === 'Pointer') return basic('unsafe.Pointer');
        return (path !== undefined && stdType(path, name)) || UNKNOWN;
      }
      case 'pointer_type':
        return { kind: 'pointer', elem: this.typeOfTypeNode(n.namedChild(0), depth + 1) };
      case 'slice_type':
        return { kind: 'slice', elem: this.typeOfTypeNode(n.childForFieldName('element'), depth + 1) };
      case 'array_type': {
        const len = this.constValue(n.childForFieldName('length'));
        return { kind: 'array', len: typeof len === 'bigint' ? Number(len) : undefined, elem: this.typeOfTypeNode(n.childForFieldName('element'), depth + 1) };
      }
      case 'implicit_length_array_type':
        return { kind: 'array', len: undefined, elem: this.typeOfTypeNode(n.childForFieldName('element'), depth + 1) };
      case 'map_type':
        return { kind: 'map', key: this.typeOfTypeNode(n.childForFieldName('key'), depth + 1), value: this.typeOfTypeNode(n.childForFieldName('value'), depth + 1) };
      case 'channel_type':
        return { kind: 'chan', elem: this.typeOfTypeNode(n.childForFieldName('value'), depth + 1) };
      case 'function_type':
        return this.funcType(n, depth);
      case 'interface_type':
        return { kind: 'interface', empty: n.namedChildCount === 0 };
      case 'struct_type':
        return { kind: 'struct', fields: this.structFields(n, depth) };
      case 'parenthesized_type':
        return this.typeOfTypeNode(n.namedChild(0), depth + 1);
      case 'generic_type': {
        // Instantiated generic type: its underlying type mentions type parameters we do not substitute.
        return UNKNOWN;
      }
      case 'negated_type':
      case 'type_elem':
        return UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  private funcType(n: Node, depth: number): GoType {
    const params: GoType[] = [];
    let variadic = false;
    for (const p of n.childForFieldName('parameters')?.namedChildren ?? []) {
      if (!p) continue;
      const t = this.typeOfTypeNode(p.childForFieldName('type'), depth + 1);
      if (p.type === 'variadic_parameter_declaration') variadic = true;
      const count = Math.max(1, p.childrenForFieldName('name').filter((x) => x?.isNamed).length);
      for (let i = 0; i < count; i++) params.push(p.type === 'variadic_parameter_declaration' ? { kind: 'slice', elem: t } : t);
    }
    const result = n.childForFieldName('result');
    const results: GoType[] = [];
    if (result?.type === 'parameter_list') {
      for (const p of result.namedChildren) {
        if (!p) continue;
        const t = this.typeOfTypeNode(p.childForFieldName('type'), depth + 1);
        const count = Math.max(1, p.childrenForFieldName('name').filter((x) => x?.isNamed).length);
        for (let i = 0; i < count; i++) results.push(t);
      }
    } else if (result) results.push(this.typeOfTypeNode(result, depth + 1));
    return { kind: 'func', params, results, variadic };
  }

  private structFields(n: Node, depth: number): Field[] {
    const fields: Field[] = [];
    const list = n.namedChildren.find((c) => c?.type === 'field_declaration_list');
    for (const f of list?.namedChildren ?? []) {
      if (!f || f.type !== 'field_declaration') continue;
      const typeNode = f.childForFieldName('type');
      const names = f.childrenForFieldName('name').filter((x): x is Node => x !== null && x.isNamed);
      if (names.length === 0) {
        // Embedded: `T`, `*T`, `pkg.T`.
        const pointer = f.children.some((c) => c?.type === '*');
        const t = this.typeOfTypeNode(typeNode, depth + 1);
        const name = (typeNode?.type === 'qualified_type' ? typeNode.childForFieldName('name')?.text : typeNode?.text) ?? '';
        fields.push({ name: name.replace(/\[.*$/, ''), type: pointer ? { kind: 'pointer', elem: t } : t, embedded: true });
      } else {
        const t = this.typeOfTypeNode(typeNode, depth + 1);
        for (const id of names) fields.push({ name: id.text, type: t, embedded: false });
      }
    }
    return fields;
  }

  typeByName(name: string): GoType {
    if (this.typeParams.has(name)) return TYPEPARAM;
    const local = this.localTypeSpecs.get(name);
    if (local) return this.namedFromSpec(local);
    const b = this.pkg.lookup(name);
    if (b?.kind === 'type') return this.namedFromSpec(b.declarator);
    if (b) return UNKNOWN;
    return predeclaredType(name) ?? this.typeFromFacts(name);
  }

  /** A type declared in another file of the package. */
  private typeFromFacts(name: string): GoType {
    const cached = this.namedFromFacts.get(name);
    if (cached) return cached;
    const desc = this.facts?.types.get(name);
    if (!desc) return UNKNOWN;
    if (desc.k === 'alias') {
      this.namedFromFacts.set(name, UNKNOWN);
      const t = this.typeFromDesc(desc.t);
      this.namedFromFacts.set(name, t);
      return t;
    }
    let underlying: GoType | undefined;
    let busy = false;
    const named: NamedType = {
      kind: 'named',
      name,
      pkg: '',
      pointerMethods: this.facts?.pointerMethods(name),
      underlying: () => {
        if (underlying) return underlying;
        if (busy) return UNKNOWN;
        busy = true;
        underlying = under(this.typeFromDesc(desc));
        busy = false;
        return underlying;
      },
    };
    this.namedFromFacts.set(name, named);
    return named;
  }

  typeFromDesc(d: TypeDesc, depth = 0): GoType {
    if (depth > 24) return UNKNOWN;
    switch (d.k) {
      case 'name':
        return this.typeByName(d.n);
      case 'q':
        if (d.p === 'unsafe' && d.n === 'Pointer') return basic('unsafe.Pointer');
        return stdType(d.p, d.n) ?? UNKNOWN;
      case 'ptr':
        return { kind: 'pointer', elem: this.typeFromDesc(d.e, depth + 1) };
      case 'slice':
        return { kind: 'slice', elem: this.typeFromDesc(d.e, depth + 1) };
      case 'array':
        return { kind: 'array', len: d.len ?? undefined, elem: this.typeFromDesc(d.e, depth + 1) };
      case 'map':
        return { kind: 'map', key: this.typeFromDesc(d.key, depth + 1), value: this.typeFromDesc(d.v, depth + 1) };
      case 'chan':
        return { kind: 'chan', elem: this.typeFromDesc(d.e, depth + 1) };
      case 'func':
        return { kind: 'func', params: d.ps.map((p) => this.typeFromDesc(p, depth + 1)), results: d.rs.map((r) => this.typeFromDesc(r, depth + 1)), variadic: d.va };
      case 'iface':
        return { kind: 'interface', empty: d.empty };
      case 'struct':
        return { kind: 'struct', fields: d.fs.map((f) => ({ name: f.n, type: this.typeFromDesc(f.t, depth + 1), embedded: f.emb })) };
      default:
        return UNKNOWN;
    }
  }

  /** A function declared in another file of the package, with its escape tags. */
  factsFunc(name: string): StdFunc | undefined {
    return this.factsSummary(name, this.facts?.func(name));
  }

  /** A method of a type of this package declared in another file. */
  factsMethod(typeName: string, method: string): StdFunc | undefined {
    const key = `${typeName}.${method}`;
    return this.factsSummary(key, this.facts?.method(key));
  }

  private factsSummary(key: string, s: import('./packageFacts').FuncSummary | undefined): StdFunc | undefined {
    if (!s) return undefined;
    let f = this.funcsFromFacts.get(key);
    if (!f) {
      f = funcFromSummary(s, (d) => this.typeFromDesc(d));
      this.funcsFromFacts.set(key, f);
    }
    return f;
  }

  /** Whether an unresolved name is a package-level variable of another file. */
  isPackageVar(name: string): boolean {
    return !!this.facts?.vars.has(name);
  }

  private namedFromSpec(spec: Node): GoType {
    const cached = this.namedBySpec.get(spec.id);
    if (cached) return cached;
    const typeNode = spec.childForFieldName('type');
    if (spec.type === 'type_alias') {
      // Guard against `type A = A`.
      this.namedBySpec.set(spec.id, UNKNOWN);
      const t = this.typeOfTypeNode(typeNode);
      this.namedBySpec.set(spec.id, t);
      return t;
    }
    if (spec.childForFieldName('type_parameters')) {
      this.namedBySpec.set(spec.id, UNKNOWN);
      return UNKNOWN;
    }
    let underlying: GoType | undefined;
    let busy = false;
    const named: NamedType = {
      kind: 'named',
      name: spec.childForFieldName('name')?.text ?? '',
      pkg: '',
      pointerMethods: this.facts?.pointerMethods(spec.childForFieldName('name')?.text ?? ''),
      underlying: () => {
        if (underlying) return underlying;
        if (busy) return UNKNOWN;
        busy = true;
        underlying = under(this.typeOfTypeNode(typeNode));
        busy = false;
        return underlying;
      },
    };
    this.namedBySpec.set(spec.id, named);
    return named;
  }

  /** The import path a package name refers to in this file, or undefined. */
  importPathOf(name: string): string | undefined {
    const b = this.pkg.lookup(name);
    return b?.kind === 'import' ? b.importPath : undefined;
  }

  /** The import path when `id` is a package name (not shadowed by a local). */
  importOfIdentifier(id: Node): string | undefined {
    if (id.type !== 'identifier') return undefined;
    if (this.scopes.bindingOf(id)) {
      const b = this.scopes.bindingOf(id)!;
      return b.kind === 'import' ? b.importPath : undefined;
    }
    return this.importPathOf(id.text);
  }

  /** The binding an identifier refers to, local or package-level (undefined for universe names and other files). */
  bindingOf(id: Node): Binding | undefined {
    return this.scopes.bindingOf(id) ?? (id.type === 'identifier' ? this.pkg.lookup(id.text) : undefined);
  }

  // ---- constants

  /** Value of a constant expression: integers as bigint, booleans, strings; undefined when not (known to be) constant. */
  constValue(n: Node | null | undefined, iota?: number, depth = 0): ConstValue | undefined {
    if (!n || depth > 40) return undefined;
    switch (n.type) {
      case 'int_literal':
        return parseIntLiteral(n.text);
      case 'true':
        return true;
      case 'false':
        return false;
      case 'iota':
        return iota === undefined ? undefined : BigInt(iota);
      case 'interpreted_string_literal':
      case 'raw_string_literal':
        return stringLiteralValue(n);
      case 'rune_literal': {
        const r = runeValue(n.text);
        return r === undefined ? undefined : BigInt(r);
      }
      case 'float_literal':
        return Number(n.text.replace(/_/g, ''));
      case 'parenthesized_expression':
        return this.constValue(n.namedChild(0), iota, depth + 1);
      case 'identifier': {
        const b = this.bindingOf(n);
        if (!b) {
          const c = this.facts?.consts.get(n.text);
          if (!c) return undefined;
          return c.kind === 'int' ? BigInt(c.v as string) : c.kind === 'float' ? Number(c.v) : c.v;
        }
        if (b.kind !== 'const') return undefined;
        return this.constOfSpec(b, depth + 1);
      }
      case 'unary_expression': {
        const op = n.childForFieldName('operator')?.text;
        const v = this.constValue(n.childForFieldName('operand'), iota, depth + 1);
        if (v === undefined) return undefined;
        if (op === '-' && typeof v === 'bigint') return -v;
        if (op === '-' && typeof v === 'number') return -v;
        if (op === '+') return v;
        if (op === '!' && typeof v === 'boolean') return !v;
        if (op === '^' && typeof v === 'bigint') return ~v;
        return undefined;
      }
      case 'binary_expression':
        return this.binaryConst(n, iota, depth);
      case 'call_expression': {
        const fn = n.childForFieldName('function');
        const args = n.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
        if (fn?.type === 'identifier' && !this.bindingOf(fn)) {
          if (fn.text === 'len' && args.length === 1) {
            const v = this.constValue(args[0], iota, depth + 1);
            if (typeof v === 'string') return BigInt(Buffer.byteLength(v, 'utf8'));
            const t = under(this.typeOf(args[0]));
            if (t.kind === 'array' && t.len !== undefined && !this.hasCallOrReceive(args[0])) return BigInt(t.len);
            if (t.kind === 'pointer') {
              const e = under(t.elem);
              if (e.kind === 'array' && e.len !== undefined && !this.hasCallOrReceive(args[0])) return BigInt(e.len);
            }
            return undefined;
          }
          // Conversions of constants to basic types keep them constant.
          if (predeclaredType(fn.text)?.kind === 'basic' && args.length === 1) return this.constValue(args[0], iota, depth + 1);
        }
        if (fn?.type === 'identifier' && args.length === 1) {
          const t = this.typeByName(fn.text);
          if (under(t).kind === 'basic' && this.pkg.lookup(fn.text)?.kind === 'type') return this.constValue(args[0], iota, depth + 1);
        }
        return undefined;
      }
      case 'type_conversion_expression':
        return undefined;
      default:
        return undefined;
    }
  }

  private hasCallOrReceive(n: Node): boolean {
    return n.descendantsOfType(['call_expression', 'unary_expression']).some((d) => d?.type === 'call_expression' || d?.childForFieldName('operator')?.text === '<-');
  }

  /**
   * Walks the left operands of a chain (`a + b + c + …` nests to the left) iteratively, evaluating from
   * the innermost out: the model asks for the value of every sub-expression, and recursing down the
   * chain from each of them made a chain of n operands cost n² node visits (fuzzing: 950 operands took
   * seconds). A right operand is evaluated one level deeper, wherever it sits in the chain, so the
   * value of a link evaluated from depth 0 is what a direct evaluation from depth 0 gives: those are
   * remembered, and a later evaluation of any link from depth 0 costs nothing.
   */
  private binaryConst(n: Node, iota: number | undefined, depth: number): ConstValue | undefined {
    const memo = iota === undefined && depth === 0 ? this.binaryValues : undefined;
    if (memo?.has(n.id)) return memo.get(n.id);
    const chain: Node[] = [];
    let left: Node | null = n;
    while (left?.type === 'binary_expression' && !memo?.has(left.id)) {
      chain.push(left);
      left = left.childForFieldName('left');
    }
    let value = left && memo?.has(left.id) ? memo.get(left.id) : this.constValue(left, iota, depth + 1);
    for (let i = chain.length - 1; i >= 0; i--) {
      if (value !== undefined) {
        const right = this.constValue(chain[i].childForFieldName('right'), iota, depth + 1);
        value = right === undefined ? undefined : binaryValue(chain[i].childForFieldName('operator')?.text, value, right);
      }
      memo?.set(chain[i].id, value);
    }
    return value;
  }

  /** The value of a const binding, following Go's implicit repetition of the previous spec in a group. */
  private constOfSpec(b: Binding, depth: number): ConstValue | undefined {
    const spec = b.declarator;
    if (spec.type !== 'const_spec') return undefined;
    const decl = spec.parent?.type === 'const_spec_list' ? spec.parent.parent : spec.parent;
    if (!decl) return undefined;
    const group = this.constGroup(decl);
    const index = group.indexOf.get(spec.id);
    const source = index === undefined ? undefined : group.valueSpec[index];
    if (index === undefined || !source) return undefined;
    const names = spec.childrenForFieldName('name').filter((x): x is Node => x !== null && x.isNamed);
    const at = names.findIndex((id) => id.id === b.id.id);
    const exprs = source.childForFieldName('value')!.namedChildren.filter((x): x is Node => x !== null);
    const typeNode = source.childForFieldName('type');
    if (typeNode && under(this.typeOfTypeNode(typeNode)).kind !== 'basic') return undefined;
    return this.constValue(exprs[at], index, depth + 1);
  }

  /**
   * A const declaration's specs by position, and for each the spec whose expression list it uses (its
   * own, or the last one before it): once per declaration, not per constant (syscall's blocks of
   * thousands of constants were quadratic).
   */
  private constGroup(decl: Node): { indexOf: Map<number, number>; valueSpec: (Node | undefined)[] } {
    let group = this.constGroups.get(decl.id);
    if (group) return group;
    const specs = specsOf(decl);
    const valueSpec: (Node | undefined)[] = [];
    let last: Node | undefined;
    for (const s of specs) {
      if (s.childForFieldName('value')) last = s;
      valueSpec.push(last);
    }
    group = { indexOf: new Map(specs.map((s, i) => [s.id, i])), valueSpec };
    this.constGroups.set(decl.id, group);
    return group;
  }

  // ---- expression types

  typeOfBinding(b: Binding): GoType {
    const cached = this.bindingTypes.get(b);
    if (cached) return cached;
    if (this.resolving.has(b)) return UNKNOWN;
    this.resolving.add(b);
    const t = this.computeBindingType(b);
    this.resolving.delete(b);
    this.bindingTypes.set(b, t);
    return t;
  }

  private computeBindingType(b: Binding): GoType {
    const d = b.declarator;
    switch (b.kind) {
      case 'param':
      case 'result':
      case 'receiver': {
        const t = this.typeOfTypeNode(d.childForFieldName('type'));
        return d.type === 'variadic_parameter_declaration' ? { kind: 'slice', elem: t } : t;
      }
      case 'var':
      case 'const': {
        if (d.type === 'var_spec' || d.type === 'const_spec') {
          const typeNode = d.childForFieldName('type');
          if (typeNode) return this.typeOfTypeNode(typeNode);
          if (d.type === 'const_spec') return this.untypedConstType(b);
          return this.typeOfAssigned(d.childForFieldName('value'), d.childrenForFieldName('name').filter((x) => x?.isNamed), b);
        }
        if (d.type === 'short_var_declaration') return this.typeOfAssigned(d.childForFieldName('right'), d.childForFieldName('left')?.namedChildren ?? [], b);
        return UNKNOWN;
      }
      case 'for':
        if (d.type === 'short_var_declaration') return this.typeOfAssigned(d.childForFieldName('right'), d.childForFieldName('left')?.namedChildren ?? [], b);
        return UNKNOWN;
      case 'range':
        return this.rangeVarType(b);
      case 'receive': {
        const right = d.childForFieldName('right');
        const ch = right?.type === 'unary_expression' ? right.childForFieldName('operand') : undefined;
        const names = d.childForFieldName('left')?.namedChildren ?? [];
        const at = names.findIndex((n) => n?.id === b.id.id);
        if (at === 1) return basic('bool');
        const t = ch ? under(this.typeOf(ch)) : UNKNOWN;
        return t.kind === 'chan' ? t.elem : UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }

  private untypedConstType(b: Binding): GoType {
    const v = this.constOfSpec(b, 0);
    if (typeof v === 'bigint') return basic('int', true);
    if (typeof v === 'boolean') return basic('bool', true);
    if (typeof v === 'string') return basic('string', true);
    if (typeof v === 'number') return basic('float64', true);
    return UNKNOWN;
  }

  /** Type of the variable `b` declared by `names = values`. */
  private typeOfAssigned(values: Node | null, names: (Node | null)[], b: Binding): GoType {
    if (!values) return UNKNOWN;
    const exprs = values.type === 'expression_list' ? values.namedChildren.filter((x): x is Node => x !== null) : [values];
    const at = names.findIndex((n) => n?.id === b.id.id);
    if (at < 0) return UNKNOWN;
    if (exprs.length === names.length) return defaultType(this.typeOf(exprs[at]));
    if (exprs.length === 1) {
      const e = stripParens(exprs[0]);
      if (e.type === 'call_expression') {
        const t = this.typeOf(e, true);
        if (t.kind === 'tuple') return t.types[at] ?? UNKNOWN;
        return UNKNOWN;
      }
      if (at === 1 && (e.type === 'type_assertion_expression' || e.type === 'index_expression' || (e.type === 'unary_expression' && e.childForFieldName('operator')?.text === '<-'))) return basic('bool');
      if (at === 0) return defaultType(this.typeOf(e));
    }
    return UNKNOWN;
  }

  private rangeVarType(b: Binding): GoType {
    const clause = b.declarator;
    const right = clause.childForFieldName('right');
    const names = clause.childForFieldName('left')?.namedChildren ?? [];
    const at = names.findIndex((n) => n?.id === b.id.id);
    if (!right || at < 0) return UNKNOWN;
    const t = under(this.typeOf(right));
    switch (t.kind) {
      case 'slice':
        return at === 0 ? basic('int') : t.elem;
      case 'array':
        return at === 0 ? basic('int') : t.elem;
      case 'pointer': {
        const e = under(t.elem);
        return e.kind === 'array' ? (at === 0 ? basic('int') : e.elem) : UNKNOWN;
      }
      case 'basic':
        if (t.name === 'string') return at === 0 ? basic('int') : basic('int32');
        if (t.name !== 'bool' && t.name !== 'unsafe.Pointer') return at === 0 ? defaultType(this.typeOf(right)) : UNKNOWN;
        return UNKNOWN;
      case 'map':
        return at === 0 ? t.key : t.value;
      case 'chan':
        return at === 0 ? t.elem : UNKNOWN;
      default:
        return UNKNOWN;
    }
  }

  /** The static type of an expression (a tuple for multi-value calls when `tuple` is set). */
  typeOf(n: Node | null | undefined, tuple = false, depth = 0): GoType {
    if (!n || depth > 40) return UNKNOWN;
    switch (n.type) {
      case 'identifier': {
        const b = this.bindingOf(n);
        if (!b) {
          const v = this.facts?.vars.get(n.text);
          if (v) return this.typeFromDesc(v);
          const c = this.facts?.consts.get(n.text);
          if (c) return c.t ? this.typeFromDesc(c.t) : basic(c.kind === 'int' ? 'int' : c.kind === 'float' ? 'float64' : c.kind, true);
          return UNKNOWN;
        }
        if (b.kind === 'func' || b.kind === 'import' || b.kind === 'type' || b.kind === 'typeparam') return UNKNOWN;
        return this.typeOfBinding(b);
      }
      case 'int_literal':
        return basic('int', true);
      case 'float_literal':
        return basic('float64', true);
      case 'imaginary_literal':
        return basic('complex128', true);
      case 'rune_literal':
        return basic('int32', true);
      case 'interpreted_string_literal':
      case 'raw_string_literal':
        return basic('string', true);
      case 'true':
      case 'false':
        return basic('bool', true);
      case 'nil':
        return { kind: 'nil' };
      case 'iota':
        return basic('int', true);
      case 'parenthesized_expression':
        return this.typeOf(n.namedChild(0), tuple, depth + 1);
      case 'composite_literal':
        return this.typeOfTypeNode(n.childForFieldName('type'));
      case 'func_literal':
        return this.funcType(n, 0);
      case 'unary_expression': {
        const op = n.childForFieldName('operator')?.text;
        const operand = n.childForFieldName('operand');
        if (op === '&') return { kind: 'pointer', elem: this.typeOf(operand, false, depth + 1) };
        if (op === '*') {
          const t = under(this.typeOf(operand, false, depth + 1));
          return t.kind === 'pointer' ? t.elem : UNKNOWN;
        }
        if (op === '!') return basic('bool');
        if (op === '<-') {
          const t = under(this.typeOf(operand, false, depth + 1));
          return t.kind === 'chan' ? t.elem : UNKNOWN;
        }
        return this.typeOf(operand, false, depth + 1);
      }
      case 'binary_expression': {
        const op = n.childForFieldName('operator')?.text ?? '';
        if (['==', '!=', '<', '<=', '>', '>=', '&&', '||'].includes(op)) return basic('bool', true);
        const l = this.typeOf(n.childForFieldName('left'), false, depth + 1);
        if (op === '<<' || op === '>>') return l;
        const r = this.typeOf(n.childForFieldName('right'), false, depth + 1);
        const typed = (t: GoType) => t.kind !== 'unknown' && !(t.kind === 'basic' && t.untyped);
        if (typed(l)) return l;
        if (typed(r)) return r;
        const isString = (t: GoType) => t.kind === 'basic' && t.name === 'string';
        // A string operand makes the result a string, whatever the other side is.
        if (op === '+' && (isString(l) || isString(r))) return basic('string', l.kind === 'basic' && r.kind === 'basic');
        if (l.kind === 'basic' && r.kind === 'basic') return widerUntyped(l, r);
        return UNKNOWN;
      }
      case 'selector_expression':
        return this.selectorType(n, depth);
      case 'index_expression': {
        const t = under(this.typeOf(n.childForFieldName('operand'), false, depth + 1));
        if (t.kind === 'map') return t.value;
        return elemOf(t);
      }
      case 'slice_expression': {
        const t = this.typeOf(n.childForFieldName('operand'), false, depth + 1);
        const u = under(t);
        if (u.kind === 'array') return { kind: 'slice', elem: u.elem };
        if (u.kind === 'pointer') {
          const e = under(u.elem);
          return e.kind === 'array' ? { kind: 'slice', elem: e.elem } : UNKNOWN;
        }
        if (u.kind === 'basic' && u.untyped) return basic('string');
        return t;
      }
      case 'type_assertion_expression':
        return this.typeOfTypeNode(n.childForFieldName('type'));
      case 'type_conversion_expression':
        return this.typeOfTypeNode(n.childForFieldName('type'));
      case 'call_expression': {
        const t = this.callType(n, depth);
        if (!tuple && t.kind === 'tuple') return t.types.length === 1 ? t.types[0] : UNKNOWN;
        return t;
      }
      default:
        return UNKNOWN;
    }
  }

  private selectorType(n: Node, depth: number): GoType {
    const operand = n.childForFieldName('operand');
    const field = n.childForFieldName('field')?.text ?? '';
    if (!operand) return UNKNOWN;
    if (operand.type === 'identifier' && this.importOfIdentifier(operand) !== undefined) return UNKNOWN;
    const t = this.typeOf(operand, false, depth + 1);
    return fieldOf(t, field) ?? UNKNOWN;
  }

  private callType(n: Node, depth: number): GoType {
    const callee = this.calleeOf(n);
    switch (callee.kind) {
      case 'builtin': {
        const args = argsOf(n);
        switch (callee.name) {
          case 'len':
          case 'cap':
          case 'copy':
            return basic('int');
          case 'new':
            return { kind: 'pointer', elem: this.typeOfTypeNode(args[0]) };
          case 'make':
            return this.typeOfTypeNode(args[0]);
          case 'append':
            return this.typeOf(args[0], false, depth + 1);
          case 'min':
          case 'max':
            return this.typeOf(args[0], false, depth + 1);
          case 'recover':
            return { kind: 'interface', empty: true };
          case 'real':
          case 'imag':
            return basic('float64');
          case 'complex':
            return basic('complex128');
          default:
            return UNKNOWN;
        }
      }
      case 'conversion':
        return callee.type;
      case 'std': {
        const rs = callee.fn.results;
        return rs.length === 1 ? rs[0] : { kind: 'tuple', types: rs };
      }
      case 'interfaceMethod':
      case 'funcValue':
      case 'unknown': {
        // Conventions too strong to doubt: Error() and String() return a string.
        const fn = n.childForFieldName('function');
        if (fn?.type === 'selector_expression' && argsOf(n).length === 0) {
          const name = fn.childForFieldName('field')?.text;
          if (name === 'Error' || name === 'String') return basic('string');
        }
        if (callee.kind === 'funcValue' || callee.kind === 'interfaceMethod') {
          const ft = fn ? under(this.typeOf(fn, false, depth + 1)) : UNKNOWN;
          if (ft.kind === 'func') return ft.results.length === 1 ? ft.results[0] : { kind: 'tuple', types: ft.results };
        }
        // A function of this file: its declared results, except generic ones and interfaces. gc often
        // knows an interface result's dynamic type once the function is inlined, and then calls its
        // methods directly (crypto/sha256.Sum256's New().Sum(…)); a model that took the interface
        // would claim that their arguments escape.
        const b = fn?.type === 'identifier' ? this.bindingOf(fn) : undefined;
        if (b?.kind === 'func' && b.declarator.type === 'function_declaration' && !b.declarator.childForFieldName('type_parameters')) {
          const ft = this.funcType(b.declarator, depth + 1);
          if (ft.kind === 'func' && !ft.results.some(isInterface)) return ft.results.length === 1 ? ft.results[0] : { kind: 'tuple', types: ft.results };
        }
        return UNKNOWN;
      }
      case 'funcLiteral': {
        const ft = this.funcType(callee.lit, 0);
        return ft.kind === 'func' ? (ft.results.length === 1 ? ft.results[0] : { kind: 'tuple', types: ft.results }) : UNKNOWN;
      }
    }
  }

  /** Classifies what a call expression calls. */
  calleeOf(call: Node): Callee {
    const fn = call.childForFieldName('function');
    if (!fn) return { kind: 'unknown' };
    const f = stripParens(fn);
    switch (f.type) {
      case 'identifier': {
        const b = this.bindingOf(f);
        if (!b) {
          if (builtinFuncs.has(f.text)) return { kind: 'builtin', name: f.text };
          const t = predeclaredType(f.text);
          if (t) return { kind: 'conversion', type: t };
          const pf = this.factsFunc(f.text);
          if (pf) return { kind: 'std', fn: pf, name: f.text };
          if (this.facts?.types.has(f.text)) return { kind: 'conversion', type: this.typeByName(f.text) };
          const v = this.facts?.vars.get(f.text);
          if (v && under(this.typeFromDesc(v)).kind === 'func') return { kind: 'funcValue', name: f.text };
          return { kind: 'unknown' };
        }
        if (b.kind === 'type') return { kind: 'conversion', type: this.typeByName(f.text) };
        if (b.kind === 'func' || b.kind === 'import') return { kind: 'unknown' };
        if (b.scopeNode.type === 'source_file') {
          const t = under(this.typeOfBinding(b));
          return t.kind === 'func' ? { kind: 'funcValue', name: f.text } : { kind: 'unknown' };
        }
        if (b.kind === 'param' || b.kind === 'result' || b.kind === 'receiver') {
          return under(this.typeOfBinding(b)).kind === 'func' ? { kind: 'funcValue', name: f.text } : { kind: 'unknown' };
        }
        return { kind: 'unknown' };
      }
      case 'selector_expression': {
        const operand = f.childForFieldName('operand');
        const name = f.childForFieldName('field')?.text ?? '';
        if (!operand) return { kind: 'unknown' };
        if (operand.type === 'identifier') {
          const path = this.importOfIdentifier(operand);
          if (path !== undefined) {
            const sf = stdFunc(path, name);
            if (sf) return { kind: 'std', fn: sf, name: `${operand.text}.${name}` };
            const st = stdType(path, name);
            if (st) return { kind: 'conversion', type: st };
            return { kind: 'unknown' };
          }
        }
        const recvType = this.typeOf(operand);
        const named = namedOf(recvType);
        if (named) {
          const m = named.pkg ? stdMethod(named, name) : this.factsMethod(named.name, name);
          if (m) return { kind: 'std', fn: m, name: `${named.name}.${name}`, recv: operand, recvType };
        }
        if (isInterface(recvType)) return { kind: 'interfaceMethod', recv: operand, name };
        const field = fieldOf(recvType, name);
        if (field && under(field).kind === 'func') return { kind: 'funcValue', name: f.text };
        return { kind: 'unknown' };
      }
      case 'func_literal':
        return { kind: 'funcLiteral', lit: f };
      case 'unary_expression':
      case 'pointer_type':
      case 'slice_type':
      case 'array_type':
      case 'map_type':
      case 'channel_type':
      case 'function_type':
      case 'interface_type':
      case 'qualified_type':
      case 'type_identifier':
        if (f.type === 'unary_expression') {
          // (*T)(x): a conversion to a pointer type when T names a type.
          const op = f.childForFieldName('operator')?.text;
          const inner = f.childForFieldName('operand');
          if (op === '*' && inner?.type === 'identifier' && this.bindingOf(inner)?.kind === 'type') return { kind: 'conversion', type: { kind: 'pointer', elem: this.typeByName(inner.text) } };
          return { kind: 'unknown' };
        }
        return { kind: 'conversion', type: this.typeOfTypeNode(f) };
      default:
        return { kind: 'unknown' };
    }
  }
}

/** The named type of T or *T. */
export function namedOf(t: GoType): NamedType | undefined {
  if (t.kind === 'named') return t;
  if (t.kind === 'pointer' && t.elem.kind === 'named') return t.elem;
  return undefined;
}

export function argsOf(call: Node): Node[] {
  return call.childForFieldName('arguments')?.namedChildren.filter((c): c is Node => c !== null) ?? [];
}

export function stripParens(n: Node): Node {
  let cur = n;
  while (cur.type === 'parenthesized_expression' && cur.namedChild(0)) cur = cur.namedChild(0)!;
  return cur;
}

/** The type a variable gets from an untyped constant (int, float64, rune, string, bool). */
export function defaultType(t: GoType): GoType {
  if (t.kind === 'basic' && t.untyped) return basic(t.name);
  if (t.kind === 'nil') return UNKNOWN;
  return t;
}

function widerUntyped(a: GoType, b: GoType): GoType {
  const rank = (t: GoType) => (t.kind === 'basic' ? ({ int32: 1, int: 0, float64: 2, complex128: 3 } as Record<string, number>)[t.name] ?? 0 : 0);
  return rank(a) >= rank(b) ? a : b;
}

function parseIntLiteral(text: string): bigint | undefined {
  const t = text.replace(/_/g, '');
  try {
    if (/^0[0-7]+$/.test(t)) return BigInt(`0o${t.slice(1)}`);
    if (/^0[oO]/.test(t)) return BigInt(`0o${t.slice(2)}`);
    return BigInt(t);
  } catch {
    return undefined;
  }
}

function stringLiteralValue(n: Node): string | undefined {
  if (n.type === 'raw_string_literal') return n.text.slice(1, -1).replace(/\r/g, '');
  const body = n.text.slice(1, -1);
  if (!body.includes('\\')) return body;
  try {
    return JSON.parse(`"${body.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b').replace(/\\'/g, "'")}"`) as string;
  } catch {
    return undefined;
  }
}

function runeValue(text: string): number | undefined {
  const body = text.slice(1, -1);
  if (!body.startsWith('\\')) return body.codePointAt(0);
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '\\': 92, "'": 39, '"': 34, '0': 0, a: 7, b: 8, f: 12, v: 11 };
  if (body.length === 2 && body[1] in simple) return simple[body[1]];
  if (/^\\x[0-9a-fA-F]{2}$/.test(body) || /^\\u[0-9a-fA-F]{4}$/.test(body) || /^\\U[0-9a-fA-F]{8}$/.test(body)) return parseInt(body.slice(2), 16);
  if (/^\\[0-7]{3}$/.test(body)) return parseInt(body.slice(1), 8);
  return undefined;
}

function binaryValue(op: string | undefined, a: ConstValue, b: ConstValue): ConstValue | undefined {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return b === 0n ? undefined : a / b;
      case '%': return b === 0n ? undefined : a % b;
      case '<<': return b > 4096n ? undefined : a << b;
      case '>>': return a >> b;
      case '&': return a & b;
      case '|': return a | b;
      case '^': return a ^ b;
      case '&^': return a & ~b;
      case '==': return a === b;
      case '!=': return a !== b;
      case '<': return a < b;
      case '<=': return a <= b;
      case '>': return a > b;
      case '>=': return a >= b;
    }
    return undefined;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') {
    switch (op) {
      case '&&': return a && b;
      case '||': return a || b;
      case '==': return a === b;
      case '!=': return a !== b;
    }
    return undefined;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    switch (op) {
      case '+': return a + b;
      case '==': return a === b;
      case '!=': return a !== b;
    }
  }
  return undefined;
}
