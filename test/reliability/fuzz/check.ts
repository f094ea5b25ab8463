// What must hold for every input, checked through the same engine the CLI and the server build: no
// exception (a rule that throws is a failure even though the engine contains it), every finding and
// every fix edit inside the document, every fix applicable, a fixed text that still parses when the input
// parsed without errors, an incremental re-analysis equal to a fresh one, and the columns every output
// format prints for the findings at the right places of the input's raw bytes.
import { formatJson } from '../../../server/src/cli/format/json';
import { formatSarif } from '../../../server/src/cli/format/sarif';
import { formatText } from '../../../server/src/cli/format/text';
import { AnalysisCache, RuleErrorHandler } from '../../../server/src/engine/analyzer';
import { decodeUtf8 } from '../../../server/src/engine/byteLayout';
import { EngineConfig } from '../../../server/src/engine/config';
import { GoDocument } from '../../../server/src/engine/document';
import { alternativeFixEdits, applyEdits, fixAllEdits } from '../../../server/src/engine/fixes';
import { GoGrammar } from '../../../server/src/engine/grammar';
import { parseBudgetMs } from '../../../server/src/engine/limits';
import type { IndexHost } from '../../../server/src/engine/packageIndex';
import { Project } from '../../../server/src/engine/project';
import type { FileFacts } from '../../../server/src/engine/rule';
import { SourceText } from '../../../server/src/engine/sourceText';
import { Finding, Range, TextEdit } from '../../../server/src/engine/types';
import { allRules } from '../../../server/src/rules';
import { formatColumnsProblem } from './columns';
import type { FuzzInput } from './inputs';

export interface Problem {
  kind: 'exception' | 'rule-error' | 'range' | 'columns' | 'fix' | 'fix-parse' | 'incremental' | 'message';
  message: string;
}

const DIR = '/fuzz/m';
const MAX_SINGLE_FIXES = 12;
const FILE = `${DIR}/a.go`;
const SIBLING = `${DIR}/b.go`;

/** One engine with an in-memory directory holding the input, a sibling file and a go.mod. */
export class FuzzChecker {
  readonly project: Project;
  private ruleErrors: Problem[] = [];
  private goMod: string | undefined;
  private sibling = '';

  /** CPU time of the last input's analysis proper (facts, parse, rules), by the clock handed in. */
  lastAnalysisMs = 0;
  /** Whether the last input's columns were checked in every format, and whether its bytes are ill-formed UTF-8 or start with a BOM. */
  lastColumns: 'unchecked' | 'utf8' | 'ill-formed' = 'unchecked';

  constructor(
    readonly grammar: GoGrammar,
    private readonly clock: () => number = () => performance.now(),
  ) {
    const host: IndexHost = {
      readFile: async (path) => (path === `${DIR}/go.mod` ? this.goMod : path === SIBLING ? this.sibling : undefined),
      listDirectory: async (dir) => (dir === DIR ? ['a.go', 'b.go', 'go.mod'] : undefined),
    };
    const onRuleError: RuleErrorHandler = (rule, error) => this.ruleErrors.push({ kind: 'rule-error', message: `${rule}: ${(error as Error)?.stack ?? error}` });
    this.project = new Project(grammar, allRules, host, onRuleError);
  }

  async check(input: FuzzInput): Promise<Problem[]> {
    this.ruleErrors = [];
    this.lastAnalysisMs = 0;
    this.lastColumns = 'unchecked';
    const problems: Problem[] = [];
    try {
      await this.checkInput(input, problems);
    } catch (error) {
      problems.push({ kind: 'exception', message: String((error as Error)?.stack ?? error) });
    }
    return [...this.ruleErrors, ...problems];
  }

  private async checkInput(input: FuzzInput, problems: Problem[]): Promise<void> {
    if (this.goMod !== input.goMod) {
      this.goMod = input.goMod;
      this.project.modules.invalidate();
    }
    if (this.sibling !== input.sibling) {
      this.sibling = input.sibling;
      this.project.packages.invalidate(SIBLING);
    }
    const text = input.text;
    const started = this.clock();
    const facts: FileFacts = await this.project.facts(FILE, text);
    if (input.goMinor !== undefined) {
      facts.goMinor = input.goMinor;
      facts.versionSource = { kind: 'override' };
    }
    const config: EngineConfig = { rules: {}, escapeScope: input.escapeScope };
    const doc = new GoDocument(this.project.grammar, text);
    try {
      const parsedCleanly = !doc.tree.rootNode.hasError;
      const { findings } = this.project.analyzer.analyze(doc, facts, config, new AnalysisCache());
      this.lastAnalysisMs = this.clock() - started;
      const source = doc.sourceText;
      for (const f of findings) checkFinding(f, source, problems);
      if (problems.length > 0) return;
      this.lastColumns = checkColumns(input, findings, problems);
      this.checkFixes(text, findings, parsedCleanly, facts, config, problems);
      if (input.index % 4 === 0) this.checkIncremental(input, facts, config, findings, doc.unparsedReason, problems);
    } finally {
      doc.dispose();
    }
  }

