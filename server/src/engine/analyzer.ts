// Runs the enabled rules over a document. Candidates come from one query made of every enabled rule's
// patterns; a rule's check runs only on the top-level declarations where its patterns matched.
//
// Incremental analysis: a rule's findings in a declaration depend on the declaration's text, on the
// file's context (language version, toolchain, enabled rules and their options) and on what the rules
// read outside the declaration: package-level names of the file, the imports, facts about the other
// files of the package (dependencies.ts records each read while the declaration is checked). Results
// are cached per declaration text, relative to the declaration's start, with those reads and the
// values they had; they are reused while every read still has its value. An edit re-checks the
// declarations whose text changed and those that read what changed, and a moved declaration only has
// its findings shifted.
//
// The analysis is also a generator (analysis()) that yields after each declaration it checks, so that
// an editor can interleave it with requests and abandon it when the text changes again; what was
// checked before that stays cached. analyze() runs it to the end, for the CLI and tests.
import type { Node, Query, QueryMatch } from 'web-tree-sitter';
import { EngineConfig, escapeScopeOf, explicitSeverity, ruleOptionsKey, severityFor } from './config';
import { DeclarationText, PENDING, recording } from './dependencies';
import { GoDocument } from './document';
import { GoGrammar } from './grammar';
import { detached } from './memo';
import { familyOf, FileFacts, OffsetFix, Report, Rule, RuleContext } from './rule';
import { DeclScopes, PackageScope, topLevelOf } from './scope';
import { SourceText } from './sourceText';
import { applySuppressions, SameAs, suppressionRule } from './suppressions';
import { MAX_NESTING_DEPTH, nestsDeeperThan, skippedRule } from './limits';
import { Finding, Fix, RuleDoc, Severity } from './types';
import { Heat, heatOf, holdsBenchmarkLoop, isTestCode, measuredLoopOf } from './policy/heat';
import { invariantAcross } from './policy/benchmarks';
import { CandidateFinding, present } from './policy/present';
import { headRange } from './policy/ranges';

interface RelativeFinding {
  rule: string;
  start: number;
  end: number;
  message: string;
  fixes: OffsetFix[];
  goVersion?: string;
  related?: { start: number; end: number; message: string }[];
  subject?: string;
  heat?: Heat;
  weak?: boolean;
}

interface CachedDeclaration {
  /** Each dependency key the check recorded, with the hash of its value then. */
  deps: [string, string][];
  findings: RelativeFinding[];
  /** The run (AnalysisCache.runs) that last used it. */
  used: number;
}

/**
 * Per-document memory of earlier results; keep one per open document. Results of declarations that
 * are gone are kept for a while (least recently used first out, at most twice as many as the file
 * has had declarations): a brace typed and closed again, or an undo, brings their texts back. Keys are
 * hashes, and what is stored is detached from the source (memo.ts): a message naming an identifier would
 * otherwise keep the whole text of the version it was found in.
 */
export class AnalysisCache {
  contextKey = '';
  readonly byDeclText = new Map<string, CachedDeclaration[]>();
  runs = 0;
  private entries = 0;
  private mostDeclarations = 0;

  find(textKey: string, valueOf: (dep: string) => string): CachedDeclaration | undefined {
    return this.byDeclText.get(textKey)?.find((e) => e.deps.every(([key, value]) => valueOf(key) === value));
  }

  store(textKey: string, result: CachedDeclaration): void {
    const entry = detached(result);
    const variants = this.byDeclText.get(textKey) ?? [];
    if (variants.length >= MAX_VARIANTS) {
      variants.sort((a, b) => b.used - a.used).pop();
      this.entries--;
    }
    variants.push(entry);
    this.byDeclText.set(textKey, variants);
    this.entries++;
  }

  reset(contextKey: string): void {
    this.contextKey = contextKey;
    this.byDeclText.clear();
    this.entries = 0;
    this.mostDeclarations = 0;
  }

