// Binds identifiers to their declarations within one file, following Go's block scoping: package
// declarations, receivers, parameters and results, `:=` (which redeclares only names new to the
// block), `var`/`const`, range and 3-clause loop variables, type-switch aliases, select receives and
// shadowing in nested blocks. Resolution is done per top-level declaration and only on demand,
// because walking every node from JavaScript costs as much as parsing (PERF-NOTES).
//
// The walk keeps an explicit work stack instead of recursing, so deeply nested code cannot overflow
// the JavaScript stack.
import type { Node, Tree } from 'web-tree-sitter';
import { DeclarationText, recordDependency, ShareMemo, textHash } from './dependencies';
import { DeclarationMemo, registerMemo } from './memo';

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
  constructor(
    readonly parent: Scope | undefined,
    readonly node: Node,
    readonly names: Map<string, Binding> = new Map(),
  ) {}

  lookup(name: string): Binding | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const b = s.names.get(name);
      if (b) return b;
    }
    return undefined;
  }
}

/**
 * The package-level names of a file. Reads are recorded as dependencies of the declaration being
 * checked (dependencies.ts): a name by name, any enumeration as a read of every top-level declaration.
 * Bindings are made when first looked up (`ensure`): an edit re-checks a declaration or two, which
 * look up a few names of a file that may declare thousands.
 */
class PackageNames extends Map<string, Binding> {
  constructor(
    private readonly ensure: (name: string) => void,
    private readonly ensureAll: () => void,
  ) {
    super();
  }

