// The pool summaries of every file of a package (the analysed one included) merged into one view:
// what a named type is, which variables and fields hold sync.Pools, and what their New makes.
import type { Tree } from 'web-tree-sitter';
import type { PackageView } from '../../engine/packageIndex';
import type { RuleContext } from '../../engine/rule';
import { basename } from '../../engine/paths';
import { DependencyMemo, memoWithDependencies } from '../../engine/dependencies';
import { poolKind } from './goTypes';
import { FieldFact, NewSetFact, POOL_INDEX, PoolFileSummary, PoolVarFact, summarizeFile } from './summary';

export interface PoolVar {
  name: string;
  fact: PoolVarFact;
  /** The file that declares it, when it is not the analysed one. */
  otherFile?: string;
}

/** What is known of the New of one pool: absent, or the types it makes (undefined: unknown). */
export interface NewInfo {
  has: 'yes' | 'no' | 'unknown';
  /** The one type New makes, when certain. */
  type?: string;
  /** Where it was found, for messages. */
  source?: string;
}

const byView: DependencyMemo<PackageView, PoolPackage> = new WeakMap();
const byTree: DependencyMemo<Tree, PoolPackage> = new WeakMap();

export class PoolPackage {
  private readonly types = new Map<string, string>();
  private readonly fields = new Map<string, FieldFact[]>();
  private readonly vars = new Map<string, string>();
  private readonly pools = new Map<string, PoolVar>();
  private readonly funcs = new Map<string, string>();
  private readonly returns = new Map<string, string>();
  private readonly methods = new Map<string, Set<string>>();
  private readonly newSets: NewSetFact[] = [];
  private readonly resets = new Map<string, number[]>();
  private readonly containment = new Map<string, string[] | null>();
  /** Whether every file's function bodies were read (else New installed in a function may be unseen). */
  readonly complete: boolean;

  constructor(files: { summary: PoolFileSummary; otherFile?: string }[]) {
    let complete = true;
    for (const { summary, otherFile } of files) {
      complete &&= summary.complete;
      for (const [k, v] of Object.entries(summary.types)) if (!this.types.has(k)) this.types.set(k, v);
      for (const [k, v] of Object.entries(summary.fields)) if (!this.fields.has(k)) this.fields.set(k, v);
      for (const [k, v] of Object.entries(summary.vars)) if (!this.vars.has(k)) this.vars.set(k, v);
      for (const [k, v] of Object.entries(summary.funcs)) if (!this.funcs.has(k)) this.funcs.set(k, v);
      for (const [k, v] of Object.entries(summary.returns)) if (!this.returns.has(k)) this.returns.set(k, v);
      for (const [k, v] of Object.entries(summary.pools)) if (!this.pools.has(k)) this.pools.set(k, { name: k, fact: v, otherFile });
      for (const [k, v] of Object.entries(summary.methods)) {
        const set = this.methods.get(k) ?? new Set<string>();
        for (const m of v) set.add(m);
        this.methods.set(k, set);
      }
      this.newSets.push(...summary.newSets);
      for (const [k, v] of Object.entries(summary.resets ?? {})) if (!this.resets.has(k)) this.resets.set(k, v);
    }
    this.complete = complete;
  }

  /** The package of the checked file: its own summary and its siblings', built once per analysis. */
  static of(ctx: RuleContext): PoolPackage {
    const view = ctx.file.package;
    if (view) return PoolPackage.ofView(view);
    // Without a package view only the file's top-level declarations are safe to read (a read of all of
    // them, recorded as such); function bodies are not.
    return memoWithDependencies(byTree, ctx.decl.tree, () => {
      ctx.pkg.topLevel();
      return new PoolPackage([{ summary: summarizeFile(ctx.decl.tree.rootNode, false) }]);
    });
  }

