// The few types a syntax-only analysis can be certain of, enough to decide whether `range x` ranges over
// an integer or a function, whether a shift count is a signed non-constant integer, and whether a
// conversion operand is a slice: literals, conversions, len/cap/make, func literals, and names declared
// in the file with a written type or a literal initialiser. Anything else is unknown, and unknown means
// the rules say nothing.
import type { Node } from 'web-tree-sitter';
import type { Binding, PackageScope } from '../../engine/scope';
import type { NameResolver } from './nameResolver';
import { PREDECLARED_INTEGER_TYPES, PackageNames } from './packageNames';

export type Shape = { kind: 'integer'; signed: boolean } | { kind: 'func' } | { kind: 'slice' } | { kind: 'array' };

export interface ExprType {
  shape: Shape;
  /** An untyped constant (`10`, `'a'`, `const N = 10`): its type is decided by the context. */
  untyped: boolean;
  /** Whether the value is a constant: yes, no, or unknown (`len(x)` of an unknown x). */
  constant: 'yes' | 'no' | 'unknown';
}

export interface TypeEnv {
  resolve: NameResolver;
  pkg: PackageScope;
  names: PackageNames;
}

/** Std functions that return an iterator (iter.Seq or iter.Seq2), by import path. */
const STD_ITERATORS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['maps', new Set(['All', 'Keys', 'Values'])],
  ['slices', new Set(['All', 'Backward', 'Chunk', 'Values'])],
  ['strings', new Set(['FieldsFuncSeq', 'FieldsSeq', 'Lines', 'SplitAfterSeq', 'SplitSeq'])],
  ['bytes', new Set(['FieldsFuncSeq', 'FieldsSeq', 'Lines', 'SplitAfterSeq', 'SplitSeq'])],
]);

const MAX_DEPTH = 8;

/** Whether a name at a use means the predeclared identifier: no local or package-level declaration in the package. */
export function isPredeclared(env: TypeEnv, use: Node): boolean {
  return !env.names.declares(use.text) && env.resolve(use) === undefined;
}

/** The shape of a written type, following type declarations of the file. */
export function shapeOfType(env: TypeEnv, type: Node | null, depth = 0): Shape | undefined {
  if (!type || depth > MAX_DEPTH) return undefined;
  switch (type.type) {
    case 'parenthesized_type':
      return shapeOfType(env, type.namedChild(0), depth + 1);
    case 'function_type':
      return { kind: 'func' };
    case 'slice_type':
      return { kind: 'slice' };
    case 'array_type':
      return { kind: 'array' };
    case 'generic_type':
      return isIterSeq(env, type.childForFieldName('type')) ? { kind: 'func' } : undefined;
    case 'type_identifier': {
      const integer = PREDECLARED_INTEGER_TYPES.get(type.text);
      if (integer && isPredeclared(env, type)) return { kind: 'integer', signed: integer.signed };
      const declared = env.resolve(type);
      if (declared?.kind !== 'type' || declared.declarator.childForFieldName('type_parameters')) return undefined;
      return shapeOfType(env, declared.declarator.childForFieldName('type'), depth + 1);
    }
    default:
      return undefined;
  }
}

/** `iter.Seq` / `iter.Seq2` with `iter` imported from "iter". */
function isIterSeq(env: TypeEnv, type: Node | null): boolean {
  if (type?.type !== 'qualified_type') return false;
  const name = type.childForFieldName('name')?.text;
  const pkgName = type.childForFieldName('package');
  const pkg = pkgName && env.resolve(pkgName);
  return pkg?.kind === 'import' && pkg.importPath === 'iter' && (name === 'Seq' || name === 'Seq2');
}

const ARITHMETIC = new Set(['+', '-', '*', '/', '%', '&', '|', '^', '&^']);
const SHIFT = new Set(['<<', '>>']);

export function typeOfExpr(env: TypeEnv, expr: Node | null, depth = 0): ExprType | undefined {
  if (!expr || depth > MAX_DEPTH) return undefined;
  const next = depth + 1;
  switch (expr.type) {
    case 'int_literal':
    case 'rune_literal':
      return { shape: { kind: 'integer', signed: true }, untyped: true, constant: 'yes' };
    case 'parenthesized_expression':
      return typeOfExpr(env, expr.namedChild(0), next);
    case 'unary_expression': {
      const op = expr.childForFieldName('operator')?.text;
      return op === '+' || op === '-' || op === '^' ? typeOfExpr(env, expr.childForFieldName('operand'), next) : undefined;
    }
    case 'binary_expression': {
      const op = expr.childForFieldName('operator')?.text ?? '';
      const left = typeOfExpr(env, expr.childForFieldName('left'), next);
      if (SHIFT.has(op)) return left?.shape.kind === 'integer' ? { ...left, constant: left.constant === 'no' ? 'no' : 'unknown' } : undefined;
      if (!ARITHMETIC.has(op)) return undefined;
      const right = typeOfExpr(env, expr.childForFieldName('right'), next);
      // Both operands have one type; a typed integer operand decides it whatever the other one is.
      const typed = [left, right].find((t) => t?.shape.kind === 'integer' && !t.untyped);
      if (typed) return { ...typed, constant: left?.constant === 'no' || right?.constant === 'no' ? 'no' : 'unknown' };
      if (left?.shape.kind === 'integer' && right?.shape.kind === 'integer') return { ...left, constant: 'yes' };
      return undefined;
    }
    case 'func_literal':
      return { shape: { kind: 'func' }, untyped: false, constant: 'no' };
    case 'composite_literal':
    case 'type_conversion_expression': {
      const shape = shapeOfType(env, expr.childForFieldName('type'));
      return shape && { shape, untyped: false, constant: 'no' };
    }
    case 'slice_expression': {
      const operand = typeOfExpr(env, expr.childForFieldName('operand'), next);
      return operand?.shape.kind === 'slice' || operand?.shape.kind === 'array' ? { shape: { kind: 'slice' }, untyped: false, constant: 'no' } : undefined;
    }
    case 'call_expression':
      return typeOfCall(env, expr, next);
    case 'identifier':
      if (expr.text === 'iota' && isPredeclared(env, expr)) return { shape: { kind: 'integer', signed: true }, untyped: true, constant: 'yes' };
      return typeOfName(env, expr, next);
    default:
      return undefined;
  }
}

