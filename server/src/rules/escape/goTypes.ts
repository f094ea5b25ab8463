// Go types as far as the source text tells them, without a type checker: enough to know whether a
// value is a pointer, an interface or a plain value, whether boxing it in an interface allocates
// (runtime.convT*), and how large it is. Everything the text does not settle is `unknown`, and rules
// only claim what known types justify.
//
// Sizes and alignments are those of 64-bit targets (amd64, arm64), where gc's stack limits apply
// as cmd/compile/internal/ir/cfg.go states them.
import type { Node } from 'web-tree-sitter';

export type BasicName =
  | 'bool'
  | 'string'
  | 'int'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'uintptr'
  | 'float32'
  | 'float64'
  | 'complex64'
  | 'complex128'
  | 'unsafe.Pointer';

export interface Field {
  name: string;
  type: GoType;
  embedded: boolean;
}

export type GoType =
  | { kind: 'basic'; name: BasicName; untyped?: boolean }
  | { kind: 'nil' }
  | { kind: 'pointer'; elem: GoType }
  | { kind: 'slice'; elem: GoType }
  | { kind: 'array'; len: number | undefined; elem: GoType }
  | { kind: 'map'; key: GoType; value: GoType }
  | { kind: 'chan'; elem: GoType }
  | { kind: 'func'; params: GoType[]; results: GoType[]; variadic: boolean }
  | { kind: 'interface'; empty: boolean }
  | { kind: 'struct'; fields: Field[] }
  | NamedType
  | { kind: 'tuple'; types: GoType[] }
  | { kind: 'typeparam' }
  | { kind: 'unknown' };

/** A defined type: its name, where it comes from, and its underlying type (resolved on first use). */
export interface NamedType {
  kind: 'named';
  name: string;
  /** Import path of a std type, '' for a type declared in the analysed package. */
  pkg: string;
  underlying(): GoType;
  /** Known methods with a pointer receiver (calling them on an addressable value takes its address). */
  pointerMethods?: ReadonlySet<string>;
  /** Size and alignment when the declaration hides them (std structs with unexported fields). */
  opaque?: { size?: number; align?: number; direct?: boolean; hasPointers?: boolean };
}

export const UNKNOWN: GoType = { kind: 'unknown' };
export const TYPEPARAM: GoType = { kind: 'typeparam' };

const basics = new Map<string, BasicName>([
  ['bool', 'bool'],
  ['string', 'string'],
  ['int', 'int'],
  ['int8', 'int8'],
  ['int16', 'int16'],
  ['int32', 'int32'],
  ['int64', 'int64'],
  ['uint', 'uint'],
  ['uint8', 'uint8'],
  ['uint16', 'uint16'],
  ['uint32', 'uint32'],
  ['uint64', 'uint64'],
  ['uintptr', 'uintptr'],
  ['float32', 'float32'],
  ['float64', 'float64'],
  ['complex64', 'complex64'],
  ['complex128', 'complex128'],
  ['byte', 'uint8'],
  ['rune', 'int32'],
]);

export function basic(name: BasicName, untyped = false): GoType {
  return untyped ? { kind: 'basic', name, untyped } : { kind: 'basic', name };
}

/** The type of a predeclared type name, or undefined. */
export function predeclaredType(name: string): GoType | undefined {
  const b = basics.get(name);
  if (b) return basic(b);
  if (name === 'error') return ERROR_TYPE;
  if (name === 'any') return { kind: 'interface', empty: true };
  if (name === 'comparable') return { kind: 'interface', empty: false };
  return undefined;
}

export const ERROR_TYPE: GoType = { kind: 'interface', empty: false };

/** The underlying type, following named types (bounded, in case of a cycle). */
export function under(t: GoType): GoType {
  let cur = t;
  for (let i = 0; i < 16 && cur.kind === 'named'; i++) cur = cur.underlying();
  return cur.kind === 'named' ? UNKNOWN : cur;
}

export function isKnown(t: GoType): boolean {
  const u = under(t);
  return u.kind !== 'unknown' && u.kind !== 'typeparam' && u.kind !== 'tuple';
}

export function isInterface(t: GoType): boolean {
  return under(t).kind === 'interface';
}

export function isPointer(t: GoType): boolean {
  return under(t).kind === 'pointer';
}

