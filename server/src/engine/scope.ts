// Binds identifiers to their declarations within one file, following Go's block scoping: package
// declarations, receivers, parameters and results, `:=` (which redeclares only names new to the
// block), `var`/`const`, range and 3-clause loop variables, type-switch aliases, select receives and
// shadowing in nested blocks. Resolution is done per top-level declaration and only on demand,
// because walking every node from JavaScript costs as much as parsing (PERF-NOTES).
//
// The walk keeps an explicit work stack instead of recursing, so deeply nested code cannot overflow
// the JavaScript stack.
import type { Node, Tree } from 'web-tree-sitter';

export type BindingKind =
  | 'import'
  | 'func'
  | 'var'
  | 'const'
  | 'type'
  | 'typeparam'
  | 'param'
  | 'result'
  | 'receiver'
  | 'range'
  | 'for'
  | 'typeswitch'
  | 'receive';

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The identifier that declares it. */
  id: Node;
  /** The construct that introduces it: var_spec, short_var_declaration, range_clause, parameter_declaration, … */
  declarator: Node;
  /** The node whose scope it belongs to (block, for_statement, function, source_file, …). */
  scopeNode: Node;
  /** Uses within the resolved declaration (package-level bindings collect none). */
  refs: Node[];
  importPath?: string;
}

class Scope {
  readonly names = new Map<string, Binding>();
  constructor(
    readonly parent: Scope | undefined,
    readonly node: Node,
  ) {}

  lookup(name: string): Binding | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const b = s.names.get(name);
      if (b) return b;
    }
    return undefined;
  }
}

export class PackageScope {
  readonly scope: Scope;

  constructor(root: Node) {
    this.scope = new Scope(undefined, root);
    for (const decl of root.namedChildren) {
      if (decl) this.declareTopLevel(decl);
    }
  }

  lookup(name: string): Binding | undefined {
    return this.scope.names.get(name);
  }

  private declareTopLevel(decl: Node): void {
    const add = (id: Node | null, kind: BindingKind, declarator: Node, importPath?: string) => {
      // childrenForFieldName('name') also yields the `,` between names.
      if (!id || !id.isNamed || id.text === '_') return;
      this.scope.names.set(id.text, { name: id.text, kind, id, declarator, scopeNode: this.scope.node, refs: [], importPath });
    };
    switch (decl.type) {
      case 'function_declaration':
        add(decl.childForFieldName('name'), 'func', decl);
        break;
      case 'var_declaration':
      case 'const_declaration':
        for (const spec of specsOf(decl)) {
          for (const id of spec.childrenForFieldName('name')) add(id, decl.type === 'var_declaration' ? 'var' : 'const', spec);
        }
        break;
      case 'type_declaration':
        for (const spec of decl.namedChildren) {
          if (spec && (spec.type === 'type_spec' || spec.type === 'type_alias')) add(spec.childForFieldName('name'), 'type', spec);
        }
        break;
      case 'import_declaration':
        for (const spec of specsOf(decl)) {
          const pathNode = spec.childForFieldName('path');
          if (!pathNode) continue;
          const path = pathNode.text.slice(1, -1);
          const nameNode = spec.childForFieldName('name');
          if (nameNode && (nameNode.type === 'dot' || nameNode.type === 'blank_identifier')) continue;
          if (nameNode) add(nameNode, 'import', spec, path);
          else this.scope.names.set(defaultImportName(path), {
            name: defaultImportName(path), kind: 'import', id: pathNode, declarator: spec, scopeNode: this.scope.node, refs: [], importPath: path,
          });
        }
        break;
    }
  }
}

/** The package name an import path gets when not renamed: the last element, skipping a /vN suffix. */
export function defaultImportName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1];
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
  const dotted = /^(.*)\.v\d+$/.exec(last);
  if (dotted) last = dotted[1];
  return last.replace(/^go-/, '').replace(/[^A-Za-z0-9_]/g, '_');
}