  /** Each fix alone, fix-all and the alternatives together: they apply, and keep a clean parse clean. */
  private checkFixes(text: string, findings: Finding[], parsedCleanly: boolean, facts: FileFacts, config: EngineConfig, problems: Problem[]): void {
    const seen = new Set<string>();
    const variants: { what: string; edits: TextEdit[] }[] = [];
    // Each distinct fix alone, up to a sample: an input with thousands of findings would cost a parse each.
    for (const f of findings) {
      for (const fix of f.fixes) {
        const key = JSON.stringify(fix.edits);
        if (seen.has(key) || seen.size >= MAX_SINGLE_FIXES) continue;
        seen.add(key);
        variants.push({ what: `fix "${fix.title}" of ${f.rule} at ${pos(f.range)}`, edits: fix.edits });
      }
    }
    variants.push({ what: 'fix-all', edits: fixAllEdits(findings) }, { what: 'alternative fixes', edits: alternativeFixEdits(findings) });
    for (const { what, edits } of variants) {
      if (edits.length === 0) continue;
      let fixed: string;
      try {
        fixed = applyEdits(text, edits);
      } catch (error) {
        problems.push({ kind: 'fix', message: `${what}: applyEdits threw ${(error as Error)?.message}` });
        continue;
      }
      if (fixed === text && edits.some((e) => e.newText !== '' || !sameRange(e.range))) {
        problems.push({ kind: 'fix', message: `${what}: changes nothing` });
        continue;
      }
      if (!parsedCleanly) continue;
      const after = new GoDocument(this.project.grammar, fixed);
      try {
        if (after.tree.rootNode.hasError) problems.push({ kind: 'fix-parse', message: `${what}: the fixed text has syntax errors: ${firstError(after)}` });
        else if (what === 'fix-all') {
          const again = this.project.analyzer.analyze(after, facts, config).findings;
          for (const f of again) checkFinding(f, after.sourceText, problems);
        }
      } finally {
        after.dispose();
      }
    }
  }

  /**
   * The editor path: the input's base text edited into the input in one change, analysed with the
   * cache of the base, must give what a fresh analysis of the input gives. A parse abandoned at its
   * wall-clock deadline on one side only (a busy machine, an input near the limit) says nothing about
   * incremental analysis: both sides are analysed again, at most twice, before a difference counts.
   * A fresh parse over its deadline every time while the incremental one, which reuses the base's
   * tree, finishes (error recovery that costs a fresh parse seconds) is compared with a fresh
   * analysis given twenty times the time.
   */
  private checkIncremental(input: FuzzInput, facts: FileFacts, config: EngineConfig, fresh: Finding[], freshUnparsed: string | undefined, problems: Problem[]): void {
    for (let attempt = 1; ; attempt++) {
      const incremental = this.incrementalAnalysis(input, facts, config, problems);
      if (!incremental) return;
      const a = JSON.stringify(incremental.findings);
      const b = JSON.stringify(fresh);
      if (a === b) return;
      const oneSided = parseTimedOut(incremental.unparsed) !== parseTimedOut(freshUnparsed);
      const patient = oneSided && attempt === 3 && parseTimedOut(freshUnparsed);
      if (oneSided && (attempt < 3 || patient)) {
        const again = new GoDocument(this.project.grammar, input.text, patient ? { parseBudgetMs: 20 * parseBudgetMs(input.text.length) } : {});
        try {
          fresh = this.project.analyzer.analyze(again, facts, config, new AnalysisCache()).findings;
          freshUnparsed = again.unparsedReason;
        } finally {
          again.dispose();
        }
        continue;
      }
      problems.push({ kind: 'incremental', message: `incremental findings differ from a fresh analysis after the edit ${pos(incremental.edit)}:\n  incremental ${a.slice(0, 400)}\n  fresh       ${b.slice(0, 400)}` });
      return;
    }
  }

