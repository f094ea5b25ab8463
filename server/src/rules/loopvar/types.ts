// The few types a syntax-only analysis can be sure of for a loop variable: range over a composite
// literal or over a variable declared with an explicit slice, array, map, string or channel type, and
// 3-clause variables initialised with an integer literal.
import type { Node } from 'web-tree-sitter';
import type { Binding, DeclScopes, PackageScope } from '../../engine/scope';
import { rangeDeclares } from '../../engine/scope';
import type { Indexer, PackageView } from '../../engine/packageIndex';

/** The source text of the loop variable's type, when certain. */
export function loopVariableType(b: Binding, scopes: DeclScopes, pkg: PackageScope): string | undefined {
  if (b.kind === 'for') {
    const left = b.declarator.childForFieldName('left')?.namedChildren ?? [];
    const index = left.findIndex((n) => n?.id === b.id.id);
    const value = b.declarator.childForFieldName('right')?.namedChildren[index];
    return value?.type === 'int_literal' ? 'int' : undefined;
  }
  if (b.kind !== 'range' || !rangeDeclares(b.declarator)) return undefined;
  const left = b.declarator.childForFieldName('left')?.namedChildren ?? [];
  const position = left.findIndex((n) => n?.id === b.id.id);
  const collection = typeOfExpression(b.declarator.childForFieldName('right'), scopes, pkg);
  if (!collection) return undefined;
  return elementOf(collection, position === 0 ? 'key' : 'value');
}

function typeOfExpression(expr: Node | null, scopes: DeclScopes, pkg: PackageScope): Node | undefined {
  if (!expr) return undefined;
  if (expr.type === 'composite_literal') return expr.childForFieldName('type') ?? undefined;
  if (expr.type !== 'identifier') return undefined;
  const b = scopes.bindingOf(expr) ?? pkg.lookup(expr.text);
  if (!b || (b.kind !== 'param' && b.kind !== 'var')) return undefined;
  const declared = b.declarator.childForFieldName('type');
  if (declared) return declared;
  // `xs := []T{…}`: the type of a composite literal initialiser.
  const right = b.declarator.childForFieldName('right') ?? b.declarator.childForFieldName('value');
  const left = b.declarator.childForFieldName('left') ?? b.declarator;
  const names = left.type === 'expression_list' ? left.namedChildren : b.declarator.childrenForFieldName('name');
  const index = names.findIndex((n) => n?.id === b.id.id);
  const init = right?.namedChildren[index];
  return init?.type === 'composite_literal' ? (init.childForFieldName('type') ?? undefined) : undefined;
}

function elementOf(collection: Node, which: 'key' | 'value'): string | undefined {
  switch (collection.type) {
    case 'slice_type':
    case 'array_type':
    case 'implicit_length_array_type':
      return which === 'key' ? 'int' : collection.childForFieldName('element')?.text;
    case 'map_type':
      return collection.childForFieldName(which)?.text;
    case 'channel_type':
      return which === 'key' ? collection.childForFieldName('value')?.text : undefined;
    case 'type_identifier':
      if (collection.text === 'string') return which === 'key' ? 'int' : 'rune';
      return undefined;
    default:
      return undefined;
  }
}

/** Type name → names of its methods declared with a pointer receiver, in one file. */
export type PointerMethods = Record<string, string[]>;

export function pointerMethodsOf(decls: Iterable<Node | null>): PointerMethods {
  // No prototype: a type may be named `constructor` or `toString`.
  const out: PointerMethods = Object.create(null);
  for (const decl of decls) {
    if (decl?.type !== 'method_declaration') continue;
    const receiverType = decl.childForFieldName('receiver')?.namedChildren[0]?.childForFieldName('type');
    if (receiverType?.type !== 'pointer_type') continue;
    const base = receiverType.namedChild(0);
    const typeName = base?.type === 'generic_type' ? base.childForFieldName('type')?.text : base?.text;
    const method = decl.childForFieldName('name')?.text;
    if (typeName && method) (out[typeName] ??= []).push(method);
  }
  return out;
}

/** Pointer methods are usually declared next to their type, often in another file of the package. */
export const pointerMethodsIndexer: Indexer = {
  id: 'loopvar/pointer-methods',
  summarize: (root) => pointerMethodsOf(root.namedChildren),
};

/** Whether method is declared with a pointer receiver on typeName in this file or its package. */
export function hasPointerMethod(typeName: string, method: string, file: PackageScope, pkg: PackageView | undefined): boolean {
  const has = (methods: PointerMethods | undefined) => !!methods && Object.prototype.hasOwnProperty.call(methods, typeName) && methods[typeName].includes(method);
  if (has(pointerMethodsOf(file.methodsNamed(typeName, method)))) return true;
  // Another file that declares the method says its name: without it, its summaries are not read.
  if (!pkg?.othersMention(method)) return false;
  return pkg.summaries(pointerMethodsIndexer.id).some((s) => has(s.summary as PointerMethods | undefined));
}
