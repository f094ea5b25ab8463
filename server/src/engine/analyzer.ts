// Runs the enabled rules over a document. Candidates come from one query made of every enabled rule's
// patterns; a rule's check runs only on the top-level declarations where its patterns matched.
//
// Incremental analysis: a rule's findings in a declaration depend on the declaration's text and on
// the file's context (language version, enabled rules, package-level declarations, and what the host
// says about other files). Results are cached per declaration text, relative to the declaration's
// start, and reused while the context is unchanged, so an edit re-checks only the declarations whose
// text changed, and a moved declaration only has its findings shifted.
import type { Node, Query, QueryMatch } from 'web-tree-sitter';
import { EngineConfig, escapeScopeOf, explicitSeverity, ruleOptionsKey, severityFor } from './config';
import { GoDocument } from './document';
import { GoGrammar } from './grammar';
import { FileFacts, OffsetFix, Report, Rule, RuleContext } from './rule';
import { DeclScopes, PackageScope } from './scope';
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

/** Per-document memory of earlier results; keep one per open document. */
export class AnalysisCache {
  contextKey = '';
  byDeclText = new Map<string, RelativeFinding[]>();
}

export interface AnalysisStats {
  declarations: number;
  /** Declarations whose rules actually ran (the others came from the cache). */
  analysed: number;
}

export interface AnalysisResult {
  findings: Finding[];
  stats: AnalysisStats;
}

export type RuleErrorHandler = (ruleId: string, error: unknown) => void;

interface CombinedQuery {
  query: Query;
  /** Rule of each pattern index. */
  ruleOfPattern: Rule[];
}

export class Analyzer {
  private readonly combined = new Map<string, CombinedQuery>();
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
    const source = doc.sourceText;
    if (doc.unparsedReason) return skippedFile(source, config, doc.unparsedReason);
    const root = doc.tree.rootNode;
    const active = this.rules
      .map((rule) => ({ rule, severity: severityFor(rule.id, rule.defaultSeverity, config) }))
      .filter((r): r is { rule: Rule; severity: Severity } => r.severity !== 'off' && (r.rule.appliesTo?.(file) ?? true));
    const severityOf = new Map(active.map((r) => [r.rule.id, r.severity]));
    const skippedSeverity = severityFor(skippedRule.id, skippedRule.defaultSeverity, config);
    if (skippedSeverity !== 'off') severityOf.set(skippedRule.id, skippedSeverity);

    const decls = root.namedChildren.filter((n): n is Node => n !== null && n.type !== 'comment' && n.type !== 'package_clause');
    const pkgSignature = decls
      .filter((d) => d.type !== 'function_declaration' && d.type !== 'method_declaration')
      .map((d) => d.text)
      .join('\n');
    // Function names and method receivers are part of what other declarations may rely on
    // (e.g. which methods of a type take a pointer receiver); their bodies are not.
    const funcNames = decls
      .filter((d) => d.type === 'function_declaration' || d.type === 'method_declaration')
      .map((d) => `${d.childForFieldName('receiver')?.text ?? ''}${d.childForFieldName('name')?.text ?? ''}`);
    // The version's source is in the key too: messages and fixes name its file and line; findings also
    // say whether the toolchain is the installed one.
    const contextKey = [file.goMinor, JSON.stringify(file.versionSource), file.toolchainMinor, file.toolchainStatus, active.map((r) => r.rule.id).join(','), ruleOptionsKey(config), file.package?.fingerprint ?? '', file.profile?.identity ?? '', funcNames.join(','), pkgSignature].join('\u0000');
    if (cache.contextKey !== contextKey) {
      cache.contextKey = contextKey;
      cache.byDeclText = new Map();
    }

    const texts = decls.map((d) => source.text.slice(d.startIndex, d.endIndex));
    const missing = decls.map((_, i) => i).filter((i) => !cache.byDeclText.has(texts[i]));
    const next = new Map<string, RelativeFinding[]>();
    if (missing.length > 0 && active.length > 0) {
      const pkg = new PackageScope(root);
      const combined = this.combinedQuery(active.map((r) => r.rule));
      // Too deep to query or check within bounded time (limits.ts): reported as skipped instead.
      const tooDeep = new Set(missing.filter((i) => nestsDeeperThan(decls[i], MAX_NESTING_DEPTH)));
      const matchesByDecl = this.matchesFor(combined, root, decls, missing.filter((i) => !tooDeep.has(i)), tooDeep.size === 0);
      for (const i of missing) {
        next.set(texts[i], tooDeep.has(i) ? [skippedDeclaration(texts[i])] : this.checkDecl(decls[i], matchesByDecl.get(i) ?? [], combined, file, config, source, pkg));
      }
    } else {
      for (const i of missing) next.set(texts[i], []);
    }
    for (let i = 0; i < decls.length; i++) {
      if (!next.has(texts[i])) next.set(texts[i], cache.byDeclText.get(texts[i])!);
    }
    cache.byDeclText = next;