  /** The input's base analysed, edited into the input and analysed again with the same cache; undefined (a problem noted) when the edit does not give the input. */
  private incrementalAnalysis(input: FuzzInput, facts: FileFacts, config: EngineConfig, problems: Problem[]): { findings: Finding[]; unparsed: string | undefined; edit: Range } | undefined {
    const text = input.text;
    const base = input.sibling;
    const doc = new GoDocument(this.project.grammar, base);
    try {
      const cache = new AnalysisCache();
      this.project.analyzer.analyze(doc, facts, config, cache);
      let prefix = 0;
      while (prefix < base.length && prefix < text.length && base.charCodeAt(prefix) === text.charCodeAt(prefix)) prefix++;
      let suffix = 0;
      while (suffix < base.length - prefix && suffix < text.length - prefix && base.charCodeAt(base.length - 1 - suffix) === text.charCodeAt(text.length - 1 - suffix)) suffix++;
      const source = new SourceText(base);
      const edit = { start: source.positionAt(prefix), end: source.positionAt(base.length - suffix) };
      doc.update([{ range: edit, text: text.slice(prefix, text.length - suffix) }]);
      if (doc.text !== text) {
        problems.push({ kind: 'incremental', message: `document text after the edit differs from the input (edit ${pos(edit)})` });
        return undefined;
      }
      return { findings: this.project.analyzer.analyze(doc, facts, config, cache).findings, unparsed: doc.unparsedReason, edit };
    } finally {
      doc.dispose();
    }
  }
}

/** Whether a document was left unparsed because its parse ran past the wall-clock deadline (engine/document.ts). */
function parseTimedOut(unparsed: string | undefined): boolean {
  return unparsed?.includes('parsing it took longer than') ?? false;
}

/**
 * The file as the CLI reads it (decoded with the layout of its bytes) printed in every format: each
 * format's columns must index the raw bytes. Inputs whose engine text is not the decoded file (lone
 * surrogates only an editor can send) have no file to compare with.
 */
function checkColumns(input: FuzzInput, findings: Finding[], problems: Problem[]): FuzzChecker['lastColumns'] {
  if (findings.length === 0) return 'unchecked';
  const { text, layout } = decodeUtf8(input.bytes);
  if (text !== input.text) return 'unchecked';
  const report = { files: 1, reports: [{ path: 'a.go', source: new SourceText(text, layout), findings }], rules: [], toolVersion: 'fuzz' };
  const bad = formatColumnsProblem(new Map([['a.go', input.bytes]]), { json: formatJson(report), sarif: formatSarif(report), text: formatText(report) });
  if (bad) problems.push({ kind: 'columns', message: bad });
  return layout ? 'ill-formed' : 'utf8';
}

function checkFinding(f: Finding, source: SourceText, problems: Problem[]): void {
  const where = `${f.rule} at ${pos(f.range)}`;
  const bad = rangeProblem(f.range, source);
  if (bad) problems.push({ kind: 'range', message: `finding ${where}: ${bad}` });
  if (typeof f.message !== 'string' || f.message.trim() === '' || f.message.includes('\u0000')) problems.push({ kind: 'message', message: `finding ${where}: bad message ${JSON.stringify(f.message)}` });
  for (const fix of f.fixes) {
    for (const e of fix.edits) {
      const badEdit = rangeProblem(e.range, source);
      if (badEdit) problems.push({ kind: 'range', message: `fix "${fix.title}" of ${where}: edit ${pos(e.range)} ${badEdit}` });
    }
  }
}

/** Lines inside the document, characters inside their line (not past its end or inside a CRLF), start ≤ end. */
function rangeProblem(r: Range, source: SourceText): string | undefined {
  for (const p of [r.start, r.end]) {
    if (!Number.isInteger(p.line) || !Number.isInteger(p.character) || p.line < 0 || p.character < 0) return `has a malformed position ${JSON.stringify(p)}`;
    if (p.line >= source.lineCount) return `is on line ${p.line + 1} of a ${source.lineCount}-line document`;
    const length = source.lineText(p.line).length;
    if (p.character > length) return `is at character ${p.character} of a ${length}-character line ${p.line + 1}`;
  }
  if (r.start.line > r.end.line || (r.start.line === r.end.line && r.start.character > r.end.character)) return 'ends before it starts';
  return undefined;
}

function sameRange(r: Range): boolean {
  return r.start.line === r.end.line && r.start.character === r.end.character;
}

function pos(r: Range): string {
  return `${r.start.line + 1}:${r.start.character + 1}-${r.end.line + 1}:${r.end.character + 1}`;
}

function firstError(doc: GoDocument): string {
  const cursor = doc.tree.walk();
  try {
    for (;;) {
      const node = cursor.currentNode;
      if (node.isError || node.isMissing) return `${node.isMissing ? 'missing' : 'error'} ${node.type} at ${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
      if (node.hasError && cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return 'unknown';
    }
  } finally {
    cursor.delete();
  }
}