  get(name: string): Binding | undefined {
    recordDependency(`n:${name}`);
    return this.peek(name);
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  get size(): number {
    recordDependency('*');
    this.ensureAll();
    return super.size;
  }

  keys(): MapIterator<string> {
    recordDependency('*');
    this.ensureAll();
    return super.keys();
  }

  values(): MapIterator<Binding> {
    recordDependency('*');
    return this.peekAll();
  }

  entries(): MapIterator<[string, Binding]> {
    recordDependency('*');
    this.ensureAll();
    return super.entries();
  }

  [Symbol.iterator](): MapIterator<[string, Binding]> {
    return this.entries();
  }

  forEach(fn: (value: Binding, key: string, map: Map<string, Binding>) => void, thisArg?: unknown): void {
    recordDependency('*');
    this.ensureAll();
    super.forEach(fn, thisArg);
  }

  /** A lookup that is not a read of the declaration being checked (the scope's own bookkeeping). */
  peek(name: string): Binding | undefined {
    this.ensure(name);
    return super.get(name);
  }

  peekAll(): MapIterator<Binding> {
    this.ensureAll();
    return super.values();
  }
}

const FUNCTION_TYPES = new Set(['function_declaration', 'method_declaration']);

/** The top-level nodes of a tree but comments, and a key of each one's type and text; made once per tree. */
export interface TopLevel {
  nodes: Node[];
  hashes: string[];
}

const topLevels = new WeakMap<Tree, TopLevel>();

export function topLevelOf(root: Node): TopLevel {
  let top = topLevels.get(root.tree);
  if (!top) {
    const nodes = root.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment');
    // The node type is part of the key: error recovery can make the same text an ERROR node in one
    // version and a declaration in the next.
    top = { nodes, hashes: nodes.map((n) => `${n.type}:${textHash(n.text)}`) };
    topLevels.set(root.tree, top);
  }
  return top;
}

/** A package-level name as a declaration's text declares it, before any binding is made. */
interface Declared {
  name: string;
  kind: BindingKind;
  importPath?: string;
}

/**
 * What is known of a top-level declaration from its text alone, memoised by the text's hash (most of a
 * file is the same from one keystroke to the next): the names it declares and the hash of what other
 * declarations may rely on (interfaceText).
 */
interface DeclarationFacts {
  declared: Declared[];
  interfaceHash: string;
  /** A method's receiver base type and name. */
  method?: { receiver: string; name: string };
}

function sameMethod(m: DeclarationFacts['method'], typeName: string, method: string): boolean {
  return m !== undefined && m.receiver === typeName && m.name === method;
}

/** The base type name of a method's receiver: `T` for `(t *T)` and `(t T[K])`. */
function receiverBase(method: Node): string | undefined {
  let t = method.childForFieldName('receiver')?.namedChildren.find((p) => p?.type === 'parameter_declaration')?.childForFieldName('type') ?? undefined;
  if (t?.type === 'pointer_type') t = t.namedChild(0) ?? undefined;
  if (t?.type === 'generic_type') t = t.childForFieldName('type') ?? undefined;
  return t?.type === 'type_identifier' ? t.text : undefined;
}

const factsByText = new DeclarationMemo<DeclarationFacts>(20_000);

function declarationFacts(decl: Node, hash: string): DeclarationFacts {
  let facts = factsByText.get(hash);
  if (!facts) {
    facts = { declared: declaredBy(decl), interfaceHash: FUNCTION_TYPES.has(decl.type) ? `${decl.type}:${textHash(interfaceText(decl))}` : hash };
    if (decl.type === 'method_declaration') {
      const receiver = receiverBase(decl);
      const name = decl.childForFieldName('name')?.text;
      if (receiver && name) facts.method = { receiver, name };
    }
    facts = factsByText.set(hash, facts);
  }
  return facts;
}

function declaredBy(decl: Node): Declared[] {
  const out: Declared[] = [];
  const add = (id: Node | null, kind: BindingKind, importPath?: string) => {
    // childrenForFieldName('name') also yields the `,` between names.
    if (id && id.isNamed && id.text !== '_') out.push({ name: id.text, kind, importPath });
  };
  switch (decl.type) {
    case 'function_declaration':
      add(decl.childForFieldName('name'), 'func');
      break;
    case 'var_declaration':
    case 'const_declaration':
      for (const spec of specsOf(decl)) for (const id of spec.childrenForFieldName('name')) add(id, decl.type === 'var_declaration' ? 'var' : 'const');
      break;
    case 'type_declaration':
      for (const spec of decl.namedChildren) {
        if (spec && (spec.type === 'type_spec' || spec.type === 'type_alias')) add(spec.childForFieldName('name'), 'type');
      }
      break;
    case 'import_declaration':
      for (const spec of specsOf(decl)) {
        const pathNode = spec.childForFieldName('path');
        if (!pathNode) continue;
        const path = pathNode.text.slice(1, -1);
        const nameNode = spec.childForFieldName('name');
        if (nameNode && (nameNode.type === 'dot' || nameNode.type === 'blank_identifier')) continue;
        if (nameNode) add(nameNode, 'import', path);
        else out.push({ name: defaultImportName(path), kind: 'import', importPath: path });
      }
      break;
  }
  return out;
}

const scopesByTree = new WeakMap<Tree, PackageScope>();

export class PackageScope {
  readonly scope: Scope;
  private readonly names: PackageNames;
  private readonly top: TopLevel;
  /** The declaration (index into top.nodes) whose binding of a name wins: the last one, as in a Map. */
  private readonly declaringIndex = new Map<string, number>();
  private readonly bound = new Set<number>();
  private readonly values = new Map<string, string>();
  private readonly byKind = new Map<BindingKind, Binding[]>();
  private readonly byKindHashes = new Map<string, { name: string; hash: string }[]>();

  /**
   * The scope of root's tree, made once per tree: a scan summarises a file and analyses it from one
   * tree, and the escape summaries, their details and the analysis each made their own (about 2% of a
   * scan). Package-level bindings are not changed by resolution (refs are kept for local ones only).
   */
  static of(root: Node): PackageScope {
    let scope = scopesByTree.get(root.tree);
    if (scope?.root.id !== root.id) scopesByTree.set(root.tree, (scope = new PackageScope(root)));
    return scope;
  }

  private constructor(readonly root: Node) {
    this.top = topLevelOf(root);
    this.names = new PackageNames(
      (name) => this.bind(this.declaringIndex.get(name)),
      () => this.top.nodes.forEach((_, i) => this.bind(i)),
    );
    this.scope = new Scope(undefined, root, this.names);
    this.top.nodes.forEach((decl, i) => {
      for (const d of declarationFacts(decl, this.top.hashes[i]).declared) this.declaringIndex.set(d.name, i);
    });
  }

  lookup(name: string): Binding | undefined {
    return this.scope.names.get(name);
  }

  /** The file's imports (named or not; not dot or blank imports). */
  imports(): Binding[] {
    recordDependency('g:imports');
    return this.bindingsDeclaredAs('import');
  }

