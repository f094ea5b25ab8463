// Which declaration a name refers to at one use, found by walking up from the use: the declarations
// of enclosing blocks that precede it, if/for/switch initialisers, loop, type-switch and select
// variables, parameters of enclosing functions, then the file's package scope. The toolchain/ rules ask
// this about a handful of names per declaration (`for range n`, `min(…)`, `b.Loop()`), where building
// the declaration's complete scope resolution would cost as much as parsing it (PERF-NOTES).
import type { Node } from 'web-tree-sitter';
import type { Binding, BindingKind, PackageScope } from '../../engine/scope';
import { rangeDeclares, specsOf } from '../../engine/scope';
import { within } from '../../engine/syntax';

export type NameResolver = (use: Node) => Binding | undefined;

/** text is the whole file's text, which the declaration's offsets index. */
export function nameResolver(decl: Node, pkg: PackageScope, text: string): NameResolver {
  const cache = new Map<number, Binding | undefined>();
  return (use) => {
    if (!cache.has(use.id)) cache.set(use.id, resolve(use, decl, pkg, text));
    return cache.get(use.id);
  };
}

function resolve(use: Node, decl: Node, pkg: PackageScope, text: string): Binding | undefined {
  const name = use.text;
  const declaring = declaredAt(use);
  if (declaring) return declaring;
  const chain = enclosing(decl, use);
  let child = use;
  for (let i = chain.length - 1; i >= 0; child = chain[i], i--) {
    const p = chain[i];
    // A block whose text before the use never mentions the name declares nothing of that name there.
    if (p.type === 'statement_list' && !text.slice(p.startIndex, child.startIndex).includes(name)) continue;
    const found = declaredIn(p, child, name, use);
    if (found) return found;
  }
  return pkg.lookup(name);
}

/**
 * The nodes that enclose use, from decl down to use's parent, found by descending from decl (one
 * search of each level's children, in WASM): `node.parent` searches from the root of the file, so
 * walking up from a deep use cost depth² per name, and a name in each of hundreds of nested loops made
 * the rule cubic. Walks up when the descent fails (use not below decl).
 */
function enclosing(decl: Node, use: Node): Node[] {
  const chain: Node[] = [];
  let n: Node | null = decl;
  while (n && n.id !== use.id) {
    chain.push(n);
    n = n.childWithDescendant(use);
  }
  return n ? chain : upwards(decl, use);
}

function upwards(decl: Node, use: Node): Node[] {
  const chain: Node[] = [];
  for (let p = use.parent; p; p = p.parent) {
    chain.unshift(p);
    if (p.id === decl.id) break;
  }
  return chain;
}

/** The declaration of name that scope node p makes visible to its child (which contains the use). */
function declaredIn(p: Node, child: Node, name: string, use: Node): Binding | undefined {
  const local = (kind: BindingKind, id: Node, declarator: Node): Binding => ({ name, kind, id, declarator, scopeNode: p, refs: [] });
  switch (p.type) {
    case 'statement_list':
      // The first declaration in the block counts: a later `x, y :=` reuses an x declared before.
      for (const s of p.namedChildren) {
        if (!s || s.startIndex >= child.startIndex) break;
        const found = declaredByStatement(s.type === 'labeled_statement' ? (s.namedChildren[1] ?? s) : s, name);
        if (found) return local(found.kind, found.id, found.declarator);
      }
      return undefined;
    case 'function_declaration':
    case 'method_declaration':
    case 'func_literal': {
      for (const [field, kind] of [['receiver', 'receiver'], ['parameters', 'param'], ['result', 'result']] as const) {
        for (const param of p.childForFieldName(field)?.namedChildren ?? []) {
          const id = param?.childrenForFieldName('name').find((n) => n?.text === name);
          if (param && id) return local(kind, id, param);
        }
      }
      for (const param of p.childForFieldName('type_parameters')?.namedChildren ?? []) {
        const id = param?.childrenForFieldName('name').find((n) => n?.text === name);
        if (param && id) return local('typeparam', id, param);
      }
      return undefined;
    }
    case 'for_statement': {
      const clause = p.namedChildren.find((n) => n?.type === 'for_clause' || n?.type === 'range_clause');
      if (!clause || clause.id === child.id && clause.type === 'range_clause') return undefined;
      if (clause.type === 'range_clause') {
        const id = rangeDeclares(clause) ? identifiers(clause.childForFieldName('left')).find((n) => n.text === name) : undefined;
        return id ? local('range', id, clause) : undefined;
      }
      const init = clause.childForFieldName('initializer');
      if (init && within(init, use)) return undefined;
      const id = init?.type === 'short_var_declaration' ? identifiers(init.childForFieldName('left')).find((n) => n.text === name) : undefined;
      return id && init ? local('for', id, init) : undefined;
    }
    case 'if_statement':
    case 'expression_switch_statement':
    case 'type_switch_statement': {
      const init = p.childForFieldName('initializer');
      if (init && (init.id === child.id || within(init, use))) return undefined;
      const alias = p.type === 'type_switch_statement' ? identifiers(p.childForFieldName('alias')).find((n) => n.text === name) : undefined;
      if (alias && child.type === 'type_case') return local('typeswitch', alias, p);
      const id = init?.type === 'short_var_declaration' ? identifiers(init.childForFieldName('left')).find((n) => n.text === name) : undefined;
      return id && init ? local('var', id, init) : undefined;
    }
    case 'communication_case': {
      const receive = p.childForFieldName('communication');
      if (!receive || receive.id === child.id || receive.type !== 'receive_statement' || !receive.children.some((t) => t?.type === ':=')) return undefined;
      const id = identifiers(receive.childForFieldName('left')).find((n) => n.text === name);
      return id ? local('receive', id, receive) : undefined;
    }
    default:
      return undefined;
  }
}

