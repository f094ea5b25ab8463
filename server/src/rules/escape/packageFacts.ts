// What the other files of a package contribute to escape analysis: type declarations, the types of
// package-level variables, constant values, and each function's signature, in the file's summary; and
// on request, a function's escape tags computed by the same model (which parameters leak to the heap,
// leak their contents, or flow to the result, as gc records them in export data) and what it
// allocates once inlined. Tags cost a run of the model over the function, so they are details
// (Indexer.detail): computed only for functions another file calls, when a rule asks. Summaries and
// details are JSON, computed once per file text by the package index (engine/packageIndex.ts).
//
// A summary only knows its own file and the standard library: a function that passes its parameter
// to a function of a third file is summarised as not leaking it, which can hide an escape but never
// invent one.
import type { Node } from 'web-tree-sitter';
import type { Indexer, PackageView } from '../../engine/packageIndex';
import { DependencyMemo, memoWithDependencies } from '../../engine/dependencies';
import { DeclScopes, PackageScope, specsOf } from '../../engine/scope';
import type { SourceText } from '../../engine/sourceText';
import type { GoType } from './goTypes';
import type { Leak, StdFunc } from './stdFacts';

/** A type, serialised with names left as references (resolved in the reading file). */
export type TypeDesc =
  | { k: 'name'; n: string }
  | { k: 'q'; p: string; n: string }
  | { k: 'ptr'; e: TypeDesc }
  | { k: 'slice'; e: TypeDesc }
  | { k: 'array'; len: number | null; e: TypeDesc }
  | { k: 'map'; key: TypeDesc; v: TypeDesc }
  | { k: 'chan'; e: TypeDesc }
  | { k: 'func'; ps: TypeDesc[]; rs: TypeDesc[]; va: boolean }
  | { k: 'iface'; empty: boolean }
  | { k: 'struct'; fs: { n: string; t: TypeDesc; emb: boolean }[] }
  | { k: '?' };

/** A function's or method's signature, in its file's summary. */
export interface FuncSignature {
  ps: TypeDesc[];
  rs: TypeDesc[];
  va: boolean;
  /** Method with a pointer receiver. */
  ptr?: boolean;
}

/** A function's escape tags: a detail of its file, named `f` or `T.m`. */
export interface FuncTags {
  /** Escape tag per parameter (0 = does not escape). */
  lk: (Leak | 0)[];
  /** Receiver's escape tag, for methods. */
  rl?: Leak | 0;
  /** Small enough that gc inlines it: its allocations then happen at each call site. */
  inl?: InlineSummary;
  /** Inlined, it converts a concrete value to the interface it returns (see returnsConcrete). */
  dv?: 1;
}

/** A function of another file: its signature, and its tags computed when first read. */
export interface FuncSummary extends FuncSignature {
  readonly tags: FuncTags | undefined;
}

export interface InlineSummary {
  /** Estimated inlining cost (callers with very large bodies inline only cost ≤ 20). */
  cost: number;
  /** Allocations of the body: gc's text, the model's kind, and where they escape once inlined. */
  allocs: { t: string; k: string; to: 'heap' | number; c?: boolean }[];
}

export interface ConstDesc {
  /** Integers as decimal strings. */
  v: string | boolean;
  kind: 'int' | 'bool' | 'string' | 'float';
  t?: TypeDesc;
}

export interface FileFactsSummary {
  t: Record<string, TypeDesc | { k: 'alias'; t: TypeDesc }>;
  v: Record<string, TypeDesc>;
  c: Record<string, ConstDesc>;
  f: Record<string, FuncSignature>;
  m: Record<string, FuncSignature>;
}

export const INDEXER_ID = 'escape';

/** Serialises a type, keeping named types as references. */
export function toDesc(t: GoType, depth = 0): TypeDesc {
  if (depth > 8) return { k: '?' };
  switch (t.kind) {
    case 'basic':
      return t.untyped ? { k: '?' } : { k: 'name', n: t.name === 'unsafe.Pointer' ? '?' : t.name };
    case 'named':
      return t.pkg ? { k: 'q', p: t.pkg, n: t.name } : { k: 'name', n: t.name };
    case 'pointer':
      return { k: 'ptr', e: toDesc(t.elem, depth + 1) };
    case 'slice':
      return { k: 'slice', e: toDesc(t.elem, depth + 1) };
    case 'array':
      return { k: 'array', len: t.len ?? null, e: toDesc(t.elem, depth + 1) };
    case 'map':
      return { k: 'map', key: toDesc(t.key, depth + 1), v: toDesc(t.value, depth + 1) };
    case 'chan':
      return { k: 'chan', e: toDesc(t.elem, depth + 1) };
    case 'func':
      return { k: 'func', ps: t.params.map((p) => toDesc(p, depth + 1)), rs: t.results.map((r) => toDesc(r, depth + 1)), va: t.variadic };
    case 'interface':
      return { k: 'iface', empty: t.empty };
    case 'struct':
      return { k: 'struct', fs: t.fields.map((f) => ({ n: f.name, t: toDesc(f.type, depth + 1), emb: f.embedded })) };
    default:
      return { k: '?' };
  }
}