    const candidates: CandidateFinding[] = [];
    for (let i = 0; i < decls.length; i++) {
      const base = decls[i].startIndex;
      for (const f of next.get(texts[i])!) {
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
    const { kept, problems } = applySuppressions(findings, doc.tree, source, this.ruleIds, this.sameAs);
    const suppressionSeverity = severityFor(suppressionRule.id, suppressionRule.defaultSeverity, config);
    if (suppressionSeverity !== 'off') kept.push(...problems.map((p) => ({ ...p, severity: suppressionSeverity })));
    kept.sort(compareFindings);
    return { findings: kept, stats: { declarations: decls.length, analysed: missing.length } };
  }

  private combinedQuery(rules: Rule[]): CombinedQuery {
    const key = rules.map((r) => r.id).join(',');
    let combined = this.combined.get(key);
    if (!combined) {
      // A pattern belongs to the rule whose part of the combined source it starts in. Compiling each
      // rule's query on its own only to count its patterns cost twice the combined compile (bench/).
      const query = this.grammar.query(rules.map((r) => r.query).join('\n'));
      const partEnds: number[] = [];
      let end = 0;
      for (const rule of rules) partEnds.push((end += utf8.encode(`${rule.query}\n`).length));
      const ruleOfPattern: Rule[] = [];
      for (let i = 0; i < query.patternCount(); i++) {
        const start = query.startIndexForPattern(i);
        ruleOfPattern.push(rules[partEnds.findIndex((e) => start < e)]);
      }
      combined = { query, ruleOfPattern };
      this.combined.set(key, combined);
    }
    return combined;
  }

  /** Matches grouped by declaration index; one pass over the whole tree when most declarations changed (and wholeTree allows). */
  private matchesFor(combined: CombinedQuery, root: Node, decls: Node[], missing: number[], wholeTree: boolean): Map<number, QueryMatch[]> {
    const byDecl = new Map<number, QueryMatch[]>();
    const add = (i: number, m: QueryMatch) => {
      const list = byDecl.get(i);
      if (list) list.push(m);
      else byDecl.set(i, [m]);
    };
    if (wholeTree && missing.length * 2 > decls.length) {
      const starts = decls.map((d) => d.startIndex);
      for (const m of combined.query.matches(root)) {
        const at = m.captures[0]?.node.startIndex;
        if (at === undefined) continue;
        add(declIndexAt(starts, at), m);
      }
    } else {
      for (const i of missing) for (const m of combined.query.matches(decls[i])) add(i, m);
    }
    return byDecl;
  }

  private checkDecl(decl: Node, matches: QueryMatch[], combined: CombinedQuery, file: FileFacts, config: EngineConfig, source: SourceText, pkg: PackageScope): RelativeFinding[] {
    const out: RelativeFinding[] = [];
    if (matches.length === 0) return out;
    const byRule = new Map<Rule, QueryMatch[]>();
    for (const m of matches) {
      const rule = combined.ruleOfPattern[m.patternIndex];
      if (!rule) continue;
      const list = byRule.get(rule);
      if (list) list.push(m);
      else byRule.set(rule, [m]);
    }
    let scopes: DeclScopes | undefined;
    const base = decl.startIndex;
    const testFile = isTestCode(file.path);
    let mayBeHot: boolean | undefined;
    for (const [rule, ruleMatches] of byRule) {
      // By default cost findings are shown only in hot code (a declaration that cannot hold any is not
      // checked for them), and facts only in the allocations view.
      if (escapeScopeOf(config) === 'hot' && (rule.kind === 'fact' || (rule.kind === 'cost' && !(mayBeHot ??= declMayBeHot(decl, source, file))))) continue;
      const ctx: RuleContext = {
        file,
        config,
        source,
        decl,
        pkg,
        scopes: () => (scopes ??= new DeclScopes(decl, pkg)),
        lineOf: (node: Node) => `\u0000L${node.startIndex - base}\u0000`,
        report: (r: Report) => out.push(relative(rule, r, decl, testFile, ctx.scopes)),
      };
      try {
        rule.check(ctx, ruleMatches);
      } catch (error) {
        this.onRuleError(rule.id, error);
      }
    }
    return out;
  }
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
  return { findings, stats: { declarations: 0, analysed: 0 } };
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
function declMayBeHot(decl: Node, source: SourceText, file: FileFacts): boolean {
  if (holdsBenchmarkLoop(decl, source.text.slice(decl.startIndex, decl.endIndex))) return true;
  return file.profile?.hotWithin(decl.startPosition.row, decl.endPosition.row) ?? false;
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

// Messages quote source text, which may hold NUL bytes: shown as U+FFFD, never as a control character.
function resolveLines(message: string, base: number, source: SourceText): string {
  return message.replace(LINE_REF, (_, offset: string) => String(source.positionAt(base + Number(offset)).line + 1)).replace(/\u0000/g, '\uFFFD');
}

/** Placeholders made by RuleContext.lineOf: a node's offset relative to its declaration. */
const LINE_REF = /\u0000L(-?\d+)\u0000/g;

function compareFindings(a: Finding, b: Finding): number {
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message);
}
