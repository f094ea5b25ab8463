// toolchain/language-feature: syntax the file's Go version does not have yet, which the compiler rejects
// with "… requires go1.N or later". Only what the syntax tree (plus name resolution and the few types
// written in the file) makes certain: type aliases (1.9); 0b/0o/hex-float literals, digit separators
// and signed shift counts (1.13); slice-to-array-pointer conversions and unsafe.Add/Slice (1.17);
// type parameters, instantiations, `any`, `comparable` and constraint elements (1.18);
// slice-to-array conversions and unsafe.SliceData/String/StringData (1.20); the min, max and clear
// built-ins (1.21); range over an integer (1.22) and over a function (1.23); generic type aliases
// (1.24); new with an expression operand (1.26). Version thresholds and compiler messages are
// listed, with the evidence, in server/src/toolchain/languageFeatures.md.
//
// Candidates frequent in modern code but relevant only to old files (every type argument, index
// expression, literal and identifier) are not in the registered query: a query of their own runs only
// in files below go1.18 / go1.13, and names are found by scanning the declaration's text.
import type { Node, QueryMatch } from 'web-tree-sitter';
import type { Rule, RuleContext } from '../../engine/rule';
import { languageVersion } from '../../toolchain/goVersion';
import { TypeEnv, isPredeclared, typeOfExpr } from './certainTypes';
import { nameResolver } from './nameResolver';
import { escapeRegExp, insideAny, scanNames } from './identifierScan';
import { PREDECLARED_INTEGER_TYPES, PackageNames, packageNamesIndexer } from './packageNames';
import { queryFor } from '../../engine/queryCache';
import { needsMessage, raiseGoModFixes } from './raiseGoVersion';
import { stdPackage } from './stdlibApi';

/** The newest language change the rule knows: files at this version or later have nothing to report. */
const NEWEST_FEATURE = 26;

const QUERY = `
[(function_declaration) (method_declaration) (var_declaration) (const_declaration) (type_declaration)] @decl
(type_alias) @alias
(range_clause right: (_) @rangeOver)
(call_expression function: (identifier) arguments: (argument_list (ERROR))) @newCall
(binary_expression operator: ["<<" ">>"] right: (_) @shiftCount)
(assignment_statement operator: ["<<=" ">>="] right: (expression_list . (_) @shiftCount))
(type_conversion_expression type: (array_type) operand: (_)) @toArray
(type_conversion_expression type: (parenthesized_type (pointer_type (array_type))) operand: (_)) @toArrayPointer
`;

/** Generics, run only in files below go1.18. */
const GENERICS_QUERY = `
(type_parameter_list) @typeParams
(generic_type) @generic
(type_instantiation_expression) @instantiation
(call_expression type_arguments: (_)) @instantiatingCall
(index_expression operand: (identifier) index: (identifier)) @index
(interface_type (type_elem) @elem)
`;

/** Go 1.13 number literals, run only in files below go1.13. */
const LITERALS_QUERY = `
((int_literal) @literal (#match? @literal "^0[bBoO]|_"))
((float_literal) @literal (#match? @literal "^0[xX]|_"))
((imaginary_literal) @literal (#match? @literal "^0[bBoOxX]|_"))
`;

