// Go types as the pool rules see them without a type checker: a type written in the source becomes a
// key that does not depend on how a file names its imports (`bb.Buffer` with `bb "bytes"` and
// `bytes.Buffer` are both `bytes.Buffer`), and a key has a shape — what sync.Pool.Put does with it.
import type { Node } from 'web-tree-sitter';
import { defaultImportName } from '../../engine/scope';

/** The import path a file binds to a package name, when it imports one under that name. */
export type ImportResolver = (packageName: string) => string | undefined;

/** Package-local named types: their underlying type key ('struct' for struct types). */
export type NamedTypes = (name: string) => string | undefined;

/**
 * What Put does with a value of the type. `pointer`, `map`, `chan`, `func` and `interface` fit in an
 * interface without allocating (staticcheck's MaybePointerLike); the others are copied to the heap.
 */
export type Shape = 'pointer' | 'map' | 'chan' | 'func' | 'interface' | 'slice' | 'string' | 'struct' | 'array' | 'number' | 'bool' | 'unknown';

export function allocatesInInterface(shape: Shape): boolean {
  return shape === 'slice' || shape === 'string' || shape === 'struct' || shape === 'array' || shape === 'number' || shape === 'bool';
}

const NUMBERS = new Set(['int', 'int8', 'int16', 'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'byte', 'rune', 'float32', 'float64', 'complex64', 'complex128']);

/** Shapes of the standard-library types pools commonly hold; other imported types are unknown. */
const KNOWN_IMPORTED: Record<string, Shape> = {
  'bytes.Buffer': 'struct',
  'bytes.Reader': 'struct',
  'strings.Builder': 'struct',
  'strings.Reader': 'struct',
  'bufio.Reader': 'struct',
  'bufio.Writer': 'struct',
  'sync.Pool': 'struct',
  'sync.Mutex': 'struct',
  'sync.RWMutex': 'struct',
  'sync.WaitGroup': 'struct',
  'time.Time': 'struct',
  'time.Duration': 'number',
  'math/big.Int': 'struct',
  'net/http.Header': 'map',
  'net/url.Values': 'map',
  'encoding/json.RawMessage': 'slice',
  'unsafe.Pointer': 'pointer',
  'io.Reader': 'interface',
  'io.Writer': 'interface',
  'io.ReadWriter': 'interface',
  'io.Closer': 'interface',
  'io.ReadCloser': 'interface',
  'io.WriteCloser': 'interface',
  'fmt.Stringer': 'interface',
  'context.Context': 'interface',
};

/** The key of a type node; undefined for nodes that are not types. */
export function typeKey(node: Node | null | undefined, imports: ImportResolver): string | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'type_identifier':
    case 'identifier':
      return node.text === 'interface{}' ? 'any' : node.text;
    case 'qualified_type': {
      const pkg = node.childForFieldName('package')?.text ?? '';
      const name = node.childForFieldName('name')?.text ?? '';
      return `${imports(pkg) ?? pkg}.${name}`;
    }
    case 'selector_expression': {
      // `pkg.T` where an expression stands for a type: conversions, `new(pkg.T)` in some positions.
      const operand = node.childForFieldName('operand');
      if (operand?.type !== 'identifier') return undefined;
      const path = imports(operand.text);
      return path ? `${path}.${node.childForFieldName('field')?.text ?? ''}` : undefined;
    }
    case 'pointer_type': {
      const inner = typeKey(node.namedChild(0), imports);
      return inner && `*${inner}`;
    }
    case 'slice_type': {
      const elem = typeKey(node.childForFieldName('element'), imports);
      return elem && `[]${elem}`;
    }
    case 'array_type': {
      const elem = typeKey(node.childForFieldName('element'), imports);
      return elem && `[${compact(node.childForFieldName('length')?.text ?? '')}]${elem}`;
    }
    case 'implicit_length_array_type': {
      const elem = typeKey(node.childForFieldName('element'), imports);
      return elem && `[...]${elem}`;
    }
    case 'map_type': {
      const key = typeKey(node.childForFieldName('key'), imports);
      const value = typeKey(node.childForFieldName('value'), imports);
      return key && value && `map[${key}]${value}`;
    }
    case 'generic_type': {
      const base = typeKey(node.childForFieldName('type'), imports);
      const args = (node.childForFieldName('type_arguments')?.namedChildren ?? []).map((a) => typeKey(a?.type === 'type_elem' ? a.namedChild(0) : a, imports));
      return base && args.every((a) => a) ? `${base}[${args.join(',')}]` : undefined;
    }
    case 'parenthesized_type':
    case 'type_elem':
      return typeKey(node.namedChild(0), imports);
    case 'interface_type':
      return node.namedChildCount === 0 ? 'any' : `interface{${compact(node.text.slice(node.text.indexOf('{') + 1, -1))}}`;
    case 'struct_type':
      return `struct{${compact(node.text.slice(node.text.indexOf('{') + 1, -1))}}`;
    case 'channel_type': {
      // The element's qualifier resolved like any other, so that a value received from it compares equal.
      const value = node.childForFieldName('value');
      const elem = typeKey(value, imports);
      return elem && value ? `${compact(node.text.slice(0, value.startIndex - node.startIndex))} ${elem}` : undefined;
    }
    case 'function_type':
      return compact(node.text);
    default:
      return undefined;
  }
}