  /** The pool facts of a package view: its own file's summary and the others'. */
  static ofView(view: PackageView): PoolPackage {
    return memoWithDependencies(byView, view, () => {
      const own = view.own(POOL_INDEX) as PoolFileSummary | undefined;
      const others = view.summaries(POOL_INDEX).filter((s) => s.summary).map((s) => ({ summary: s.summary as PoolFileSummary, otherFile: basename(s.path) }));
      return new PoolPackage([...(own ? [{ summary: own }] : []), ...others]);
    });
  }

  /** The underlying type key of a package-local named type ('struct' for structs). */
  namedType = (name: string): string | undefined => this.types.get(name);

  isType(name: string): boolean {
    return this.types.has(name);
  }

  /** A field of a struct type, also one promoted from an embedded struct of the package. */
  field(typeName: string, field: string, depth = 0): FieldFact | undefined {
    const fields = this.fields.get(typeName);
    if (!fields || depth > 4) return undefined;
    const direct = fields.find((f) => f.name === field);
    if (direct) return direct;
    for (const f of fields) {
      if (!f.embedded) continue;
      const inner = this.field(f.type.replace(/^\*/, ''), field, depth + 1);
      if (inner) return inner;
    }
    return undefined;
  }

  varType(name: string): string | undefined {
    return this.resolve(this.vars.get(name));
  }

  funcResult(name: string): string | undefined {
    return this.resolve(this.funcs.get(name));
  }

  /** Whether function `f` or method `T.m` resets its parameter (index) or receiver (-1) before anything else uses it. */
  resetsOnEntry(key: string, index: number): boolean {
    return this.resets.get(key)?.includes(index) ?? false;
  }

  hasMethod(typeName: string, method: string): boolean {
    return this.methods.get(typeName)?.has(method) ?? false;
  }

  /** A package-level sync.Pool variable (declared in any file of the package). */
  poolVar(name: string): PoolVar | undefined {
    const declared = this.pools.get(name);
    if (declared) return declared;
    const kind = poolKind(this.varType(name));
    return kind ? { name, fact: { pointer: kind === 'pointer', init: 'other' } } : undefined;
  }

  /** Resolves the symbolic references of summaries (`call:f`, `func:f`, `?`) to a type key. */
  resolve(ref: string | undefined, depth = 0): string | undefined {
    if (!ref || ref === '?' || depth > 8) return undefined;
    if (ref.startsWith('call:')) {
      const name = ref.slice(5);
      return this.types.has(name) ? name : this.resolve(this.funcs.get(name), depth + 1);
    }
    if (ref.startsWith('func:')) return this.resolve(this.returns.get(ref.slice(5)), depth + 1);
    return ref;
  }

  /** New of a package-level pool variable: its declaration plus `name.New = …` anywhere in the package. */
  newOfVar(pool: PoolVar): NewInfo {
    const sets = this.newSets.filter((s) => s.target === pool.name);
    const where = pool.otherFile ? ` in ${pool.otherFile}` : '';
    if (pool.fact.init === 'other') return { has: 'unknown' };
    const made = [...(pool.fact.newType !== undefined ? [pool.fact.newType] : []), ...sets.map((s) => s.newType)];
    if (made.length === 0) {
      // New may still be installed through a pointer handed to other code (`setup(&p)` doing `q.New = …`).
      return this.complete && !this.newSets.some((s) => s.target === '?') ? { has: 'no', source: `declared${where} without New` } : { has: 'unknown' };
    }
    return { has: 'yes', ...this.oneType(made), source: `New${where}` };
  }

  /** New of a pool held in a struct field: every pool literal or `x.field.New =` for that field name. */
  /** The New of field `field` of struct type `owner`: installs in literals of other struct types do not count. */
  newOfField(field: string, byValue: boolean, owner?: string): NewInfo {
    const sets = this.newSets.filter((s) => s.target === `.${field}` && (!s.owner || !owner || this.resolve(s.owner) === this.resolve(owner)));
    const unknown = this.newSets.some((s) => s.target === '?');
    if (sets.length === 0) {
      // A pointer field holds whatever pool is assigned to it; a field held by value starts without New.
      return byValue && this.complete && !unknown ? { has: 'no', source: `no New is installed for field ${field} anywhere in the package` } : { has: 'unknown' };
    }
    if (unknown) return { has: 'yes' };
    return { has: 'yes', ...this.oneType(sets.map((s) => s.newType)), source: `New of field ${field}` };
  }