/** Specs already listed, per tree and declaration node id; trees are replaced, never edited in use. */
const specsByTree = new WeakMap<Tree, Map<number, Node[]>>();

/**
 * The *_spec children of a declaration, whether grouped in parentheses or not. Memoised per tree: rules
 * that evaluate `iota` constants ask for the specs of the group once per constant, and a generated
 * group of 7,000 constants (cmd/compile/internal/ssa/opGen.go) made that quadratic (bench/profile.mjs).
 */
export function specsOf(decl: Node): Node[] {
  let byId = specsByTree.get(decl.tree);
  if (!byId) specsByTree.set(decl.tree, (byId = new Map()));
  let specs = byId.get(decl.id);
  if (!specs) byId.set(decl.id, (specs = listSpecs(decl)));
  // A copy: callers own the array they get, as before the memo.
  return specs.slice();
}

function listSpecs(decl: Node): Node[] {
  const out: Node[] = [];
  for (const child of decl.namedChildren) {
    if (!child) continue;
    if (child.type.endsWith('_spec_list')) {
      for (const spec of child.namedChildren) if (spec && spec.type.endsWith('_spec')) out.push(spec);
    } else if (child.type.endsWith('_spec')) out.push(child);
  }
  return out;
}

type Task =
  | { t: 'visit'; node: Node; scope: Scope; keysAreFields?: boolean }
  | { t: 'declare'; ids: Node[]; kind: BindingKind; declarator: Node; scope: Scope }
  | { t: 'short'; ids: Node[]; declarator: Node; scope: Scope; kind: BindingKind };

/** The bindings of one top-level declaration. */
export class DeclScopes {
  private readonly byNodeId = new Map<number, Binding>();
  readonly bindings: Binding[] = [];

  constructor(
    decl: Node,
    private readonly pkg: PackageScope,
  ) {
    this.walk(decl);
  }

  /** The binding an identifier refers to or declares; undefined for universe names and unknowns. */
  bindingOf(id: Node): Binding | undefined {
    return this.byNodeId.get(id.id);
  }

  private walk(decl: Node): void {
    const stack: Task[] = [{ t: 'visit', node: decl, scope: this.pkg.scope }];
    const push = (tasks: Task[]) => {
      for (let i = tasks.length - 1; i >= 0; i--) stack.push(tasks[i]);
    };
    while (stack.length > 0) {
      const task = stack.pop()!;
      switch (task.t) {
        case 'declare':
          for (const id of task.ids) this.declare(id, task.kind, task.declarator, task.scope);
          break;
        case 'short':
          for (const id of task.ids) {
            const existing = id.type === 'identifier' ? task.scope.names.get(id.text) : undefined;
            if (existing) this.use(id, existing);
            else this.declare(id, task.kind, task.declarator, task.scope);
          }
          break;
        case 'visit':
          push(this.visit(task.node, task.scope, task.keysAreFields ?? false));
          break;
      }
    }
  }

  private declare(id: Node, kind: BindingKind, declarator: Node, scope: Scope): void {
    if (id.type !== 'identifier' || id.text === '_') return;
    const b: Binding = { name: id.text, kind, id, declarator, scopeNode: scope.node, refs: [] };
    scope.names.set(id.text, b);
    this.bindings.push(b);
    this.byNodeId.set(id.id, b);
  }

  private use(id: Node, b: Binding): void {
    this.byNodeId.set(id.id, b);
    if (b.scopeNode.type !== 'source_file') b.refs.push(id);
  }

