// One Go source text and its syntax tree. Edits update a copy of the old tree (tree.edit) and the
// reparse starts from it, which costs about a millisecond on large files instead of a full parse (but
// tens of ms, on every keystroke, while a brace is unbalanced: the reparse is lazy and resumable).
import { Edit, Parser, Point, Tree } from 'web-tree-sitter';
import { GoGrammar } from './grammar';
import { describeBudget, describeSize, ParseClock, parseBudgetMs, utf8Length, wallClock } from './limits';
import { SourceText } from './sourceText';
import { Range } from './types';

export interface ContentChange {
  /** Absent: the text replaces the whole document. */
  range?: Range;
  text: string;
}

export interface DocumentLimits {
  /** UTF-8 bytes above which the text is not parsed (and not analysed); 0 or absent: no limit. */
  maxBytes?: number;
  /** Milliseconds a parse may take before the file is left unanalysed; absent: parseBudgetMs of the text's length. */
  parseBudgetMs?: number;
  /** What the budget is measured on; absent: wall time. */
  clock?: ParseClock;
}

let liveTrees = 0;

/**
 * One Go source text and its syntax tree. An edit is applied to the text at once and recorded on a copy
 * of the tree (tree.edit); the reparse that brings the tree up to date runs later, when someone needs
 * the tree (`tree`), or in slices that an editor interleaves with other work (`parseSlice`). Until
 * then the document keeps the tree of the last text it parsed, consistent with that text
 * (`parsedSource`), and the edits made since (`editsSinceParse`), so that requests can be answered
 * from it where the edits did not reach. Trees live in WASM memory that never shrinks: whoever
 * creates a GoDocument must dispose() it.
 */
export class GoDocument {
  /** Syntax trees made by documents and not deleted yet, in this process (or worker): for leak checks. */
  static get liveTrees(): number {
    return liveTrees;
  }

  private parser: Parser;
  private source: SourceText;
  /** The tree of `parsedText`: the newest text once parsed, an older one until then. */
  private currentTree: Tree;
  private parsedText: SourceText;
  private unparsed: string | undefined;
  /** A copy of currentTree with the edits since applied, to reparse from; absent before the first edit. */
  private edited: Tree | undefined;
  /** The next parse cannot reuse a tree (the whole text was replaced, or the last one was not parsed). */
  private fromScratch = false;
  private edits: ContentChange[] = [];
  /** The parser holds a parse of the newest text that a slice interrupted; parse() resumes it. */
  private suspended = false;
  /** Milliseconds spent parsing the newest text so far, against its budget. */
  private parseSpent = 0;
  /** The newest text (or the limits) changed since currentTree was made. */
  private dirty = false;
  private revisions = 0;
  private slow = false;

  constructor(
    grammar: GoGrammar,
    text: string,
    private limits: DocumentLimits = {},
  ) {
    this.parser = grammar.newParser();
    this.source = new SourceText(text);
    this.parsedText = this.source;
    this.currentTree = this.parseAll();
  }

  /** The newest text. */
  get text(): string {
    return this.source.text;
  }

  get sourceText(): SourceText {
    return this.source;
  }

  /** Changes with every update (and limit change): what was computed for one revision is stale in the next. */
  get revision(): number {
    return this.revisions;
  }

  /** Whether the tree is that of the newest text (no reparse pending). */
  get isParsed(): boolean {
    return !this.dirty;
  }

  /** The tree of the newest text, parsing it now if an edit is pending. */
  get tree(): Tree {
    while (!this.parseSlice(() => false));
    return this.currentTree;
  }

  /** The last tree parsed and its text: the newest text's when isParsed, else an earlier one. */
  get parsedTree(): Tree {
    return this.currentTree;
  }

  get parsedSource(): SourceText {
    return this.parsedText;
  }

  /** The edits made since the text of parsedTree, in order (each in the coordinates of the text it changed). */
  get editsSinceParse(): readonly ContentChange[] {
    return this.edits;
  }

  /**
   * Why the newest text was not parsed, when it was not: larger than the limit, or a parse that did not
   * finish within its budget (tree-sitter's error recovery is slow on some syntax errors in large
   * files). The tree is then empty and the text must not be analysed. Parses a pending edit first.
   */
  get unparsedReason(): string | undefined {
    void this.tree;
    return this.unparsed;
  }

  /**
   * Whether the text is unparsed because parsing ran out of time: unlike a size limit, that depends
   * on the machine (its speed, and its load too on a wall clock), so nothing concluded from it may be
   * cached.
   */
  get parseTimedOut(): boolean {
    void this.tree;
    return this.slow;
  }

  /** New limits (e.g. the user changed gohazard.maxFileSize): parses or drops the tree if that changes. */
  setLimits(limits: DocumentLimits): void {
    if ((limits.maxBytes ?? 0) === (this.limits.maxBytes ?? 0)) return;
    this.limits = limits;
    this.restart();
    this.fromScratch = true;
    this.dirty = true;
    this.revisions++;
    void this.tree;
  }