  /**
   * Drops the least recently used results above the budget, twice the most declarations the file has
   * had: a brace that turns the rest of the file into fragments for a keystroke must not evict the
   * results of the declarations it hides.
   */
  prune(declarations: number): void {
    this.mostDeclarations = Math.max(this.mostDeclarations, declarations);
    const budget = 2 * this.mostDeclarations + 64;
    if (this.entries <= budget) return;
    const all: { key: string; entry: CachedDeclaration }[] = [];
    for (const [key, variants] of this.byDeclText) for (const entry of variants) all.push({ key, entry });
    all.sort((a, b) => a.entry.used - b.entry.used);
    for (const { key, entry } of all.slice(0, all.length - budget)) {
      const variants = this.byDeclText.get(key)!.filter((e) => e !== entry);
      if (variants.length === 0) this.byDeclText.delete(key);
      else this.byDeclText.set(key, variants);
    }
    this.entries = budget;
  }

  get size(): number {
    return this.entries;
  }
}

const DECLARATION_TYPES = new Set(['function_declaration', 'method_declaration', 'var_declaration', 'const_declaration', 'type_declaration', 'import_declaration']);

/** Results of one declaration text kept for different values of its dependencies (e.g. while a type is edited). */
const MAX_VARIANTS = 3;

/** Contiguous changed declarations are queried together, in windows of about this many characters. */
const QUERY_WINDOW_CHARS = 16_000;

export interface AnalysisStats {
  declarations: number;
  /** Declarations whose rules actually ran (the others came from the cache). */
  analysed: number;
  /** Declarations checked now with findings withheld: their rules read facts of the package not loaded yet. */
  withheld: number;
}

export interface AnalysisResult {
  findings: Finding[];
  stats: AnalysisStats;
}

export type RuleErrorHandler = (ruleId: string, error: unknown) => void;

interface CombinedQuery {
  query: Query;
  /** The rules of each pattern index. */
  rulesOfPattern: Rule[][];
}

export class Analyzer {
  private combined: CombinedQuery | undefined;
  readonly ruleIds: ReadonlySet<string>;
  private readonly kindOf: ReadonlyMap<string, RuleDoc['kind']>;
  private readonly sameAs: SameAs;

  constructor(
    private readonly grammar: GoGrammar,
    readonly rules: readonly Rule[],
    private readonly onRuleError: RuleErrorHandler = () => {},
  ) {
    this.ruleIds = new Set(rules.map((r) => r.id));
    this.kindOf = new Map(rules.map((r) => [r.id, r.kind]));
    this.sameAs = new Map(rules.flatMap((r) => (r.sameAs ? [[r.id, r.sameAs]] : [])));
  }

  /** Every rule's documentation, including the engine's own suppression check. */
  get docs(): RuleDoc[] {
    return ruleDocs(this.rules);
  }