  /** The import declarations, e.g. to add one. */
  importDeclarations(): Node[] {
    recordDependency('g:imports');
    return this.top.nodes.filter((d) => d.type === 'import_declaration');
  }

  packageClause(): Node | undefined {
    recordDependency('g:package');
    return this.top.nodes.find((d) => d.type === 'package_clause');
  }

  /**
   * The package-level bindings of one kind, e.g. every package variable. A declaration can only use
   * the bindings whose names its text mentions: it depends on those (see valueOf), not on every
   * declaration of the kind.
   */
  bindingsOfKind(kind: BindingKind): Binding[] {
    recordDependency(`k:${kind}`);
    return this.bindingsDeclaredAs(kind);
  }

  /** Binds only the declarations that declare names of this kind (most files declare thousands of others). */
  private bindingsDeclaredAs(kind: BindingKind): Binding[] {
    let list = this.byKind.get(kind);
    if (!list) this.byKind.set(kind, (list = this.declaredAs(kind)));
    return [...list];
  }

  private declaredAs(kind: BindingKind): Binding[] {
    const out = new Set<Binding>();
    this.top.nodes.forEach((decl, i) => {
      for (const d of declarationFacts(decl, this.top.hashes[i]).declared) {
        const b = d.kind === kind ? this.names.peek(d.name) : undefined;
        if (b?.kind === kind) out.add(b);
      }
    });
    return [...out];
  }

  /** The file's methods of a receiver base type with this name (a read of just those: `m:T.name`). */
  methodsNamed(typeName: string, method: string): Node[] {
    recordDependency(`m:${typeName}.${method}`);
    return this.top.nodes.filter((d, i) => d.type === 'method_declaration' && sameMethod(declarationFacts(d, this.top.hashes[i]).method, typeName, method));
  }

  /** Every top-level node of the file (package clause and declarations, not comments). */
  topLevel(): Node[] {
    recordDependency('*');
    return [...this.top.nodes];
  }

  /**
   * The current value (a hash) of a dependency key this scope records: what a declaration that read
   * it would have seen. Function declarations count by their header (receiver, name, signature): rules
   * read another function's body only through package summaries.
   */
  valueOf(key: string, declaration?: DeclarationText): string {
    if (key.startsWith('k:') && declaration) {
      const kind = key.slice(2);
      return shares.get(key, this.valueOf(key), declaration, (text) => this.kindValue(kind, text));
    }
    let v = this.values.get(key);
    if (v === undefined) {
      v = this.computeValue(key);
      this.values.set(key, v);
    }
    return v;
  }

  private computeValue(key: string): string {
    const { nodes, hashes } = this.top;
    const interfaceHash = (i: number) => declarationFacts(nodes[i], hashes[i]).interfaceHash;
    const ofType = (type: string) => textHash(nodes.flatMap((d, i) => (d.type === type ? [interfaceHash(i)] : [])).join(','));
    if (key.startsWith('n:')) {
      const name = key.slice(2);
      const i = this.declaringIndex.get(name);
      if (i === undefined) return '-';
      const d = declarationFacts(nodes[i], hashes[i]).declared.find((x) => x.name === name)!;
      return d.kind === 'import' ? `import ${d.importPath ?? ''}` : interfaceHash(i);
    }
    if (key === '*') return skeletonHash(this.root);
    if (key === 'g:package') return ofType('package_clause');
    if (key === 'g:imports') return ofType('import_declaration');
    if (key.startsWith('m:')) {
      const dot = key.indexOf('.', 2);
      const [typeName, method] = [key.slice(2, dot), key.slice(dot + 1)];
      return textHash(nodes.flatMap((d, i) => (sameMethod(declarationFacts(d, hashes[i]).method, typeName, method) ? [interfaceHash(i)] : [])).join(','));
    }
    if (key.startsWith('k:')) return this.kindValue(key.slice(2));
    throw new Error(`not a package scope dependency: ${key}`);
  }