  update(changes: readonly ContentChange[]): void {
    if (changes.length === 0) return;
    this.restart();
    // The empty tree of an unparsed text says nothing about it: parse the new text afresh.
    if (this.unparsed !== undefined) this.fromScratch = true;
    for (const change of changes) {
      this.edits.push(change);
      if (!change.range) {
        this.source = new SourceText(change.text);
        this.fromScratch = true;
        continue;
      }
      const startIndex = this.source.offsetAt(change.range.start);
      const oldEndIndex = this.source.offsetAt(change.range.end);
      const edit: Edit = {
        startIndex,
        oldEndIndex,
        newEndIndex: startIndex + change.text.length,
        startPosition: toPoint(this.source.positionAt(startIndex)),
        oldEndPosition: toPoint(this.source.positionAt(oldEndIndex)),
        newEndPosition: endPointAfterInsert(this.source.positionAt(startIndex), change.text),
      };
      const old = this.source.text;
      this.source = new SourceText(old.slice(0, startIndex) + change.text + old.slice(oldEndIndex));
      if (!this.fromScratch) {
        if (!this.edited) {
          this.edited = this.currentTree.copy();
          liveTrees++;
        }
        this.edited.edit(edit);
      }
    }
    this.dirty = true;
    this.revisions++;
  }

  /**
   * Parses the newest text for a while: until it is done (true), or until shouldPause() says so
   * (false: call again later, after any update, and it goes on where it stopped or starts over).
   */
  parseSlice(shouldPause: () => boolean): boolean {
    if (this.isParsed) return true;
    const text = this.source.text;
    const maxBytes = this.limits.maxBytes ?? 0;
    if (maxBytes > 0 && text.length > maxBytes / 3 && utf8Length(text) > maxBytes) {
      this.commit(this.unparsedTree(`file not analysed: it is ${describeSize(utf8Length(text))}, above the maximum file size of ${describeSize(maxBytes)} (gohazard.maxFileSize, --max-file-size)`));
      return true;
    }
    const budget = this.limits.parseBudgetMs ?? parseBudgetMs(text.length);
    const clock = this.limits.clock ?? wallClock;
    const started = clock.now();
    let overBudget = false;
    const old = this.fromScratch ? null : (this.edited ?? this.currentTree);
    const tree = this.parser.parse(text, old, {
      progressCallback: () => {
        if (this.parseSpent + (clock.now() - started) > budget) return (overBudget = true);
        return shouldPause();
      },
    });
    this.parseSpent += clock.now() - started;
    if (tree) {
      liveTrees++;
      this.unparsed = undefined;
      this.slow = false;
      this.commit(tree);
      return true;
    }
    if (!overBudget) {
      this.suspended = true;
      return false;
    }
    this.parser.reset();
    this.suspended = false;
    this.commit(this.overBudgetTree(budget, clock));
    return true;
  }

  dispose(): void {
    this.restart();
    if (this.edited) deleteTree(this.edited);
    deleteTree(this.currentTree);
    this.parser.delete();
  }

  /** Forgets an interrupted parse: the text it was parsing changed. */
  private restart(): void {
    if (this.suspended) this.parser.reset();
    this.suspended = false;
    this.parseSpent = 0;
  }

  /** The newest text's tree replaces the last one. */
  private commit(tree: Tree): void {
    if (this.edited) deleteTree(this.edited);
    this.edited = undefined;
    deleteTree(this.currentTree);
    this.currentTree = tree;
    this.parsedText = this.source;
    this.edits = [];
    this.fromScratch = false;
    this.parseSpent = 0;
    this.dirty = false;
  }

  /** A whole parse at construction (no tree to delete yet). */
  private parseAll(): Tree {
    const maxBytes = this.limits.maxBytes ?? 0;
    const text = this.source.text;
    if (maxBytes > 0 && text.length > maxBytes / 3 && utf8Length(text) > maxBytes) {
      return this.unparsedTree(`file not analysed: it is ${describeSize(utf8Length(text))}, above the maximum file size of ${describeSize(maxBytes)} (gohazard.maxFileSize, --max-file-size)`);
    }
    const budget = this.limits.parseBudgetMs ?? parseBudgetMs(text.length);
    const clock = this.limits.clock ?? wallClock;
    const deadline = clock.now() + budget;
    const tree = this.parser.parse(text, null, { progressCallback: () => clock.now() > deadline });
    if (tree) {
      liveTrees++;
      this.unparsed = undefined;
      this.slow = false;
      return tree;
    }
    this.parser.reset();
    return this.overBudgetTree(budget, clock);
  }

  private overBudgetTree(budget: number, clock: ParseClock): Tree {
    return this.unparsedTree(`file not analysed: parsing it took longer than ${describeBudget(budget, clock)} (tree-sitter's error recovery is slow on some syntax errors in large files)`, true);
  }

  private unparsedTree(reason: string, timedOut = false): Tree {
    this.unparsed = reason;
    this.slow = timedOut;
    const empty = this.parser.parse('');
    if (!empty) throw new Error('tree-sitter returned no tree');
    liveTrees++;
    return empty;
  }
}

function deleteTree(tree: Tree): void {
  tree.delete();
  liveTrees--;
}

function toPoint(p: { line: number; character: number }): Point {
  return { row: p.line, column: p.character };
}

function endPointAfterInsert(start: { line: number; character: number }, text: string): Point {
  const lastBreak = text.lastIndexOf('\n');
  if (lastBreak < 0) return { row: start.line, column: start.character + text.length };
  let rows = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) rows++;
  return { row: start.line + rows, column: text.length - lastBreak - 1 };
}