  analyze(doc: GoDocument, file: FileFacts, config: EngineConfig, cache: AnalysisCache = new AnalysisCache()): AnalysisResult {
    const steps = this.analysis(doc, file, config, cache);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /**
   * The analysis as steps: it yields after each declaration it checks (cache hits do not yield) and
   * returns the result. The caller may stop calling next() (or call return()) at any yield, e.g. when
   * the document changed: the declarations checked so far stay in the cache. It must not resume after
   * the document changed: the tree it walks is stale, or gone (and resuming throws).
   */
  *analysis(doc: GoDocument, file: FileFacts, config: EngineConfig, cache: AnalysisCache = new AnalysisCache()): Generator<void, AnalysisResult, void> {
    const source = doc.sourceText;
    if (doc.unparsedReason) return skippedFile(source, config, doc.unparsedReason);
    const tree = doc.tree;
    const root = tree.rootNode;
    const active = this.rules
      .map((rule) => ({ rule, severity: severityFor(rule.id, rule.defaultSeverity, config) }))
      .filter((r): r is { rule: Rule; severity: Severity } => r.severity !== 'off' && (r.rule.appliesTo?.(file) ?? true));
    const severityOf = new Map(active.map((r) => [r.rule.id, r.severity]));
    const skippedSeverity = severityFor(skippedRule.id, skippedRule.defaultSeverity, config);
    if (skippedSeverity !== 'off') severityOf.set(skippedRule.id, skippedSeverity);

    // The version's source is in the key too: messages and fixes name its file and line; findings also
    // say whether the toolchain is the installed one.
    const contextKey = [file.goMinor, JSON.stringify(file.versionSource), file.toolchainMinor, file.toolchainStatus, active.map((r) => r.rule.id).join(','), ruleOptionsKey(config), file.package?.packageName ?? '', file.profile?.identity ?? ''].join('\u0000');
    if (cache.contextKey !== contextKey) cache.reset(contextKey);
    const run = ++cache.runs;

    const top = topLevelOf(root);
    // Only declarations are analysed. Top-level fragments (ERROR nodes, and the statements and
    // expressions that error recovery leaves at the top after an unbalanced brace) are code that does
    // not parse: a brace typed in a function shatters the rest of the file into hundreds of them, and
    // analysing those cost a full analysis on every keystroke until the brace is closed.
    const declIndices = top.nodes.flatMap((n, i) => (DECLARATION_TYPES.has(n.type) ? [i] : []));
    const decls = declIndices.map((i) => top.nodes[i]);
    const texts = declIndices.map((i) => top.hashes[i]);
    const pkg = PackageScope.of(root);
    const declarationText = (i: number): DeclarationText => ({ hash: texts[i], text: () => source.text.slice(decls[i].startIndex, decls[i].endIndex) });
    const valueOf = (key: string, i: number) => (key === BASE ? baseOf(decls[i]) : VIEW_KEY.test(key) ? (file.package?.valueOf(key, declarationText(i)) ?? '-') : pkg.valueOf(key, declarationText(i)));
    // With a lazy package view, a rule that read facts of the other files not loaded yet (PENDING) has
    // its findings in the declaration withheld, so that what is published before they load is a subset
    // of what is published after: no finding shows and then goes.
    const lazy = file.package?.lazy === true;
    const pending = (i: number) => (reads: ReadonlySet<string>) => [...reads].some((key) => VIEW_KEY.test(key) && valueOf(key, i) === PENDING);
    let withheld = 0;
    const results: RelativeFinding[][] = new Array(decls.length);
    const missing: number[] = [];
    for (let i = 0; i < decls.length; i++) {
      const hit = cache.find(texts[i], (key) => valueOf(key, i));
      if (hit) {
        hit.used = run;
        results[i] = hit.findings;
      } else missing.push(i);
    }

    if (missing.length > 0 && active.length > 0) {
      const combined = this.combinedQuery();
      const activeRules = new Set(active.map((r) => r.rule));
      // Once per file: it reads the file's build constraint (go-fuzz harnesses are test code).
      const testFile = isTestCode(file.path, source.text);
      // Too deep to query or check within bounded time (limits.ts): reported as skipped instead.
      const tooDeep = new Set(missing.filter((i) => nestsDeeperThan(decls[i], MAX_NESTING_DEPTH)));
      for (const window of queryWindows(decls, declIndices, top.nodes, missing.filter((i) => !tooDeep.has(i)))) {
        const matches = this.matchesFor(combined, root, decls, window);
        for (const i of window) {
          yield;
          if (doc.tree !== tree) throw new Error('the document changed during its analysis');
          const reads = new Set<string>();
          const check = lazy ? { pending: pending(i), withheld: false } : undefined;
          const findings = recording(reads, () => this.checkDecl(decls[i], matches.get(i) ?? [], combined, activeRules, file, testFile, config, source, pkg, reads, check));
          if (check?.withheld) withheld++;
          cache.store(texts[i], { deps: [...reads].map((key) => [key, valueOf(key, i)]), findings, used: run });
          results[i] = findings;
        }
      }
      for (const i of tooDeep) {
        results[i] = [skippedDeclaration(source.text.slice(decls[i].startIndex, decls[i].endIndex))];
        cache.store(texts[i], { deps: [], findings: results[i], used: run });
      }
    } else {
      for (const i of missing) results[i] = [];
    }
    cache.prune(decls.length);

    const candidates: CandidateFinding[] = [];
    for (let i = 0; i < decls.length; i++) {
      const base = decls[i].startIndex;
      for (const f of results[i]) {
        const severity = severityOf.get(f.rule);
        if (!severity) continue;
        candidates.push({
          finding: materialize(f, base, severity, source),
          kind: this.kindOf.get(f.rule) ?? 'hazard',
          explicit: explicitSeverity(f.rule, config),
          heat: f.heat,
          weak: f.weak,
          subject: f.subject === undefined ? undefined : `${i}:${f.subject}`,
        });
      }
    }
    const findings = present(candidates, { scope: escapeScopeOf(config), profile: file.profile });
    findings.sort(compareFindings);
    const { kept, problems } = applySuppressions(findings, tree, source, this.ruleIds, this.sameAs);
    const suppressionSeverity = severityFor(suppressionRule.id, suppressionRule.defaultSeverity, config);
    if (suppressionSeverity !== 'off') kept.push(...problems.map((p) => ({ ...p, severity: suppressionSeverity })));
    kept.sort(compareFindings);
    return { findings: kept, stats: { declarations: decls.length, analysed: missing.length, withheld } };
  }

  /**
   * Compiles the query and runs the parser and the query once on a small file: the first compile and
   * the first parse cost most of a small file's cold start (the WebAssembly code tiers up), and an
   * editor can pay them while it waits for the first document.
   */
  warmUp(): void {
    const { query } = this.combinedQuery();
    const parser = this.grammar.newParser();
    const tree = parser.parse('package p\n\nfunc f(xs []int) {\n\tfor _, x := range xs {\n\t\tgo func() { println(x) }()\n\t}\n}\n');
    try {
      if (tree) query.matches(tree.rootNode);
    } finally {
      tree?.delete();
      parser.delete();
    }
  }

  /**
   * One query of every rule's patterns, whatever the configuration: rules switched off (or not
   * applying to a file's version) have their matches dropped, which costs less than compiling a query
   * per set of rules (the first compile is a good part of the cold start).
   */
  private combinedQuery(): CombinedQuery {
    let combined = this.combined;
    if (!combined) {
      // Rules with the same query text share its patterns: the grammar engine would otherwise find,
      // and JavaScript marshal, each of their matches once per rule.
      const byText = new Map<string, Rule[]>();
      for (const rule of this.rules) {
        const list = byText.get(rule.query);
        if (list) list.push(rule);
        else byText.set(rule.query, [rule]);
      }
      const texts = [...byText.keys()];
      // A pattern belongs to the text whose part of the combined source it starts in. Compiling each
      // query on its own only to count its patterns cost twice the combined compile (bench/).
      const query = this.grammar.query(texts.join('\n'));
      const partEnds: number[] = [];
      let end = 0;
      for (const text of texts) partEnds.push((end += utf8.encode(`${text}\n`).length));
      const rulesOfPattern: Rule[][] = [];
      for (let i = 0; i < query.patternCount(); i++) {
        const start = query.startIndexForPattern(i);
        rulesOfPattern.push(byText.get(texts[partEnds.findIndex((e) => start < e)])!);
      }
      combined = { query, rulesOfPattern };
      this.combined = combined;
    }
    return combined;
  }

  /** Matches of the declarations of one window (queryWindows), grouped by declaration index. */
  private matchesFor(combined: CombinedQuery, root: Node, decls: Node[], window: number[]): Map<number, QueryMatch[]> {
    const byDecl = new Map<number, QueryMatch[]>();
    if (window.length === 1) {
      byDecl.set(window[0], combined.query.matches(decls[window[0]]));
      return byDecl;
    }
    // Rows bound the range whatever units offsets count in; matches of declarations outside the
    // window that share its first or last row are dropped.
    const first = decls[window[0]];
    const last = decls[window[window.length - 1]];
    const starts = decls.map((d) => d.startIndex);
    const inWindow = new Set(window);
    const range = { startPosition: { row: first.startPosition.row, column: 0 }, endPosition: { row: last.endPosition.row + 1, column: 0 } };
    for (const m of combined.query.matches(root, range)) {
      const at = m.captures[0]?.node.startIndex;
      if (at === undefined) continue;
      const i = declIndexAt(starts, at);
      if (!inWindow.has(i) || at >= decls[i].endIndex) continue;
      const list = byDecl.get(i);
      if (list) list.push(m);
      else byDecl.set(i, [m]);
    }
    return byDecl;
  }

  /** With `lazy`: the findings of rules whose reads are pending are left out (and then `lazy.withheld` is set). */
  private checkDecl(
    decl: Node,
    matches: QueryMatch[],
    combined: CombinedQuery,
    active: ReadonlySet<Rule>,
    file: FileFacts,
    testFile: boolean,
    config: EngineConfig,
    source: SourceText,
    pkg: PackageScope,
    reads: Set<string>,
    lazy?: { pending: (reads: ReadonlySet<string>) => boolean; withheld: boolean },
  ): RelativeFinding[] {
    const out: RelativeFinding[] = [];
    if (matches.length === 0) return out;
    const byRule = new Map<Rule, QueryMatch[]>();
    for (const m of matches) {
      for (const rule of combined.rulesOfPattern[m.patternIndex] ?? []) {
        if (!active.has(rule)) continue;
        const list = byRule.get(rule);
        if (list) list.push(m);
        else byRule.set(rule, [m]);
      }
    }
    let scopes: DeclScopes | undefined;
    const base = decl.startIndex;
    let mayBeHot: boolean | undefined;
    const withheld: Rule[] = [];
    for (const [rule, ruleMatches] of byRule) {
      // By default cost findings are shown only in hot code (a declaration that cannot hold any is not
      // checked for them), and facts only in the allocations view.
      if (escapeScopeOf(config) === 'hot' && (rule.kind === 'fact' || (rule.kind === 'cost' && !(mayBeHot ??= declMayBeHot(decl, source, file, reads))))) continue;
      const ctx: RuleContext = {
        file,
        config,
        source,
        decl,
        pkg,
        scopes: () => (scopes ??= new DeclScopes(decl, pkg)),
        lineOf: (node: Node) => {
          // A line outside the declaration moves when anything between them changes length.
          if (node.startIndex < base || node.startIndex > decl.endIndex) reads.add(BASE);
          return `\u0000L${node.startIndex - base}\u0000`;
        },
        report: (r: Report) => {
          const f = relative(rule, r, decl, testFile, ctx.scopes);
          // Likewise an edit or a related location outside it, e.g. an import added to the file.
          if (reachesOutside(f, decl.endIndex - base)) reads.add(BASE);
          out.push(f);
        },
      };
      const before = out.length;
      const ruleReads = lazy && new Set<string>();
      try {
        if (ruleReads) recording(ruleReads, () => rule.check(ctx, ruleMatches));
        else rule.check(ctx, ruleMatches);
      } catch (error) {
        this.onRuleError(rule.id, error);
      }
      if (ruleReads && lazy.pending(ruleReads)) {
        out.length = before;
        withheld.push(rule);
      }
    }
    if (withheld.length === 0) return out;
    lazy!.withheld = true;
    // A withheld finding may be one problem with a finding of another rule, which would then be shown
    // differently: those wait too. The findings of one subject come from rules of one family; costs
    // fold by line.
    const families = new Set(withheld.map((r) => familyOf(r.id)));
    const costs = withheld.some((r) => r.kind === 'cost');
    return out.filter((f) => !(f.subject !== undefined && families.has(familyOf(f.rule))) && !(costs && this.kindOf.get(f.rule) === 'cost'));
  }
}

/**
 * The dependency on the declaration's own position: findings that point outside it (a line number, an
 * import edit) are kept relative to its start and must be recomputed when it moves, and so must what a
 * CPU profile (which knows lines) decided about it.
 */
const BASE = 'base';

function baseOf(decl: Node): string {
  return `${decl.startIndex}:${decl.startPosition.row}`;
}

/** Dependency keys that the package view records (the others are the file's PackageScope's). */
const VIEW_KEY = /^[fodxts]:/;

function reachesOutside(f: RelativeFinding, length: number): boolean {
  const outside = (start: number, end: number) => start < 0 || end > length;
  return outside(f.start, f.end) || f.fixes.some((fix) => fix.edits.some((e) => outside(e.start, e.end))) || (f.related ?? []).some((r) => outside(r.start, r.end));
}

/**
 * Runs of contiguous declarations to query at once, up to QUERY_WINDOW_CHARS each: one pass over many
 * declarations costs less than a query per declaration, and windows keep the steps between yields short.
 */
function queryWindows(decls: Node[], topIndex: number[], top: Node[], indices: number[]): number[][] {
  const windows: number[][] = [];
  let current: number[] = [];
  let chars = 0;
  const close = () => {
    if (current.length === 0) return;
    // The rows of a window must hold nothing else: a fragment of broken code on a shared row (which
    // may nest thousands of levels deep, limits.ts) would be queried too. Such a window is queried
    // declaration by declaration.
    const first = topIndex[current[0]];
    const last = topIndex[current[current.length - 1]];
    const before = top[first - 1];
    const after = top[last + 1];
    const shared = (before && before.endPosition.row >= top[first].startPosition.row) || (after && after.startPosition.row <= top[last].endPosition.row);
    if (shared && current.length > 1) windows.push(...current.map((i) => [i]));
    else windows.push(current);
    current = [];
    chars = 0;
  };
  for (const i of indices) {
    const length = decls[i].endIndex - decls[i].startIndex;
    // Contiguous: the next declaration, with no other top-level node (a fragment) between them.
    const contiguous = current.length > 0 && current[current.length - 1] === i - 1 && topIndex[i - 1] === topIndex[i] - 1;
    if (current.length > 0 && (!contiguous || chars + length > QUERY_WINDOW_CHARS)) close();
    current.push(i);
    chars += length;
  }
  close();
  return windows;
}

/** The documentation of these rules and of the engine's own checks (Analyzer.docs), without an analyzer. */
export function ruleDocs(rules: readonly Rule[]): RuleDoc[] {
  return [...rules.map(({ id, summary, help, defaultSeverity, kind, example }) => ({ id, summary, help, defaultSeverity, kind, example })), suppressionRule, skippedRule];
}

/** Query pattern offsets are UTF-8 byte offsets into the query source. */
const utf8 = new TextEncoder();

/** The result for a file that is not analysed at all: one finding on its first line, unless turned off. */
export function skippedFile(source: SourceText, config: EngineConfig, message: string): AnalysisResult {
  const severity = severityFor(skippedRule.id, skippedRule.defaultSeverity, config);
  const findings: Finding[] = [];
  if (severity !== 'off') {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: source.lineText(0).length } };
    findings.push({ rule: skippedRule.id, severity, range, message, fixes: [] });
  }
  return { findings, stats: { declarations: 0, analysed: 0, withheld: 0 } };
}