/** The facts of the other files of a package, looked up lazily (first file that declares a name wins). */
export class PackageFacts {
  readonly types: Lookup<TypeDesc | { k: 'alias'; t: TypeDesc }>;
  readonly vars: Lookup<TypeDesc>;
  readonly consts: Lookup<ConstDesc>;
  private readonly funcSigs: Lookup<FuncSignature>;
  private readonly methodSigs: Lookup<FuncSignature>;
  private pointerMethodSets?: Map<string, Set<string>>;
  private readonly functions = new Map<string, FuncSummary | undefined>();

  /** tagsOf(i, name): the tags of a function of the i-th file (a detail of that file). */
  constructor(
    private readonly summaries: FileFactsSummary[],
    private readonly tagsOf: (file: number, name: string) => FuncTags | undefined = () => undefined,
  ) {
    this.types = new Lookup(summaries.map((s) => s.t));
    this.vars = new Lookup(summaries.map((s) => s.v));
    this.consts = new Lookup(summaries.map((s) => s.c));
    this.funcSigs = new Lookup(summaries.map((s) => s.f));
    this.methodSigs = new Lookup(summaries.map((s) => s.m));
  }

  /** A package function of another file. */
  func(name: string): FuncSummary | undefined {
    return this.summary(this.funcSigs, name);
  }

  /** A method of another file, by `Type.method`. */
  method(key: string): FuncSummary | undefined {
    return this.summary(this.methodSigs, key);
  }

  hasFunc(name: string): boolean {
    return this.funcSigs.has(name);
  }

  /** Pointer-receiver method names of a type declared in the package. */
  pointerMethods(typeName: string): Set<string> | undefined {
    if (!this.pointerMethodSets) {
      this.pointerMethodSets = new Map();
      for (const s of this.summaries) {
        for (const [k, v] of Object.entries(s.m)) {
          if (!v.ptr) continue;
          const [type, name] = k.split('.');
          (this.pointerMethodSets.get(type) ?? this.pointerMethodSets.set(type, new Set()).get(type)!).add(name);
        }
      }
    }
    return this.pointerMethodSets.get(typeName);
  }

  /**
   * The signature with its tags behind a getter. A name that several files declare alike (build tags)
   * is known only if they agree on the tags too, which then have to be computed at once.
   */
  private summary(sigs: Lookup<FuncSignature>, name: string): FuncSummary | undefined {
    if (this.functions.has(name)) return this.functions.get(name);
    const sig = sigs.get(name);
    let summary: FuncSummary | undefined;
    if (sig) {
      const files = sigs.declaring(name);
      const tags = () => this.tagsOf(files[0], name);
      if (files.length > 1 && new Set(files.map((f) => JSON.stringify(this.tagsOf(f, name) ?? null))).size > 1) summary = undefined;
      else summary = { ...sig, get tags() { return tags(); } };
    }
    this.functions.set(name, summary);
    return summary;
  }
}

/**
 * Name lookup over several files' tables, memoised. A name that files declare differently (build
 * tags: `const debug = true` in one file, `false` in another) is unknown.
 */
export class Lookup<T> {
  private readonly memo = new Map<string, T | undefined>();
  constructor(private readonly tables: Record<string, T>[]) {}

