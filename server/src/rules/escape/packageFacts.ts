// What the other files of a package contribute to escape analysis: type declarations, the types of
// package-level variables, constant values, and each function's signature with escape tags computed
// by the same model (which parameters leak to the heap, leak their contents, or flow to the result),
// as gc records them in export data. Summaries are JSON, computed once per file text by the package
// index (engine/packageIndex.ts) and merged per package.
//
// A summary only knows its own file and the standard library: a function that passes its parameter
// to a function of a third file is summarised as not leaking it, which can hide an escape but never
// invent one.
import type { Node } from 'web-tree-sitter';
import type { Indexer, PackageView } from '../../engine/packageIndex';
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

export interface FuncSummary {
  ps: TypeDesc[];
  rs: TypeDesc[];
  va: boolean;
  /** Escape tag per parameter (0 = does not escape). */
  lk: (Leak | 0)[];
  /** Receiver's escape tag, for methods. */
  rl?: Leak | 0;
  /** Method with a pointer receiver. */
  ptr?: boolean;
  /** Small enough that gc inlines it: its allocations then happen at each call site. */
  inl?: InlineSummary;
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
  f: Record<string, FuncSummary>;
  m: Record<string, FuncSummary>;
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
  readonly funcs: Lookup<FuncSummary>;
  readonly methods: Lookup<FuncSummary>;
  private pointerMethodSets?: Map<string, Set<string>>;

  constructor(private readonly summaries: FileFactsSummary[]) {
    this.types = new Lookup(summaries.map((s) => s.t));
    this.vars = new Lookup(summaries.map((s) => s.v));
    this.consts = new Lookup(summaries.map((s) => s.c));
    this.funcs = new Lookup(summaries.map((s) => s.f));
    this.methods = new Lookup(summaries.map((s) => s.m));
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
}

const factsCache = new WeakMap<PackageView, PackageFacts>();

/** The facts of a file's package view (built once per view). */
export function packageFactsOf(view: PackageView | undefined): PackageFacts | undefined {
  if (!view) return undefined;
  let facts = factsCache.get(view);
  if (!facts) {
    const summaries = view.summaries(INDEXER_ID).map((s) => s.summary as FileFactsSummary | undefined).filter((s): s is FileFactsSummary => !!s);
    facts = new PackageFacts(summaries);
    factsCache.set(view, facts);
  }
  return facts;
}

/** Converts a summary to the shape std facts use, with types resolved by the reader. */
export function funcFromSummary(s: FuncSummary, resolve: (d: TypeDesc) => GoType): StdFunc {
  return {
    params: s.ps.map(resolve),
    results: s.rs.map(resolve),
    variadic: s.va,
    leaks: s.lk.map((l) => (l === 0 ? undefined : l)),
    recvLeak: s.rl ? s.rl : undefined,
    inlined: s.inl,
  };
}

// ---------------------------------------------------------------- the indexer

type Summarizer = (decl: Node, scopes: DeclScopes, pkg: PackageScope) => { recv?: { type: string; ptr: boolean }; summary: FuncSummary } | undefined;
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
export function makeEscapeIndexer(summarizeFunction: Summarizer, describer: Describer): Indexer {
  return {
    id: INDEXER_ID,
    summarize(root: Node, source: SourceText): FileFactsSummary {
      void source;
      const out: FileFactsSummary = { t: {}, v: {}, c: {}, f: {}, m: {} };
      const pkg = new PackageScope(root);
      for (const decl of root.namedChildren) {
        if (!decl) continue;
        try {
          summarizeDecl(decl, pkg, root, out, summarizeFunction, describer);
        } catch {
          // A declaration we cannot summarise contributes nothing.
        }
      }
      return out;
    },
  };
}

function summarizeDecl(decl: Node, pkg: PackageScope, root: Node, out: FileFactsSummary, summarizeFunction: Summarizer, describer: Describer): void {
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
      const scopes = new DeclScopes(decl, pkg);
      const r = summarizeFunction(decl, scopes, pkg);
      if (!r) return;
      if (decl.type === 'function_declaration') {
        if (name !== 'init' && name !== '_') out.f[name] = r.summary;
      } else if (r.recv) out.m[`${r.recv.type}.${name}`] = { ...r.summary, ptr: r.recv.ptr };
      return;
    }
  }
}
