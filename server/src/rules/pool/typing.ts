// The type of an expression, when the source alone makes it certain: literals, composite literals,
// `new`, `make`, conversions, type assertions, variables declared with a type or initialised with one
// of those, fields of package structs, results of package functions and of a few standard-library
// constructors. Anything else is undefined, and the rules then say nothing.
import type { Node } from 'web-tree-sitter';
import { ImportResolver, elementOf, mapTypes, typeKey } from './goTypes';

export interface TypingEnv {
  imports: ImportResolver;
  /** The type of an identifier used as a value (a variable, parameter, …). */
  identifier(id: Node, depth: number): string | undefined;
  /** Whether an identifier names something declared inside a function (it shadows package names). */
  isLocal(id: Node): boolean;
  /** The static result type of a package function with one result. */
  funcResult(name: string): string | undefined;
  /** The type of a field (or promoted field) of a package struct type. */
  field(typeName: string, field: string): string | undefined;
  /** Whether a name is a package-level type (so `T(x)` is a conversion). */
  isTypeName(name: string): boolean;
}

const MAX_DEPTH = 12;

const BASIC = new Set(['string', 'bool', 'int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'byte', 'rune', 'float32', 'float64', 'complex64', 'complex128', 'any', 'error']);

/** Results of standard-library functions that pooled objects are commonly made with. */
const KNOWN_CALLS: Record<string, string> = {
  'bytes.NewBuffer': '*bytes.Buffer',
  'bytes.NewBufferString': '*bytes.Buffer',
  'bytes.NewReader': '*bytes.Reader',
  'strings.NewReader': '*strings.Reader',
  'bufio.NewReader': '*bufio.Reader',
  'bufio.NewReaderSize': '*bufio.Reader',
  'bufio.NewWriter': '*bufio.Writer',
  'bufio.NewWriterSize': '*bufio.Writer',
  'fmt.Sprintf': 'string',
  'fmt.Sprint': 'string',
  'strconv.Itoa': 'string',
};

/** Results of methods of standard-library types, by receiver base type and method. */
const KNOWN_METHODS: Record<string, string> = {
  'bytes.Buffer.Bytes': '[]byte',
  'bytes.Buffer.String': 'string',
  'bytes.Buffer.Len': 'int',
  'bytes.Buffer.Cap': 'int',
  'strings.Builder.String': 'string',
  'strings.Builder.Len': 'int',
  'strings.Builder.Cap': 'int',
};

export function typeOfExpr(expr: Node | null | undefined, env: TypingEnv, depth = 0): string | undefined {
  if (!expr || depth > MAX_DEPTH) return undefined;
  const next = (n: Node | null | undefined) => typeOfExpr(n, env, depth + 1);
  switch (expr.type) {
    case 'parenthesized_expression':
      return next(expr.namedChild(0));
    case 'identifier':
      return env.identifier(expr, depth + 1);
    case 'interpreted_string_literal':
    case 'raw_string_literal':
      return 'string';
    case 'int_literal':
      return 'int';
    case 'float_literal':
      return 'float64';
    case 'imaginary_literal':
      return 'complex128';
    case 'rune_literal':
      return 'rune';
    case 'true':
    case 'false':
      return 'bool';
    case 'func_literal':
      return 'func';
    case 'composite_literal':
      return typeKey(expr.childForFieldName('type'), env.imports);
    case 'type_conversion_expression':
      return typeKey(expr.childForFieldName('type'), env.imports);
    case 'type_assertion_expression':
      return typeKey(expr.childForFieldName('type'), env.imports);
    case 'unary_expression': {
      const op = expr.childForFieldName('operator')?.type;
      const operand = expr.childForFieldName('operand');
      if (op === '&') {
        const inner = next(operand);
        return inner && `*${inner}`;
      }
      if (op === '*') {
        const inner = next(operand);
        return inner?.startsWith('*') ? inner.slice(1) : undefined;
      }
      if (op === '<-') {
        const ch = next(operand);
        return ch ? ch.replace(/^(<-)?chan(<-)?\s*/, '') : undefined;
      }
      if (op === '!') return 'bool';
      return next(operand);
    }
    case 'binary_expression': {
      const op = expr.childForFieldName('operator')?.type ?? '';
      if (['==', '!=', '<', '<=', '>', '>=', '&&', '||'].includes(op)) return 'bool';
      if (op === '<<' || op === '>>') return next(expr.childForFieldName('left'));
      const left = next(expr.childForFieldName('left'));
      return left && left !== 'int' && left !== 'float64' ? left : (next(expr.childForFieldName('right')) ?? left);
    }
    case 'slice_expression': {
      const operand = next(expr.childForFieldName('operand'));
      if (operand === 'string' || operand?.startsWith('[]')) return operand;
      const elem = operand?.startsWith('[') || operand?.startsWith('*[') ? elementOf(operand) : undefined;
      return elem && `[]${elem}`;
    }
    case 'index_expression': {
      const operand = next(expr.childForFieldName('operand'));
      if (operand === 'string') return 'byte';
      return mapTypes(operand)?.value ?? elementOf(operand);
    }
    case 'selector_expression': {
      const operand = expr.childForFieldName('operand');
      const field = expr.childForFieldName('field')?.text ?? '';
      if (operand?.type === 'identifier' && !env.isLocal(operand) && env.imports(operand.text)) return undefined;
      const base = next(operand)?.replace(/^\*/, '');
      return base && !base.includes('.') ? env.field(base.replace(/\[.*$/, ''), field) : undefined;
    }
    case 'call_expression':
      return typeOfCall(expr, env, depth);
    default:
      return undefined;
  }
}

function typeOfCall(call: Node, env: TypingEnv, depth: number): string | undefined {
  const fn = call.childForFieldName('function');
  const args = call.childForFieldName('arguments')?.namedChildren.filter((a): a is Node => a !== null) ?? [];
  if (!fn) return undefined;
  if (fn.type === 'identifier') {
    switch (fn.text) {
      case 'new': {
        const t = typeKey(args[0], env.imports);
        return t && `*${t}`;
      }
      case 'make':
        return typeKey(args[0], env.imports);
      case 'append':
        return typeOfExpr(args[0], env, depth + 1);
      case 'len':
      case 'cap':
      case 'copy':
        return 'int';
    }
    if (env.isLocal(fn)) return undefined;
    if (BASIC.has(fn.text) || env.isTypeName(fn.text)) return fn.text;
    return env.funcResult(fn.text);
  }
  if (fn.type === 'parenthesized_expression') {
    // `(*T)(x)`, `([]byte)(s)`: a conversion to a parenthesised type.
    const inner = fn.namedChild(0);
    if (inner?.type === 'unary_expression' && inner.childForFieldName('operator')?.type === '*') {
      const t = typeKey(inner.childForFieldName('operand'), env.imports);
      return t && `*${t}`;
    }
    return typeKey(inner, env.imports);
  }
  if (fn.type === 'selector_expression') {
    const operand = fn.childForFieldName('operand');
    const name = fn.childForFieldName('field')?.text ?? '';
    if (operand?.type === 'identifier' && !env.isLocal(operand)) {
      const path = env.imports(operand.text);
      if (path) return KNOWN_CALLS[`${path}.${name}`];
    }
    const receiver = typeOfExpr(operand, env, depth + 1)?.replace(/^\*/, '');
    return receiver ? KNOWN_METHODS[`${receiver}.${name}`] : undefined;
  }
  return undefined;
}