const BUILTINS = /(min|max|clear)\s*\(/g;
const ANY_COMPARABLE = /(any|comparable)\b/g;

const TYPE_ONLY = new Set(['slice_type', 'map_type', 'array_type', 'channel_type', 'function_type', 'struct_type', 'interface_type', 'pointer_type', 'generic_type']);
const NON_INTERFACE_PREDECLARED = new Set([...PREDECLARED_INTEGER_TYPES.keys(), 'bool', 'string', 'float32', 'float64', 'complex64', 'complex128']);
/** Inside these, generic syntax belongs to an enclosing construct that is reported (or not) as a whole. */
const GENERIC_CONTEXT = new Set(['type_parameter_list', 'type_arguments']);
const NAME_NODES = new Set(['identifier', 'type_identifier']);
/** Parents under which a generic_type child is certainly a type (elsewhere it may be an index expression). */
const TYPE_PARENTS = new Set([
  'pointer_type', 'slice_type', 'map_type', 'channel_type', 'parenthesized_type', 'type_elem', 'negated_type', 'field_declaration', 'type_spec',
  'type_alias', 'parameter_declaration', 'variadic_parameter_declaration', 'type_assertion_expression', 'type_case', 'composite_literal', 'var_spec',
  'const_spec', 'function_type', 'method_elem', 'function_declaration', 'method_declaration', 'func_literal',
]);

export const languageFeature: Rule = {
  id: 'toolchain/language-feature',
  summary: 'Syntax that needs a newer Go language version than the file has: the build fails.',
  help:
    "The `go` line of go.mod (or a file's `//go:build go1.N` line) sets the language version the compiler accepts, and newer syntax fails to build with \"requires go1.N or later\": generics (go1.18), `min`/`max`/`clear` (go1.21), `range` over an integer (go1.22) or a function (go1.23), generic type aliases (go1.24), `new(expr)` (go1.26), and older changes such as `0b`/`0o` literals and digit separators (go1.13) or type aliases (go1.9). Reported only when the syntax is certain; a user-declared `min` is not the built-in. Raise the `go` line (the quick fix does) or rewrite the code for the older version.",
  defaultSeverity: 'error',
  kind: 'hazard',
  indexer: packageNamesIndexer,
  query: QUERY,
  appliesTo: (file) => file.goMinor < NEWEST_FEATURE,
  check(ctx: RuleContext, matches: QueryMatch[]) {
    new FeatureCheck(ctx).run(matches);
  },
  example: {
    goVersion: '1.20',
    hazard: `package example

func clamp(x, lo, hi int) int {
	return max(lo, min(x, hi))
}
`,
    fix: `package example

func clamp(x, lo, hi int) int {
	if x < lo {
		return lo
	}
	if x > hi {
		return hi
	}
	return x
}
`,
  },
};

class FeatureCheck {
  private envCache?: TypeEnv;

  constructor(private readonly ctx: RuleContext) {}

  private get minor(): number {
    return this.ctx.file.goMinor;
  }

  private get env(): TypeEnv {
    return (this.envCache ??= { resolve: nameResolver(this.ctx.decl, this.ctx.pkg, this.ctx.source.text), pkg: this.ctx.pkg, names: new PackageNames(this.ctx) });
  }

  private report(node: Node, what: string, needed: number): void {
    if (needed <= this.minor) return;
    this.ctx.report({ node, message: needsMessage(what, needed, this.ctx.file), fixes: raiseGoModFixes(this.ctx.file, needed), goVersion: languageVersion(needed) });
  }

  run(matches: QueryMatch[]): void {
    for (const m of matches) {
      for (const c of m.captures) this.candidate(c.name, c.node);
    }
    const decl = this.ctx.decl;
    if (this.minor < 18) {
      for (const m of queryFor(decl, GENERICS_QUERY).matches(decl)) for (const c of m.captures) this.generics(c.name, c.node);
      for (const { node } of scanNames(this.ctx, ANY_COMPARABLE)) this.anyOrComparable(node);
    }
    if (this.minor < 13) {
      for (const m of queryFor(decl, LITERALS_QUERY).matches(decl)) for (const c of m.captures) this.literal(c.node);
    }
    if (this.minor < 20) this.unsafeFunctions();
    if (this.minor < 21) {
      for (const { node } of scanNames(this.ctx, BUILTINS)) this.builtin(node);
    }
  }

  private candidate(capture: string, node: Node): void {
    switch (capture) {
      case 'alias':
        if (node.childForFieldName('type_parameters')) {
          // go1.23 accepted it only with GOEXPERIMENT=aliastypeparams; the spec and go1.24 make it standard.
          this.report(node, 'generic type alias', 24);
        } else {
          this.report(node, 'type alias', 9);
        }
        return;
      case 'rangeOver':
        return this.rangeOver(node);
      case 'newCall':
        return this.newWithExpression(node);
      case 'shiftCount':
        return this.shiftCount(node);
      case 'toArray':
      case 'toArrayPointer': {
        const needed = capture === 'toArray' ? 20 : 17;
        if (needed <= this.minor) return;
        if (typeOfExpr(this.env, node.childForFieldName('operand'))?.shape.kind === 'slice') {
          this.report(node, capture === 'toArray' ? 'conversion of a slice to an array' : 'conversion of a slice to an array pointer', needed);
        }
        return;
      }
    }
  }

  private rangeOver(expr: Node): void {
    if (this.minor >= 23) return;
    const t = typeOfExpr(this.env, expr);
    if (t?.shape.kind === 'integer') this.report(expr, 'range over an integer', 22);
    else if (t?.shape.kind === 'func') this.report(expr, 'range over a function', 23);
  }

  /**
   * `new(42)`: tree-sitter-go 0.25 expects a type inside new(…) and leaves an ERROR node for an
   * expression operand. Only a literal operand is certain; `new(x)` looks exactly like `new(T)`.
   */
  private newWithExpression(call: Node): void {
    const fn = call.childForFieldName('function');
    if (!fn || fn.text !== 'new' || !isPredeclared(this.env, fn)) return;
    const args = call.childForFieldName('arguments')?.text ?? '';
    if (!args.endsWith(')')) return;
    const operand = args.slice(1, -1).trim();
    if (BASIC_LITERAL.test(operand) || COMPOSITE_LITERAL.test(operand)) this.report(call, `new(${snippet(operand)}) with an expression operand`, 26);
  }

  private shiftCount(count: Node): void {
    if (this.minor >= 13) return;
    const t = typeOfExpr(this.env, count);
    if (t?.shape.kind === 'integer' && t.shape.signed && !t.untyped && t.constant === 'no') this.report(count, `signed shift count ${snippet(count.text)}`, 13);
  }

  private generics(capture: string, node: Node): void {
    const decl = this.ctx.decl;
    switch (capture) {
      case 'typeParams':
        // A generic type alias is reported as such.
        if (node.parent?.type === 'function_declaration' || node.parent?.type === 'type_spec') this.report(node, 'type parameter list', 18);
        return;
      case 'generic': {
        if (insideAny(node, GENERIC_CONTEXT, decl) || insideGenericAlias(node, decl)) return;
        const name = node.childForFieldName('type');
        if (isTypeContext(node)) {
          this.report(node, `instantiation of generic type ${name?.text ?? ''}`, 18);
        } else if (node.parent?.type === 'type_conversion_expression' && node.parent.childForFieldName('type')?.id === node.id && this.certainInstantiation(name, typeArguments(node.childForFieldName('type_arguments')))) {
          this.report(node, `instantiation of generic ${this.isGenericType(name) ? 'type' : 'function'} ${name?.text ?? ''}`, 18);
        }
        return;
      }
      case 'instantiation': {
        // `F[int, string]`, but also how tree-sitter reads `h[i][y[j]]`.
        if (insideAny(node, GENERIC_CONTEXT, decl)) return;
        const name = node.childForFieldName('type');
        const args = node.namedChildren.filter((n): n is Node => n !== null && n.id !== name?.id);
        if (this.certainInstantiation(name, args)) this.report(node, `instantiation of generic function ${name?.text ?? ''}`, 18);
        return;
      }
      case 'instantiatingCall': {
        // `F[int, string](x)`, but also how tree-sitter reads `fs[c.state](x)`.
        if (insideAny(node, GENERIC_CONTEXT, decl)) return;
        const name = node.childForFieldName('function');
        if (this.certainInstantiation(name, typeArguments(node.childForFieldName('type_arguments')))) {
          this.report(node, `instantiation of generic function ${name?.text ?? ''}`, 18);
        }
        return;
      }
      case 'index': {
        // `F[int]` and `F[T]`: an index expression unless the index is certainly a type.
        if (insideAny(node, GENERIC_CONTEXT, decl)) return;
        const operand = node.childForFieldName('operand');
        const index = node.childForFieldName('index');
        if (index && this.certainInstantiation(operand, [index])) this.report(node, `instantiation of generic function ${operand?.text ?? ''}`, 18);
        return;
      }
      case 'elem':
        return this.constraintElement(node);
    }
  }

  /**
   * `F[int](x)` parses like `m[k](x)`, a call of a map or slice element, and `F[T]` like an index
   * expression. It is an instantiation when it has several type arguments, when the package declares a
   * generic F, or when every argument is certainly a type.
   */
  private certainInstantiation(name: Node | null, args: Node[]): boolean {
    if (!name || !NAME_NODES.has(name.type) || args.length === 0) return false;
    if (args.length >= 2) return true;
    if (this.env.names.isGeneric(name.text) && this.isPackageLevel(name)) return true;
    return args.every((a) => this.isCertainType(a));
  }

  /** A type argument that cannot be an index value: a composite type, a predeclared type, a type or type parameter name. */
  private isCertainType(arg: Node): boolean {
    const t = arg.type === 'type_elem' && arg.namedChildCount === 1 ? arg.namedChild(0) : arg;
    if (!t) return false;
    if (TYPE_ONLY.has(t.type) && t.type !== 'pointer_type' && t.type !== 'generic_type') return true;
    if (t.type !== 'type_identifier' && t.type !== 'identifier') return false;
    if (NON_INTERFACE_PREDECLARED.has(t.text)) return isPredeclared(this.env, t);
    // Cheap tests first: most index expressions of old code index with a variable.
    const mayBeType = this.ctx.pkg.lookup(t.text)?.kind === 'type' || this.ctx.decl.childForFieldName('type_parameters')?.text.includes(t.text);
    const kind = mayBeType ? this.env.resolve(t)?.kind : undefined;
    return kind === 'type' || kind === 'typeparam';
  }

  private isGenericType(name: Node | null): boolean {
    const b = name && this.ctx.pkg.lookup(name.text);
    return b?.kind === 'type';
  }

  /** Declared at package level (here or in another file of the package), not shadowed locally. */
  private isPackageLevel(name: Node): boolean {
    const b = this.env.resolve(name);
    return !b || b.scopeNode.type === 'source_file';
  }

  /** Interface elements other than methods and embedded interfaces: unions, ~T, non-interface types. */
  private constraintElement(elem: Node): void {
    if (insideAny(elem, GENERIC_CONTEXT, this.ctx.decl) || insideGenericAlias(elem, this.ctx.decl)) return;
    const parts = elem.namedChildren.filter((n): n is Node => n !== null);
    if (parts.length >= 2) return this.report(elem, `union ${snippet(elem.text)} in an interface`, 18);
    const only = parts[0];
    if (!only) return;
    if (only.type === 'negated_type') return this.report(elem, `approximation element ${snippet(only.text)} in an interface`, 18);
    const embedsNonInterface =
      (TYPE_ONLY.has(only.type) && only.type !== 'generic_type' && only.type !== 'interface_type') ||
      (only.type === 'type_identifier' && NON_INTERFACE_PREDECLARED.has(only.text) && isPredeclared(this.env, only));
    if (embedsNonInterface) this.report(elem, `embedding non-interface type ${snippet(only.text)} in an interface`, 18);
  }

  /** `any` and `comparable` outside type parameter lists (which are reported as a whole). */
  private anyOrComparable(node: Node): void {
    if (node.type === 'package_identifier') return;
    if (insideAny(node, GENERIC_CONTEXT, this.ctx.decl) || insideGenericAlias(node, this.ctx.decl)) return;
    if (node.type === 'identifier' && !isValuePosition(node)) return;
    if (isPredeclared(this.env, node)) this.report(node, `predeclared ${node.text}`, 18);
  }

  private literal(node: Node): void {
    const text = node.text;
    const prefix = text.slice(0, 2).toLowerCase();
    const imaginary = node.type === 'imaginary_literal' ? ' imaginary' : '';
    if (text.includes('_')) this.report(node, `digit separator in ${text}`, 13);
    else if (prefix === '0b') this.report(node, `binary${imaginary} literal ${text}`, 13);
    else if (prefix === '0o') this.report(node, `0o-style octal${imaginary} literal ${text}`, 13);
    else if (prefix === '0x') this.report(node, `hexadecimal ${imaginary ? 'imaginary' : 'floating-point'} literal ${text}`, 13);
  }

  /** min(…), max(…), clear(…) calling the built-ins, not a function of the same name. */
  private builtin(node: Node): void {
    const call = node.parent;
    if (node.type !== 'identifier' || call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== node.id) return;
    if (isPredeclared(this.env, node)) this.report(node, `built-in ${node.text}`, 21);
  }

  /** unsafe.Add and unsafe.Slice (go1.17), unsafe.SliceData, String and StringData (go1.20): the type checker gates them. */
  private unsafeFunctions(): void {
    const unsafe = stdPackage('unsafe');
    const names = this.ctx.pkg.imports().filter((b) => b.importPath === 'unsafe').map((b) => b.name);
    if (!unsafe || names.length === 0) return;
    const pattern = new RegExp(`(${names.map(escapeRegExp).join('|')})\\s*\\.\\s*(\\w+)`, 'g');
    for (const { node } of scanNames(this.ctx, pattern)) {
      const selector = node.parent;
      if (node.type !== 'identifier' || selector?.type !== 'selector_expression' || selector.childForFieldName('operand')?.id !== node.id) continue;
      if (this.env.resolve(node)?.kind !== 'import') continue;
      const field = selector.childForFieldName('field')?.text ?? '';
      this.report(selector, `unsafe.${field}`, unsafe.versionOf(field));
    }
  }
}

const BASIC_LITERAL = /^(?:[-+]?(?:\d|\.\d)[\w.+-]*|"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)+')$/;
const COMPOSITE_LITERAL = /^&?(?:\[[^\]]*\])?[\w.]+\{[\s\S]*\}$/;

/** Source text for a message: one line, at most 40 characters. */
function snippet(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 40 ? `${line.slice(0, 39)}…` : line;
}

function isTypeContext(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === 'array_type' || parent.type === 'implicit_length_array_type') return parent.childForFieldName('element')?.id === node.id;
  return TYPE_PARENTS.has(parent.type);
}

function typeArguments(list: Node | null): Node[] {
  return list?.namedChildren.filter((n): n is Node => n !== null) ?? [];
}

function insideGenericAlias(node: Node, decl: Node): boolean {
  for (let p = node.parent; p && p.id !== decl.parent?.id; p = p.parent) {
    if (p.type === 'type_alias') return p.childForFieldName('type_parameters') !== null;
  }
  return false;
}

/** A struct literal key (`T{any: 1}`) names a field, not the predeclared identifier. */
function isValuePosition(id: Node): boolean {
  const element = id.parent;
  const keyed = element?.parent;
  return !(element?.type === 'literal_element' && keyed?.type === 'keyed_element' && keyed.namedChild(0)?.id === element.id);
}
