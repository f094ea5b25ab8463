// The pool summaries of every file of a package (the analysed one included) merged into one view:
// what a named type is, which variables and fields hold sync.Pools, and what their New makes.
import type { Tree } from 'web-tree-sitter';
import type { PackageView } from '../../engine/packageIndex';
import type { RuleContext } from '../../engine/rule';
import { basename } from '../../engine/paths';
import { DependencyMemo, memoWithDependencies } from '../../engine/dependencies';
import { detached, registerMemo } from '../../engine/memo';
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

/**
 * The pool summaries of the package's files merged, first file first (the analysed one): JSON, so
 * that it can be a derived fact of the package view whose part relevant to a declaration is hashed.
 */
export interface PoolFacts {
  /** Whether every file's function bodies were read (else New installed in a function may be unseen). */
  complete: boolean;
  types: Record<string, string>;
  fields: Record<string, FieldFact[]>;
  vars: Record<string, string>;
  pools: Record<string, { fact: PoolVarFact; otherFile?: string }>;
  funcs: Record<string, string>;
  returns: Record<string, string>;
  methods: Record<string, string[]>;
  newSets: NewSetFact[];
  resets: Record<string, number[]>;
}

function mergeSummaries(files: { summary: PoolFileSummary; otherFile?: string }[]): PoolFacts {
  const merged: PoolFacts = { complete: true, types: {}, fields: {}, vars: {}, pools: {}, funcs: {}, returns: {}, methods: {}, newSets: [], resets: {} };
  const first = <T>(into: Record<string, T>, from: Record<string, T>) => {
    for (const [k, v] of Object.entries(from)) if (!Object.prototype.hasOwnProperty.call(into, k)) into[k] = v;
  };
  for (const { summary, otherFile } of files) {
    merged.complete &&= summary.complete;
    first(merged.types, summary.types);
    first(merged.fields, summary.fields);
    first(merged.vars, summary.vars);
    first(merged.funcs, summary.funcs);
    first(merged.returns, summary.returns);
    first(merged.resets, summary.resets ?? {});
    for (const [k, v] of Object.entries(summary.pools)) if (!Object.prototype.hasOwnProperty.call(merged.pools, k)) merged.pools[k] = otherFile ? { fact: v, otherFile } : { fact: v };
    for (const [k, v] of Object.entries(summary.methods)) merged.methods[k] = [...new Set([...(merged.methods[k] ?? []), ...v])].sort();
    merged.newSets.push(...summary.newSets);
  }
  return merged;
}

/** The merged facts of a view (withoutRecording: only the derived fact's own reads count). */
function factsOfView(view: PackageView): PoolFacts {
  const own = view.own(POOL_INDEX) as PoolFileSummary | undefined;
  const others = view.summaries(POOL_INDEX).filter((s) => s.summary).map((s) => ({ summary: s.summary as PoolFileSummary, otherFile: basename(s.path) }));
  return mergeSummaries([...(own ? [{ summary: own }] : []), ...others]);
}

const IDENTIFIER = /[A-Za-z_][A-Za-z0-9_]*/g;

/**
 * The part of the package's pool facts a declaration can reach: the facts of the names its text
 * mentions, and of the names those facts mention in turn (a field's type, a function's result type,
 * what a New makes), to a fixed point; a New installed for a mentioned variable or field; the
 * resets of functions and methods of a mentioned name. Lookups start from names in the text and follow
 * facts, so a declaration is checked again only when what it can look up changes — not when a brace
 * typed elsewhere in the file takes a pool declaration out of the file's summary.
 */