/** The finding that stands for a declaration too deep to analyse, on its first line. */
function skippedDeclaration(text: string): RelativeFinding {
  const firstLine = text.search(/\r?\n/);
  return { rule: skippedRule.id, start: 0, end: firstLine < 0 ? text.length : firstLine, message: `declaration not analysed: it nests more than ${MAX_NESTING_DEPTH} levels deep`, fixes: [] };
}

function declIndexAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function relative(rule: Rule, r: Report, decl: Node, testFile: boolean, scopes: () => DeclScopes): RelativeFinding {
  const base = decl.startIndex;
  const range = r.node ? headRange(r.node) : { start: r.start ?? base, end: r.end ?? base };
  const fixes = (r.fixes ?? []).map((fix) => ({ ...fix, edits: fix.edits.map((e) => ({ ...e, start: e.start - base, end: e.end - base })) }));
  const out: RelativeFinding = { rule: rule.id, start: range.start - base, end: range.end - base, message: r.message, fixes, goVersion: r.goVersion };
  if (r.related?.length) {
    out.related = r.related.map((rel) => {
      const at = headRange(rel.node);
      return { start: at.start - base, end: at.end - base, message: rel.message };
    });
  }
  if (r.subject) out.subject = r.subject.map((n) => n.startIndex - base).join(',');
  if (r.weak) out.weak = true;
  if (rule.kind === 'cost' || rule.kind === 'resource') {
    const node = r.node ?? decl.descendantForIndex(range.start, range.end) ?? decl;
    out.heat = heatOf(node, testFile);
    if (r.cold) out.heat.cold ??= r.cold;
    if (out.heat.benchmark && r.hoistable) {
      const loop = measuredLoopOf(node);
      out.heat.invariant = loop !== undefined && invariantAcross(node, loop, scopes());
    }
  }
  return out;
}