  /** Returns the follow-up tasks for a node, in evaluation order. */
  private visit(node: Node, scope: Scope, keysAreFields: boolean): Task[] {
    const v = (n: Node | null, s: Scope = scope): Task[] => (n ? [{ t: 'visit', node: n, scope: s }] : []);
    const children = (n: Node, s: Scope): Task[] => n.namedChildren.flatMap((c) => v(c, s));
    switch (node.type) {
      case 'identifier': {
        const b = scope.lookup(node.text);
        if (b) this.use(node, b);
        return [];
      }
      // No names inside; a generated string's escape sequences are children (time/tzdata's 1.4 MB
      // literal: 300k of them, 200 MB of JS objects for a walk that found nothing).
      case 'interpreted_string_literal':
      case 'raw_string_literal':
      case 'rune_literal':
        return [];
      case 'function_declaration':
      case 'method_declaration':
      case 'func_literal':
        return this.visitFunction(node, scope);
      case 'block':
        return children(node, new Scope(scope, node));
      case 'short_var_declaration': {
        const kind: BindingKind = node.parent?.type === 'for_clause' ? 'for' : 'var';
        return [...v(node.childForFieldName('right')), { t: 'short', ids: idsOf(node.childForFieldName('left')), declarator: node, scope, kind }];
      }
      case 'var_spec':
      case 'const_spec': {
        const tasks = [...v(node.childForFieldName('type')), ...v(node.childForFieldName('value'))];
        if (scope === this.pkg.scope) return tasks;
        return [...tasks, { t: 'declare', ids: node.childrenForFieldName('name').filter(nonNull), kind: node.type === 'var_spec' ? 'var' : 'const', declarator: node, scope }];
      }
      case 'for_statement':
        return this.visitFor(node, scope);
      case 'if_statement': {
        const s = new Scope(scope, node);
        return ['initializer', 'condition', 'consequence', 'alternative'].flatMap((f) => v(node.childForFieldName(f), s));
      }
      case 'expression_switch_statement':
      case 'select_statement': {
        const s = new Scope(scope, node);
        return node.namedChildren.flatMap((c) => (c && isCaseClause(c) ? this.visitCase(c, s) : v(c, s)));
      }
      case 'type_switch_statement':
        return this.visitTypeSwitch(node, scope);
      case 'parameter_declaration':
      case 'variadic_parameter_declaration':
      case 'type_parameter_declaration':
        // Reached only inside function types and generic type declarations: the names declare nothing here.
        return v(node.childForFieldName('type'));
      case 'selector_expression':
        return v(node.childForFieldName('operand'));
      case 'composite_literal': {
        const type = node.childForFieldName('type');
        const body = node.childForFieldName('body');
        return [...v(type), ...(body ? [{ t: 'visit' as const, node: body, scope, keysAreFields: type?.type !== 'map_type' }] : [])];
      }
      case 'literal_value':
        // Elements whose type is elided (nested literals) are treated like struct literals: their
        // keys are field names, which is what they almost always are.
        return node.namedChildren.flatMap((c): Task[] => {
          if (!c) return [];
          if (c.type === 'keyed_element') {
            const [key, value] = c.namedChildren;
            const keyExpr = key?.namedChild(0);
            const keyTasks: Task[] = keyExpr && !(keysAreFields && keyExpr.type === 'identifier') ? v(keyExpr) : [];
            return [...keyTasks, ...(value ? this.literalElement(value, scope) : [])];
          }
          return this.literalElement(c, scope);
        });
      default:
        return children(node, scope);
    }
  }

  private literalElement(element: Node, scope: Scope): Task[] {
    const inner = element.type === 'literal_element' ? element.namedChild(0) : element;
    if (!inner) return [];
    if (inner.type === 'literal_value') return [{ t: 'visit', node: inner, scope, keysAreFields: true }];
    return [{ t: 'visit', node: inner, scope }];
  }