  get(name: string): T | undefined {
    if (this.memo.has(name)) return this.memo.get(name);
    let found: T | undefined;
    let json: string | undefined;
    for (const t of this.tables) {
      if (!Object.prototype.hasOwnProperty.call(t, name)) continue;
      const j = JSON.stringify(t[name]);
      if (found === undefined) {
        found = t[name];
        json = j;
      } else if (j !== json) {
        found = undefined;
        break;
      }
    }
    this.memo.set(name, found);
    return found;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Indices of the tables that declare the name. */
  declaring(name: string): number[] {
    return this.tables.flatMap((t, i) => (Object.prototype.hasOwnProperty.call(t, name) ? [i] : []));
  }
}

const factsCache: DependencyMemo<PackageView, PackageFacts> = new WeakMap();

/** The facts of a file's package view (built once per view). */
export function packageFactsOf(view: PackageView | undefined): PackageFacts | undefined {
  if (!view) return undefined;
  return memoWithDependencies(factsCache, view, () => {
    const files = view.summaries(INDEXER_ID).filter((s): s is { path: string; summary: FileFactsSummary } => !!s.summary);
    return new PackageFacts(
      files.map((f) => f.summary),
      (i, name) => view.detail(INDEXER_ID, files[i].path, name) as FuncTags | undefined,
    );
  });
}

/**
 * Converts a summary to the shape std facts use, with types resolved by the reader. The escape tags are
 * read (and computed) when the model first asks for them, at a call; typing a call needs none.
 */
export function funcFromSummary(s: FuncSummary, resolve: (d: TypeDesc) => GoType): StdFunc {
  const params = s.ps.map(resolve);
  // Without tags (a function the model could not summarise), nothing is assumed to leak: as before,
  // when such a function had tags of all zeros.
  const tags = () => s.tags ?? { lk: s.ps.map(() => 0 as const) };
  return {
    params,
    results: s.rs.map(resolve),
    variadic: s.va,
    get leaks() {
      return tags().lk.map((l) => (l === 0 ? undefined : l));
    },
    get recvLeak() {
      return tags().rl || undefined;
    },
    get inlined() {
      return tags().inl;
    },
    get returnsConcrete() {
      return tags().dv === 1;
    },
  };
}

// ---------------------------------------------------------------- the indexer

type Signer = (decl: Node, scopes: DeclScopes, pkg: PackageScope) => { recv?: { type: string; ptr: boolean }; sig: FuncSignature } | undefined;
type Tagger = (decl: Node, scopes: DeclScopes, pkg: PackageScope) => FuncTags | undefined;
type Describer = (root: Node, pkg: PackageScope, decl: Node) => DescriberApi;

export interface DescriberApi {
  typeDesc(typeNode: Node): TypeDesc;
  valueDesc(expr: Node): TypeDesc;
  constOf(id: Node): ConstDesc | undefined;
}

/**
 * Builds the indexer. The model and type environment are handed in (not imported) to keep this
 * module free of a dependency cycle with the model, which reads PackageFacts.
 */
export function makeEscapeIndexer(signFunction: Signer, tagFunction: Tagger, describer: Describer): Indexer {
  return {
    id: INDEXER_ID,
    summarize(root: Node, source: SourceText): FileFactsSummary {
      void source;
      const out: FileFactsSummary = { t: {}, v: {}, c: {}, f: {}, m: {} };
      const pkg = PackageScope.of(root);
      for (const decl of root.namedChildren) {
        if (!decl) continue;
        try {
          summarizeDecl(decl, pkg, root, out, signFunction, describer);
        } catch {
          // A declaration we cannot summarise contributes nothing.
        }
      }
      return out;
    },
    detail(root: Node, source: SourceText, name: string): FuncTags | undefined {
      void source;
      const dot = name.indexOf('.');
      const [recv, func] = dot < 0 ? [undefined, name] : [name.slice(0, dot), name.slice(dot + 1)];
      const pkg = PackageScope.of(root);
      let found: Node | undefined;
      for (const decl of root.namedChildren) {
        if (!decl || decl.childForFieldName('name')?.text !== func || decl.childForFieldName('type_parameters')) continue;
        if (recv === undefined ? decl.type === 'function_declaration' : decl.type === 'method_declaration' && signFunction(decl, new DeclScopes(decl, pkg), pkg)?.recv?.type === recv) found = decl;
      }
      return found && tagFunction(found, new DeclScopes(found, pkg), pkg);
    },
  };
}

function summarizeDecl(decl: Node, pkg: PackageScope, root: Node, out: FileFactsSummary, signFunction: Signer, describer: Describer): void {
  switch (decl.type) {
    case 'type_declaration': {
      const d = describer(root, pkg, decl);
      for (const spec of decl.namedChildren) {
        if (!spec || (spec.type !== 'type_spec' && spec.type !== 'type_alias')) continue;
        const name = spec.childForFieldName('name')?.text;
        const typeNode = spec.childForFieldName('type');
        if (!name || !typeNode || spec.childForFieldName('type_parameters')) continue;
        out.t[name] = spec.type === 'type_alias' ? { k: 'alias', t: d.typeDesc(typeNode) } : d.typeDesc(typeNode);
      }
      return;
    }
    case 'var_declaration': {
      const d = describer(root, pkg, decl);
      for (const spec of specsOf(decl)) {
        const names = spec.childrenForFieldName('name').filter((x): x is Node => x !== null && x.isNamed);
        const typeNode = spec.childForFieldName('type');
        const values = spec.childForFieldName('value')?.namedChildren.filter((x): x is Node => x !== null) ?? [];
        names.forEach((id, i) => {
          if (id.text === '_') return;
          const desc = typeNode ? d.typeDesc(typeNode) : values.length === names.length ? d.valueDesc(values[i]) : { k: '?' as const };
          out.v[id.text] = desc;
        });
      }
      return;
    }
    case 'const_declaration': {
      const d = describer(root, pkg, decl);
      for (const spec of specsOf(decl)) {
        for (const id of spec.childrenForFieldName('name').filter((x) => x?.isNamed)) {
          if (!id || id.text === '_') continue;
          const c = d.constOf(id);
          if (c) out.c[id.text] = c;
        }
      }
      return;
    }
    case 'function_declaration':
    case 'method_declaration': {
      if (decl.childForFieldName('type_parameters')) return;
      const name = decl.childForFieldName('name')?.text;
      if (!name) return;
      const r = signFunction(decl, new DeclScopes(decl, pkg), pkg);
      if (!r) return;
      if (decl.type === 'function_declaration') {
        if (name !== 'init' && name !== '_') out.f[name] = r.sig;
      } else if (r.recv) out.m[`${r.recv.type}.${name}`] = { ...r.sig, ptr: r.recv.ptr };
      return;
    }
  }
}