/** Whether anything in the declaration may be hot: it holds a benchmark loop, or the profile has a hot function in it. */
function declMayBeHot(decl: Node, source: SourceText, file: FileFacts, reads: Set<string>): boolean {
  if (holdsBenchmarkLoop(decl, source.text.slice(decl.startIndex, decl.endIndex))) return true;
  if (!file.profile) return false;
  // The profile knows lines: the answer holds while the declaration stays where it is.
  reads.add(BASE);
  return file.profile.hotWithin(decl.startPosition.row, decl.endPosition.row);
}

function materialize(f: RelativeFinding, base: number, severity: Severity, source: SourceText): Finding {
  const range = (start: number, end: number) => ({ start: source.positionAt(base + start), end: source.positionAt(base + end) });
  const fixes: Fix[] = f.fixes.map((fix) => ({
    title: fix.title,
    edits: fix.edits.map((e) => ({ range: range(e.start, e.end), newText: e.newText })),
    otherFiles: fix.otherFiles,
    preferred: fix.preferred,
  }));
  const finding: Finding = { rule: f.rule, severity, range: range(f.start, f.end), message: resolveLines(f.message, base, source), fixes };
  if (f.goVersion) finding.goVersion = f.goVersion;
  if (f.related) finding.related = f.related.map((r) => ({ range: range(r.start, r.end), message: resolveLines(r.message, base, source) }));
  return finding;
}

// Messages quote source text, which may hold NUL bytes (shown as U+FFFD, never as a control character)
// and line breaks (a node that error recovery stretched over lines): a message is one line, as the text
// output and every editor's list show it.
function resolveLines(message: string, base: number, source: SourceText): string {
  return message
    .replace(LINE_REF, (_, offset: string) => String(source.positionAt(base + Number(offset)).line + 1))
    .replace(/\u0000/g, '\uFFFD')
    .replace(/\s*[\r\n\u2028\u2029]\s*/g, ' ');
}

/** Placeholders made by RuleContext.lineOf: a node's offset relative to its declaration. */
const LINE_REF = /\u0000L(-?\d+)\u0000/g;

function compareFindings(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message);
}