function relevantFacts(facts: PoolFacts, text: string): unknown {
  const out: Record<string, unknown> = { complete: facts.complete, unknownNew: facts.newSets.some((s) => s.target === '?') };
  const seen = new Set<string>();
  // Most of a declaration's identifiers name nothing the facts know: only the others start the walk.
  const known = namesOf(facts);
  const queue: string[] = [];
  for (const m of text.matchAll(IDENTIFIER)) if (known.has(m[0])) queue.push(m[0]);
  const tables = ['types', 'fields', 'vars', 'pools', 'funcs', 'returns', 'methods'] as const;
  const resetKeys = Object.keys(facts.resets);
  const take = (label: string, value: unknown) => {
    out[label] = value;
    queue.push(...(JSON.stringify(value).match(IDENTIFIER) ?? []));
  };
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const t of tables) {
      const table = facts[t] as Record<string, unknown>;
      if (Object.prototype.hasOwnProperty.call(table, name)) take(`${t}\u0000${name}`, table[name]);
    }
    for (const k of resetKeys) if (k === name || k.endsWith(`.${name}`) || k.startsWith(`${name}.`)) take(`resets\u0000${k}`, facts.resets[k]);
    facts.newSets.forEach((set, i) => {
      if (set.target === name || set.target === `.${name}`) take(`newSets\u0000${i}`, set);
    });
  }
  return Object.keys(out)
    .sort()
    .map((k) => [k, out[k]]);
}

const knownNames = new WeakMap<PoolFacts, Set<string>>();

/** Every name some fact is about: table keys, both parts of a reset's `T.m`, New targets (a field's without its dot). */
function namesOf(facts: PoolFacts): Set<string> {
  let names = knownNames.get(facts);
  if (names) return names;
  names = new Set<string>();
  for (const t of ['types', 'fields', 'vars', 'pools', 'funcs', 'returns', 'methods'] as const) for (const k of Object.keys(facts[t])) names.add(k);
  for (const k of Object.keys(facts.resets)) for (const part of k.split('.')) names.add(part);
  for (const set of facts.newSets) names.add(set.target.replace(/^\./, ''));
  knownNames.set(facts, names);
  return names;
}

const byFacts = new WeakMap<PoolFacts, PoolPackage>();
const byView: DependencyMemo<PackageView, PoolPackage> = new WeakMap();
const byTree: DependencyMemo<Tree, PoolPackage> = new WeakMap();

export class PoolPackage {
  private readonly types: Map<string, string>;
  private readonly fields: Map<string, FieldFact[]>;
  private readonly vars: Map<string, string>;
  private readonly pools: Map<string, PoolVar>;
  private readonly funcs: Map<string, string>;
  private readonly returns: Map<string, string>;
  private readonly methods: Map<string, Set<string>>;
  private readonly newSets: NewSetFact[];
  private readonly resets: Map<string, number[]>;
  private readonly containment = new Map<string, string[] | null>();
  /** Whether every file's function bodies were read (else New installed in a function may be unseen). */
  readonly complete: boolean;

  constructor(facts: PoolFacts) {
    this.complete = facts.complete;
    this.types = new Map(Object.entries(facts.types));
    this.fields = new Map(Object.entries(facts.fields));
    this.vars = new Map(Object.entries(facts.vars));
    this.pools = new Map(Object.entries(facts.pools).map(([name, p]) => [name, { name, ...p }]));
    this.funcs = new Map(Object.entries(facts.funcs));
    this.returns = new Map(Object.entries(facts.returns));
    this.methods = new Map(Object.entries(facts.methods).map(([k, v]) => [k, new Set(v)]));
    this.newSets = facts.newSets;
    this.resets = new Map(Object.entries(facts.resets));
  }

  /**
   * The package of the checked file: its own summary and its siblings'. With a package view, one
   * derived fact whose part relevant to the declaration (relevantFacts) is what the declaration depends on.
   */
  static of(ctx: RuleContext): PoolPackage {
    const view = ctx.file.package;
    if (view) {
      if (holdsNoPool(view)) return POOLLESS;
      const facts = view.derived('pool/facts', factsOfView, relevantFacts);
      let pkg = byFacts.get(facts);
      if (!pkg) byFacts.set(facts, (pkg = new PoolPackage(facts)));
      return pkg;
    }
    // Without a package view only the file's top-level declarations are safe to read (a read of all of
    // them, recorded as such); function bodies are not.
    return memoWithDependencies(byTree, ctx.decl.tree, () => {
      ctx.pkg.topLevel();
      return new PoolPackage(mergeSummaries([{ summary: summarizeFile(ctx.decl.tree.rootNode, false) }]));
    });
  }