  private oneType(refs: string[]): { type?: string } {
    const types = new Set(refs.map((r) => this.resolve(r)));
    if (types.size !== 1) return {};
    const [t] = types;
    return t ? { type: t } : {};
  }

  /**
   * How a type holds a sync.Pool by value, as vet's copylocks prints it: ['S', 'sync.Pool'] for a
   * struct S with a Pool field; undefined when it holds none (or gohazard cannot tell).
   */
  poolPath(key: string | undefined): string[] | undefined {
    if (!key) return undefined;
    const cached = this.containment.get(key);
    if (cached !== undefined) return cached ?? undefined;
    this.containment.set(key, null);
    const path = this.computePoolPath(key);
    this.containment.set(key, path ?? null);
    return path;
  }

  private computePoolPath(key: string): string[] | undefined {
    if (key === 'sync.Pool') return ['sync.Pool'];
    if (key.startsWith('[') && !key.startsWith('[]')) {
      const close = key.indexOf(']');
      return this.poolPath(key.slice(close + 1));
    }
    const base = key.replace(/\[.*$/, '');
    if (base.includes('.') || base.startsWith('*')) return undefined;
    const underlying = this.types.get(base);
    if (underlying === undefined) return undefined;
    if (underlying !== 'struct') {
      const inner = this.poolPath(underlying);
      return inner && [base, ...inner];
    }
    for (const f of this.fields.get(base) ?? []) {
      const inner = this.poolPath(f.type);
      if (inner) return [base, ...inner];
    }
    return undefined;
  }

  private copyWordsCache: string[] | undefined;

  /**
   * The names through which a function can get hold of a Pool value: `Pool` itself, the types that
   * hold one by value, and the variables, fields and functions whose types mention those. A function
   * whose text contains none of them cannot copy a pool that gohazard could recognise.
   */
  get copyWords(): string[] {
    if (this.copyWordsCache) return this.copyWordsCache;
    const holders = [...this.types.keys()].filter((t) => this.poolPath(t));
    const mentions = new RegExp(`(^|[^\\w.])(${['sync\\.Pool', ...holders].join('|')})\\b`);
    const words = new Set(['Pool', ...holders]);
    for (const name of this.vars.keys()) if (mentions.test(this.varType(name) ?? '')) words.add(name);
    for (const name of this.funcs.keys()) if (mentions.test(this.funcResult(name) ?? '')) words.add(name);
    for (const fields of this.fields.values()) for (const f of fields) if (mentions.test(f.type)) words.add(f.name);
    this.copyWordsCache = [...words];
    return this.copyWordsCache;
  }
}

const copyPatterns = new Map<string, RegExp>();

function patternOf(words: string[]): RegExp {
  const key = words.join('|');
  let pattern = copyPatterns.get(key);
  if (!pattern) {
    if (copyPatterns.size > 1000) copyPatterns.clear();
    copyPatterns.set(key, (pattern = new RegExp(`\\b(${key})\\b`, 'g')));
  }
  return pattern;
}

/** Which of the words a declaration's text mentions. */
function mentioned(words: string[], text: string): string[] {
  return [...new Set(text.match(patternOf(words)) ?? [])].sort();
}

/**
 * Whether the declaration mentions any of PoolPackage.copyWords. Every declaration asks, so it is one
 * narrow dependency (PackageView.derived) on the words its text mentions: it is checked again when one
 * of those words stops or starts naming a pool holder, not whenever the package's pool facts change.
 */
export function mentionsCopyNames(ctx: RuleContext): boolean {
  const view = ctx.file.package;
  const words = view ? view.derived('pool/copy-names', (v) => PoolPackage.ofView(v).copyWords, mentioned) : PoolPackage.of(ctx).copyWords;
  return mentioned(words, ctx.source.text.slice(ctx.decl.startIndex, ctx.decl.endIndex)).length > 0;
}