  private visitFunction(node: Node, scope: Scope): Task[] {
    const s = new Scope(scope, node);
    const tasks: Task[] = [];
    const declareParams = (list: Node | null, kind: BindingKind) => {
      if (!list || list.type !== 'parameter_list') {
        if (list) tasks.push({ t: 'visit', node: list, scope: s });
        return;
      }
      for (const p of list.namedChildren) {
        if (!p) continue;
        tasks.push({ t: 'visit', node: p, scope: s });
        if (p.type === 'parameter_declaration' || p.type === 'variadic_parameter_declaration') {
          tasks.push({ t: 'declare', ids: p.childrenForFieldName('name').filter(nonNull), kind, declarator: p, scope: s });
        }
      }
    };
    const typeParams = node.childForFieldName('type_parameters');
    if (typeParams) {
      for (const p of typeParams.namedChildren) {
        if (p?.type === 'type_parameter_declaration') tasks.push({ t: 'declare', ids: p.childrenForFieldName('name').filter(nonNull), kind: 'typeparam', declarator: p, scope: s });
      }
    }
    declareParams(node.childForFieldName('receiver'), 'receiver');
    declareParams(node.childForFieldName('parameters'), 'param');
    declareParams(node.childForFieldName('result'), 'result');
    // The body block shares the scope of the parameters.
    const body = node.childForFieldName('body');
    if (body) for (const c of body.namedChildren) if (c) tasks.push({ t: 'visit', node: c, scope: s });
    return tasks;
  }

  private visitFor(node: Node, scope: Scope): Task[] {
    const s = new Scope(scope, node);
    const tasks: Task[] = [];
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'range_clause') {
        const left = c.childForFieldName('left');
        tasks.push({ t: 'visit', node: c.childForFieldName('right') ?? c, scope });
        if (left && rangeDeclares(c)) tasks.push({ t: 'declare', ids: idsOf(left), kind: 'range', declarator: c, scope: s });
        else if (left) tasks.push({ t: 'visit', node: left, scope });
      } else {
        tasks.push({ t: 'visit', node: c, scope: s });
      }
    }
    return tasks;
  }

  private visitCase(clause: Node, scope: Scope): Task[] {
    const s = new Scope(scope, clause);
    const tasks: Task[] = [];
    for (const c of clause.namedChildren) {
      if (!c) continue;
      if (c.type === 'receive_statement' && c.children.some((t) => t?.type === ':=')) {
        tasks.push({ t: 'visit', node: c.childForFieldName('right') ?? c, scope: s });
        tasks.push({ t: 'declare', ids: idsOf(c.childForFieldName('left')), kind: 'receive', declarator: c, scope: s });
      } else {
        tasks.push({ t: 'visit', node: c, scope: s });
      }
    }
    return tasks;
  }

  private visitTypeSwitch(node: Node, scope: Scope): Task[] {
    const s = new Scope(scope, node);
    const aliasScope = new Scope(s, node);
    const tasks: Task[] = [];
    const init = node.childForFieldName('initializer');
    if (init) tasks.push({ t: 'visit', node: init, scope: s });
    const value = node.childForFieldName('value');
    if (value) tasks.push({ t: 'visit', node: value, scope: s });
    const alias = node.childForFieldName('alias');
    if (alias) tasks.push({ t: 'declare', ids: idsOf(alias), kind: 'typeswitch', declarator: node, scope: aliasScope });
    for (const c of node.namedChildren) {
      if (c && isCaseClause(c)) tasks.push(...this.visitCase(c, aliasScope));
    }
    return tasks;
  }
}

function isCaseClause(n: Node): boolean {
  return n.type === 'expression_case' || n.type === 'type_case' || n.type === 'default_case' || n.type === 'communication_case';
}

function idsOf(list: Node | null): Node[] {
  if (!list) return [];
  if (list.type === 'identifier') return [list];
  return list.namedChildren.filter((c): c is Node => c !== null && c.type === 'identifier');
}

function nonNull<T>(x: T | null): x is T {
  return x !== null;
}

/** `for k, v := range` declares new variables; `for k, v = range` assigns existing ones. */
export function rangeDeclares(rangeClause: Node): boolean {
  return rangeClause.children.some((t) => t?.type === ':=');
}