  /** The pool facts of a package view, as one dependency on everything they are made from (for derived facts of the whole package). */
  static ofView(view: PackageView): PoolPackage {
    return memoWithDependencies(byView, view, () => new PoolPackage(factsOfView(view)));
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

/**
 * A package no file of which says the word `Pool` holds no pool: every way to declare one names
 * sync.Pool. Its files' pool summaries are not read, so that no other file is parsed for them.
 */
function holdsNoPool(view: PackageView): boolean {
  return !view.mentions('Pool');
}

const POOLLESS = new PoolPackage(mergeSummaries([]));

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
  if (view && holdsNoPool(view)) return false;
  const words = view ? view.derived('pool/copy-names', copyWordsOf, mentioned) : PoolPackage.of(ctx).copyWords;
  return mentioned(words, ctx.source.text.slice(ctx.decl.startIndex, ctx.decl.endIndex)).length > 0;
}

/**
 * A package none of whose files' pool summaries mentions a Pool has no holder of one: only the word
 * `Pool` itself. Each file's view of a scanned package asks; merging every file's facts to find that
 * out made the question cost the size of the package for each of its files.
 */
function copyWordsOf(view: PackageView): string[] {
  const summaries = [view.own(POOL_INDEX), ...view.summaries(POOL_INDEX).map((s) => s.summary)];
  if (!summaries.some(mentionsPool)) return ['Pool'];
  // Every file of a scanned package has the same summaries, its own among them: the words are made
  // once. Where two files declare one name differently (build tags), the asking file's own declaration
  // wins, so a file that declares such a name has words of its own.
  const files = summaries
    .map(idOf)
    .sort((a, b) => a - b)
    .join(',');
  let conflicts = conflictsByFiles.get(files);
  if (!conflicts) {
    if (conflictsByFiles.size >= 64) conflictsByFiles.clear();
    conflictsByFiles.set(files, (conflicts = detached(declaredDifferently(summaries as (PoolFileSummary | undefined)[]))));
  }
  const own = summaries[0] as PoolFileSummary | undefined;
  const key = own && COPY_TABLES.some((t) => Object.keys(own[t]).some((name) => conflicts!.has(name))) ? `${files}|${idOf(own)}` : files;
  let words = wordsByFiles.get(key);
  if (!words) {
    if (wordsByFiles.size >= 64) wordsByFiles.clear();
    wordsByFiles.set(key, (words = detached(PoolPackage.ofView(view).copyWords)));
  }
  return words;
}

/** The tables copyWords reads. */
const COPY_TABLES = ['types', 'fields', 'vars', 'funcs', 'returns'] as const;

/** The names two summaries give different facts in a table copyWords reads. */
function declaredDifferently(summaries: (PoolFileSummary | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const table of COPY_TABLES) {
    const seen = new Map<string, string>();
    for (const s of summaries) {
      for (const [name, fact] of Object.entries(s?.[table] ?? {})) {
        const json = JSON.stringify(fact);
        const earlier = seen.get(name);
        if (earlier === undefined) seen.set(name, json);
        else if (earlier !== json) out.add(name);
      }
    }
  }
  return out;
}

const conflictsByFiles = registerMemo(new Map<string, Set<string>>());
const wordsByFiles = registerMemo(new Map<string, string[]>());
const summaryIds = new WeakMap<object, number>();
let lastSummaryId = 0;

/** A number for each summary object (0 for none): the same summary, the same number. */
function idOf(summary: unknown): number {
  if (typeof summary !== 'object' || summary === null) return 0;
  let id = summaryIds.get(summary);
  if (id === undefined) summaryIds.set(summary, (id = ++lastSummaryId));
  return id;
}

const poolMentions = new WeakMap<object, boolean>();

function mentionsPool(summary: unknown): boolean {
  if (typeof summary !== 'object' || summary === null) return false;
  let m = poolMentions.get(summary);
  if (m === undefined) poolMentions.set(summary, (m = JSON.stringify(summary).includes('Pool')));
  return m;
}
