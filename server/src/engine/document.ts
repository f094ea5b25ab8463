// One Go source text and its syntax tree. Edits update the old tree (tree.edit) and reparse with it,
// which costs about a millisecond on large files instead of a full parse. The tree lives in WASM
// memory that never shrinks: whoever creates a GoDocument must dispose() it.
import { Edit, Parser, Point, Tree } from 'web-tree-sitter';
import { GoGrammar } from './grammar';
import { describeSize, parseBudgetMs, utf8Length } from './limits';
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
}

export class GoDocument {
  private parser: Parser;
  private source: SourceText;
  private currentTree: Tree;
  private unparsed: string | undefined;
  private slow = false;

  constructor(
    grammar: GoGrammar,
    text: string,
    private limits: DocumentLimits = {},
  ) {
    this.parser = grammar.newParser();
    this.source = new SourceText(text);
    this.currentTree = this.parse(undefined);
  }

  get text(): string {
    return this.source.text;
  }

  /**
   * Why the text was not parsed, when it was not: larger than the limit, or a parse that did not
   * finish within its budget (tree-sitter's error recovery is slow on some syntax errors in large
   * files). The tree is then empty and the text must not be analysed.
   */
  get unparsedReason(): string | undefined {
    return this.unparsed;
  }

  /**
   * Whether the text is unparsed because parsing ran out of time: unlike a size limit, that depends
   * on the machine's load, so nothing concluded from it may be cached.
   */
  get parseTimedOut(): boolean {
    return this.slow;
  }

  /** New limits (e.g. the user changed gohazard.maxFileSize): parses or drops the tree if that changes. */
  setLimits(limits: DocumentLimits): void {
    if ((limits.maxBytes ?? 0) === (this.limits.maxBytes ?? 0)) return;
    this.limits = limits;
    const previous = this.currentTree;
    this.currentTree = this.parse(undefined);
    previous.delete();
  }

  get sourceText(): SourceText {
    return this.source;
  }

  get tree(): Tree {
    return this.currentTree;
  }

  update(changes: readonly ContentChange[]): void {
    if (changes.length === 0) return;
    // The empty tree of an unparsed text says nothing about it: parse the new text afresh.
    let incremental = this.unparsed === undefined;
    for (const change of changes) {
      if (!change.range) {
        this.source = new SourceText(change.text);
        incremental = false;
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
      if (incremental) this.currentTree.edit(edit);
    }
    const previous = this.currentTree;
    this.currentTree = this.parse(incremental ? previous : undefined);
    previous.delete();
  }

  dispose(): void {
    this.currentTree.delete();
    this.parser.delete();
  }

  private parse(old: Tree | undefined): Tree {
    const text = this.source.text;
    const maxBytes = this.limits.maxBytes ?? 0;
    if (maxBytes > 0 && text.length > maxBytes / 3 && utf8Length(text) > maxBytes) {
      return this.unparsedTree(`file not analysed: it is ${describeSize(utf8Length(text))}, above the maximum file size of ${describeSize(maxBytes)} (gohazard.maxFileSize, --max-file-size)`);
    }
    const deadline = Date.now() + parseBudgetMs(text.length);
    const tree = this.parser.parse(text, old ?? null, { progressCallback: () => Date.now() > deadline });
    this.slow = !tree;
    if (tree) {
      this.unparsed = undefined;
      return tree;
    }
    this.parser.reset();
    return this.unparsedTree(`file not analysed: parsing it took longer than ${(parseBudgetMs(text.length) / 1000).toFixed(1)} s (tree-sitter's error recovery is slow on some syntax errors in large files)`);
  }

  private unparsedTree(reason: string): Tree {
    this.unparsed = reason;
    const empty = this.parser.parse('');
    if (!empty) throw new Error('tree-sitter returned no tree');
    return empty;
  }
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