const basicSizes: Record<BasicName, number> = {
  bool: 1,
  int8: 1,
  uint8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  uint32: 4,
  float32: 4,
  int: 8,
  uint: 8,
  int64: 8,
  uint64: 8,
  uintptr: 8,
  float64: 8,
  complex64: 8,
  complex128: 16,
  string: 16,
  'unsafe.Pointer': 8,
};

const basicAligns: Partial<Record<BasicName, number>> = { complex64: 4, complex128: 8, string: 8 };

interface Layout {
  size: number;
  align: number;
}

/** Size and alignment on a 64-bit target, or undefined when some part is unknown. */
export function layoutOf(t: GoType, depth = 0): Layout | undefined {
  if (depth > 32) return undefined;
  switch (t.kind) {
    case 'basic': {
      if (t.untyped) return undefined;
      const size = basicSizes[t.name];
      return { size, align: basicAligns[t.name] ?? Math.min(size, 8) };
    }
    case 'pointer':
    case 'map':
    case 'chan':
    case 'func':
      return { size: 8, align: 8 };
    case 'slice':
      return { size: 24, align: 8 };
    case 'interface':
      return { size: 16, align: 8 };
    case 'array': {
      if (t.len === undefined) return undefined;
      const e = layoutOf(t.elem, depth + 1);
      return e ? { size: e.size * t.len, align: e.align } : undefined;
    }
    case 'struct': {
      let offset = 0;
      let align = 1;
      let lastZero = false;
      for (const f of t.fields) {
        const l = layoutOf(f.type, depth + 1);
        if (!l) return undefined;
        offset = roundUp(offset, l.align) + l.size;
        align = Math.max(align, l.align);
        lastZero = l.size === 0;
      }
      // gc pads a struct whose last field is zero-sized, so that a pointer to it cannot point past the object.
      if (lastZero && offset > 0) offset++;
      return { size: roundUp(offset, align), align };
    }
    case 'named':
      if (t.opaque) return t.opaque.size !== undefined ? { size: t.opaque.size, align: t.opaque.align ?? 8 } : undefined;
      return layoutOf(t.underlying(), depth + 1);
    default:
      return undefined;
  }
}

function roundUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

export function sizeOf(t: GoType): number | undefined {
  return layoutOf(t)?.size;
}

/**
 * Whether values of the type are stored directly in an interface's data word: as go1.26's
 * types.IsDirectIface puts it, the type is one pointer word (size 8, and that word holds a
 * pointer): pointers, maps, channels, funcs, unsafe.Pointer, and arrays or structs that reduce to
 * one of those (zero-size fields aside). Undefined when unknown.
 */
export function isDirectIface(t: GoType): boolean | undefined {
  if (t.kind === 'named' && t.opaque) return t.opaque.direct;
  const l = layoutOf(t);
  if (!l) return knownLargerThanWord(t) ? false : undefined;
  if (l.size !== 8) return false;
  return pointerWord(t);
}

/** Whether the known parts of a type already take more than one word (then it is not direct). */
function knownLargerThanWord(t: GoType): boolean {
  const u = under(t);
  if (u.kind === 'struct') {
    let known = 0;
    for (const f of u.fields) known += sizeOf(f.type) ?? 0;
    return known > 8;
  }
  if (u.kind === 'array' && u.len !== undefined && u.len > 1) {
    const e = sizeOf(u.elem);
    return e !== undefined && e > 0;
  }
  return false;
}

/** For an 8-byte type: whether its word is a pointer. */
function pointerWord(t: GoType, depth = 0): boolean | undefined {
  if (depth > 32) return undefined;
  switch (t.kind) {
    case 'pointer':
    case 'map':
    case 'chan':
    case 'func':
      return true;
    case 'basic':
      return t.name === 'unsafe.Pointer';
    case 'array':
      return t.len === 0 ? false : pointerWord(t.elem, depth + 1);
    case 'struct': {
      for (const f of t.fields) {
        const size = sizeOf(f.type);
        if (size === undefined) return undefined;
        if (size > 0) return pointerWord(f.type, depth + 1);
      }
      return false;
    }
    case 'named':
      if (t.opaque) return t.opaque.direct;
      return pointerWord(t.underlying(), depth + 1);
    default:
      return false;
  }
}

/**
 * Whether converting a value of this type to an interface allocates a heap cell (runtime.convT*),
 * as far as the type alone decides: not for interfaces, pointer-shaped types, zero-size types, or
 * 1-byte values (bool, int8, uint8: runtime.staticuint64s). Undefined when the type is not known.
 */