  /** The declarations of bindings of a kind, or of those whose names a declaration's text mentions. */
  private kindValue(kind: string, mentionedIn?: string): string {
    let all = this.byKindHashes.get(kind);
    if (!all) {
      all = [];
      this.top.nodes.forEach((d, i) => {
        const facts = declarationFacts(d, this.top.hashes[i]);
        for (const x of facts.declared) if (x.kind === kind) all!.push({ name: x.name, hash: facts.interfaceHash });
      });
      this.byKindHashes.set(kind, all);
    }
    const words = mentionedIn === undefined ? undefined : wordsOf(mentionedIn);
    return textHash(all.filter((b) => !words || words.has(b.name)).map((b) => `${b.name}=${b.hash}`).join(','));
  }

  /** Makes the bindings of one top-level declaration (those it wins; see declaringIndex). */
  private bind(i: number | undefined): void {
    if (i === undefined || this.bound.has(i)) return;
    this.bound.add(i);
    const decl = this.top.nodes[i];
    const add = (id: Node, kind: BindingKind, declarator: Node, importPath?: string) => {
      if (this.declaringIndex.get(id.text) !== i) return;
      this.names.set(id.text, { name: id.text, kind, id, declarator, scopeNode: this.scope.node, refs: [], importPath });
    };
    const named = (id: Node | null): id is Node => !!id && id.isNamed && id.text !== '_';
    switch (decl.type) {
      case 'function_declaration': {
        const id = decl.childForFieldName('name');
        if (named(id)) add(id, 'func', decl);
        break;
      }
      case 'var_declaration':
      case 'const_declaration':
        for (const spec of specsOf(decl)) {
          for (const id of spec.childrenForFieldName('name')) if (named(id)) add(id, decl.type === 'var_declaration' ? 'var' : 'const', spec);
        }
        break;
      case 'type_declaration':
        for (const spec of decl.namedChildren) {
          if (!spec || (spec.type !== 'type_spec' && spec.type !== 'type_alias')) continue;
          const id = spec.childForFieldName('name');
          if (named(id)) add(id, 'type', spec);
        }
        break;
      case 'import_declaration':
        for (const spec of specsOf(decl)) {
          const pathNode = spec.childForFieldName('path');
          if (!pathNode) continue;
          const path = pathNode.text.slice(1, -1);
          const nameNode = spec.childForFieldName('name');
          if (nameNode && (nameNode.type === 'dot' || nameNode.type === 'blank_identifier')) continue;
          if (nameNode) {
            if (named(nameNode)) add(nameNode, 'import', spec, path);
          } else if (this.declaringIndex.get(defaultImportName(path)) === i) {
            const name = defaultImportName(path);
            this.names.set(name, { name, kind: 'import', id: pathNode, declarator: spec, scopeNode: this.scope.node, refs: [], importPath: path });
          }
        }
        break;
    }
  }
}

/** A declaration's share of a group of bindings (k:), by the group's hash and the declaration's text. */
const shares = registerMemo(new ShareMemo());

function wordsOf(text: string): Set<string> {
  return new Set(text.match(/[\p{L}_][\p{L}\p{Nd}_]*/gu));
}

/**
 * A hash of every top-level declaration as other declarations may rely on it: functions by their
 * header, the rest by their text (comments left out).
 */
export function skeletonHash(root: Node): string {
  const { nodes, hashes } = topLevelOf(root);
  return textHash(nodes.map((d, i) => declarationFacts(d, hashes[i]).interfaceHash).join(','));
}

/** What other declarations may rely on: a function's header (up to its body), any other declaration's text. */
export function interfaceText(decl: Node): string {
  if (!FUNCTION_TYPES.has(decl.type)) return decl.text;
  const body = decl.childForFieldName('body');
  return body ? decl.text.slice(0, body.startIndex - decl.startIndex) : decl.text;
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
  private readonly all: Binding[] = [];
  private walked = false;

  // The walk waits for the first question: a function's signature is typed with its scopes at hand, and
  // never asks them (the package index summarises every function of a package that way).
  constructor(
    private readonly decl: Node,
    private readonly pkg: PackageScope,
  ) {}

  /** The binding an identifier refers to or declares; undefined for universe names and unknowns. */
  bindingOf(id: Node): Binding | undefined {
    this.ensureWalked();
    return this.byNodeId.get(id.id);
  }

  /** Every binding the declaration declares, in the order of the walk. */
  get bindings(): readonly Binding[] {
    this.ensureWalked();
    return this.all;
  }

  private ensureWalked(): void {
    if (this.walked) return;
    this.walked = true;
    this.walk(this.decl);
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
    this.all.push(b);
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