function typeOfCall(env: TypeEnv, call: Node, depth: number): ExprType | undefined {
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments')?.namedChildren ?? [];
  if (fn?.type === 'identifier') {
    const name = fn.text;
    if ((name === 'len' || name === 'cap') && isPredeclared(env, fn)) {
      // len of a slice is computed at run time; len of an array or a constant string is a constant.
      const arg = typeOfExpr(env, args[0] ?? null, depth);
      return { shape: { kind: 'integer', signed: true }, untyped: false, constant: arg?.shape.kind === 'slice' ? 'no' : 'unknown' };
    }
    if (name === 'make' && isPredeclared(env, fn)) {
      const shape = shapeOfType(env, args[0] ?? null);
      return shape?.kind === 'slice' ? { shape, untyped: false, constant: 'no' } : undefined;
    }
    const integer = PREDECLARED_INTEGER_TYPES.get(name);
    if (integer && args.length === 1 && isPredeclared(env, fn)) {
      const arg = typeOfExpr(env, args[0], depth);
      return { shape: { kind: 'integer', signed: integer.signed }, untyped: false, constant: arg?.constant ?? 'unknown' };
    }
    return undefined;
  }
  if (fn?.type === 'selector_expression') {
    const operand = fn.childForFieldName('operand');
    const field = fn.childForFieldName('field')?.text ?? '';
    if (operand?.type !== 'identifier') return undefined;
    const pkg = env.resolve(operand);
    if (pkg?.kind === 'import' && pkg.importPath && STD_ITERATORS.get(pkg.importPath)?.has(field)) return { shape: { kind: 'func' }, untyped: false, constant: 'no' };
  }
  return undefined;
}

function typeOfName(env: TypeEnv, id: Node, depth: number): ExprType | undefined {
  const b = env.resolve(id);
  if (!b) return undefined;
  const declarator = b.declarator;
  switch (b.kind) {
    case 'const': {
      const declared = shapeOfType(env, declarator.childForFieldName('type'));
      if (declared) return { shape: declared, untyped: false, constant: 'yes' };
      if (declarator.childForFieldName('type')) return undefined;
      const value = initializerOf(b);
      const t = value && typeOfExpr(env, value, depth);
      return t?.constant === 'yes' ? t : undefined;
    }
    case 'var':
    case 'for':
    case 'param':
    case 'result':
    case 'receiver': {
      // `xs ...int` is a []int inside the function.
      if (declarator.type === 'variadic_parameter_declaration') return { shape: { kind: 'slice' }, untyped: false, constant: 'no' };
      const type = declarator.childForFieldName('type');
      if (type) {
        const shape = shapeOfType(env, type);
        return shape && { shape, untyped: false, constant: 'no' };
      }
      const value = initializerOf(b);
      const t = value && typeOfExpr(env, value, depth);
      // `n := 10` declares an int variable: an untyped constant takes its default type.
      return t && { shape: t.untyped && t.shape.kind === 'integer' ? { kind: 'integer', signed: true } : t.shape, untyped: false, constant: 'no' };
    }
    default:
      return undefined;
  }
}

/** The expression that initialises a var, const or `:=` name, when each name has its own. */
function initializerOf(b: Binding): Node | undefined {
  const d = b.declarator;
  if (d.type === 'short_var_declaration') {
    const left = d.childForFieldName('left')?.namedChildren ?? [];
    const right = d.childForFieldName('right')?.namedChildren ?? [];
    const i = left.findIndex((n) => n?.id === b.id.id);
    return i >= 0 && left.length === right.length ? (right[i] ?? undefined) : undefined;
  }
  if (d.type === 'var_spec' || d.type === 'const_spec') {
    const names = d.childrenForFieldName('name');
    const values = d.childForFieldName('value')?.namedChildren ?? [];
    const i = names.findIndex((n) => n?.id === b.id.id);
    return i >= 0 && names.length === values.length ? (values[i] ?? undefined) : undefined;
  }
  return undefined;
}