export function boxingAllocates(t: GoType): boolean | undefined {
  const u = under(t);
  if (u.kind === 'unknown' || u.kind === 'typeparam' || u.kind === 'tuple' || u.kind === 'nil') return undefined;
  if (u.kind === 'interface') return false;
  const direct = isDirectIface(t);
  if (direct === undefined) return undefined;
  if (direct) return false;
  if (u.kind === 'basic') return u.untyped ? undefined : basicSizes[u.name] > 1;
  if (u.kind === 'slice') return true;
  const size = sizeOf(t);
  if (size === undefined) return knownLargerThanWord(t) ? true : undefined;
  return size > 1;
}

/** Whether values of the type may hold pointers; undefined when unknown. */
export function hasPointers(t: GoType, depth = 0): boolean | undefined {
  if (depth > 32) return undefined;
  switch (t.kind) {
    case 'basic':
      return t.name === 'string' || t.name === 'unsafe.Pointer';
    case 'pointer':
    case 'map':
    case 'chan':
    case 'func':
    case 'slice':
    case 'interface':
      return true;
    case 'array':
      return t.len === 0 ? false : hasPointers(t.elem, depth + 1);
    case 'struct': {
      let unknown = false;
      for (const f of t.fields) {
        const h = hasPointers(f.type, depth + 1);
        if (h) return true;
        if (h === undefined) unknown = true;
      }
      return unknown ? undefined : false;
    }
    case 'named':
      if (t.opaque) return t.opaque.hasPointers;
      return hasPointers(t.underlying(), depth + 1);
    default:
      return undefined;
  }
}

/** The element type of slices, arrays, pointers to arrays, strings (byte) and channels. */
export function elemOf(t: GoType): GoType {
  const u = under(t);
  switch (u.kind) {
    case 'slice':
    case 'array':
    case 'chan':
      return u.elem;
    case 'pointer': {
      const e = under(u.elem);
      return e.kind === 'array' ? e.elem : UNKNOWN;
    }
    case 'basic':
      return u.name === 'string' ? basic('uint8') : UNKNOWN;
    case 'map':
      return u.value;
    default:
      return UNKNOWN;
  }
}

/** Field (or promoted field) `name` of a struct or pointer-to-struct type. */
export function fieldOf(t: GoType, name: string, depth = 0): GoType | undefined {
  if (depth > 4) return undefined;
  let u = under(t);
  if (u.kind === 'pointer') u = under(u.elem);
  if (u.kind !== 'struct') return undefined;
  for (const f of u.fields) if (f.name === name) return f.type;
  for (const f of u.fields) {
    if (!f.embedded) continue;
    const inner = fieldOf(f.type, name, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/** A short Go-like spelling of a type, for messages. */
export function typeText(t: GoType, depth = 0): string {
  if (depth > 6) return '…';
  switch (t.kind) {
    case 'basic':
      return t.name;
    case 'nil':
      return 'nil';
    case 'pointer':
      return `*${typeText(t.elem, depth + 1)}`;
    case 'slice':
      return `[]${typeText(t.elem, depth + 1)}`;
    case 'array':
      return `[${t.len ?? '?'}]${typeText(t.elem, depth + 1)}`;
    case 'map':
      return `map[${typeText(t.key, depth + 1)}]${typeText(t.value, depth + 1)}`;
    case 'chan':
      return `chan ${typeText(t.elem, depth + 1)}`;
    case 'func':
      return 'func(…)';
    case 'interface':
      return t.empty ? 'any' : 'interface';
    case 'struct':
      return 'struct{…}';
    case 'named': {
      const last = t.pkg.split('/').pop();
      return t.pkg ? `${last}.${t.name}` : t.name;
    }
    default:
      return t.kind;
  }
}

/** A named std type: convenience for the std facts table. */
export function stdNamed(pkg: string, name: string, underlying: GoType, extra: Partial<Pick<NamedType, 'pointerMethods' | 'opaque'>> = {}): NamedType {
  return { kind: 'named', name, pkg, underlying: () => underlying, ...extra };
}

/** Tree-sitter node types that denote types. */
export const TYPE_NODE_TYPES = new Set([
  'type_identifier',
  'qualified_type',
  'pointer_type',
  'slice_type',
  'array_type',
  'implicit_length_array_type',
  'map_type',
  'channel_type',
  'function_type',
  'interface_type',
  'struct_type',
  'generic_type',
  'parenthesized_type',
]);

export function isTypeNode(n: Node): boolean {
  return TYPE_NODE_TYPES.has(n.type);
}