/** The binding an identifier declares itself (`any := -1`, `var comparable bool`, a parameter name). */
function declaredAt(id: Node): Binding | undefined {
  const p = id.parent;
  if (!p) return undefined;
  const local = (kind: BindingKind, declarator: Node): Binding => ({ name: id.text, kind, id, declarator, scopeNode: declarator, refs: [] });
  const isField = (n: Node, field: string) => n.childrenForFieldName(field).some((c) => c?.id === id.id);
  switch (p.type) {
    case 'expression_list': {
      const owner = p.parent;
      if (owner?.type === 'short_var_declaration' && owner.childForFieldName('left')?.id === p.id) return local('var', owner);
      if (owner?.type === 'range_clause' && owner.childForFieldName('left')?.id === p.id && rangeDeclares(owner)) return local('range', owner);
      if (owner?.type === 'receive_statement' && owner.childForFieldName('left')?.id === p.id && owner.children.some((t) => t?.type === ':=')) return local('receive', owner);
      return undefined;
    }
    case 'short_var_declaration':
      return p.childForFieldName('left')?.id === id.id ? local('var', p) : undefined;
    case 'var_spec':
    case 'const_spec':
      return isField(p, 'name') ? local(p.type === 'var_spec' ? 'var' : 'const', p) : undefined;
    case 'parameter_declaration':
    case 'variadic_parameter_declaration':
      return isField(p, 'name') ? local('param', p) : undefined;
    case 'type_spec':
    case 'type_alias':
      return isField(p, 'name') ? local('type', p) : undefined;
    default:
      return undefined;
  }
}

function declaredByStatement(s: Node, name: string): { kind: BindingKind; id: Node; declarator: Node } | undefined {
  switch (s.type) {
    case 'short_var_declaration': {
      const id = identifiers(s.childForFieldName('left')).find((n) => n.text === name);
      return id && { kind: 'var', id, declarator: s };
    }
    case 'var_declaration':
    case 'const_declaration':
      for (const spec of specsOf(s)) {
        const id = spec.childrenForFieldName('name').find((n) => n?.text === name);
        if (id) return { kind: s.type === 'var_declaration' ? 'var' : 'const', id, declarator: spec };
      }
      return undefined;
    case 'type_declaration':
      for (const spec of s.namedChildren) {
        const id = spec?.childForFieldName('name');
        if (spec && id?.text === name) return { kind: 'type', id, declarator: spec };
      }
      return undefined;
    default:
      return undefined;
  }
}

function identifiers(list: Node | null): Node[] {
  if (!list) return [];
  if (list.type === 'identifier') return [list];
  return list.namedChildren.filter((n): n is Node => n?.type === 'identifier');
}