function compact(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The shape of a type key; package-local names are looked up in `named`. */
export function shapeOf(key: string | undefined, named: NamedTypes, depth = 0): Shape {
  if (!key || depth > 16) return 'unknown';
  if (key.startsWith('*')) return 'pointer';
  if (key.startsWith('[]')) return 'slice';
  if (key.startsWith('[')) return 'array';
  if (key.startsWith('map[')) return 'map';
  if (key.startsWith('chan') || key.startsWith('<-chan')) return 'chan';
  if (key.startsWith('func')) return 'func';
  if (key.startsWith('struct{') || key === 'struct') return 'struct';
  if (key === 'any' || key === 'error' || key.startsWith('interface{')) return 'interface';
  if (key === 'string') return 'string';
  if (key === 'bool') return 'bool';
  if (NUMBERS.has(key)) return 'number';
  if (key.includes('.')) return KNOWN_IMPORTED[key.replace(/\[.*$/, '')] ?? 'unknown';
  const underlying = named(key.replace(/\[.*$/, ''));
  return underlying ? shapeOf(underlying, named, depth + 1) : 'unknown';
}

/** A type key as a reader would write it: `net/http.Header` becomes `http.Header`. */
export function displayType(key: string): string {
  return key.replace(/[\w.~-]+\//g, '');
}

/** Whether a key names sync.Pool itself (by value or through a pointer). */
export function poolKind(key: string | undefined): 'value' | 'pointer' | undefined {
  if (key === 'sync.Pool') return 'value';
  if (key === '*sync.Pool') return 'pointer';
  return undefined;
}

/** The element type of a slice, array or pointer-to-array key. */
export function elementOf(key: string | undefined): string | undefined {
  if (!key) return undefined;
  const k = key.startsWith('*[') ? key.slice(1) : key;
  if (k.startsWith('[]')) return k.slice(2);
  if (k.startsWith('[')) {
    const close = matchingBracket(k, 0);
    return close > 0 ? k.slice(close + 1) : undefined;
  }
  return undefined;
}

/** Key and value types of a map key. */
export function mapTypes(key: string | undefined): { key: string; value: string } | undefined {
  if (!key?.startsWith('map[')) return undefined;
  const close = matchingBracket(key, 3);
  return close > 0 ? { key: key.slice(4, close), value: key.slice(close + 1) } : undefined;
}

function matchingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '[') depth++;
    else if (text[i] === ']' && --depth === 0) return i;
  }
  return -1;
}

/** Import names of a file (the default name or the rename) to import paths. */
export function importsOf(root: Node): Map<string, string> {
  const out = new Map<string, string>();
  for (const decl of root.namedChildren) {
    if (decl?.type !== 'import_declaration') continue;
    for (const spec of decl.descendantsOfType('import_spec')) {
      const path = spec?.childForFieldName('path')?.text.slice(1, -1);
      if (!spec || !path) continue;
      const name = spec.childForFieldName('name');
      if (name && (name.type === 'dot' || name.type === 'blank_identifier')) continue;
      out.set(name?.text ?? defaultImportName(path), path);
    }
  }
  return out;
}
