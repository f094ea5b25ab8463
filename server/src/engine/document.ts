// One Go source text and its syntax tree. Edits update the old tree (tree.edit) and reparse with it,
// which costs about a millisecond on large files instead of a full parse. The tree lives in WASM
// memory that never shrinks: whoever creates a GoDocument must dispose() it.
import { Edit, Parser, Point, Tree } from 'web-tree-sitter';
import { GoGrammar } from './grammar';
import { SourceText } from './sourceText';
import { Range } from './types';

export interface ContentChange {
  /** Absent: the text replaces the whole document. */
  range?: Range;
  text: string;
}

export class GoDocument {
  private parser: Parser;
  private source: SourceText;
  private currentTree: Tree;

  constructor(grammar: GoGrammar, text: string) {
    this.parser = grammar.newParser();
    this.source = new SourceText(text);
    this.currentTree = this.parse(undefined);
  }

  get text(): string {
    return this.source.text;
  }

  get sourceText(): SourceText {
    return this.source;
  }

  get tree(): Tree {
    return this.currentTree;
  }

  update(changes: readonly ContentChange[]): void {
    if (changes.length === 0) return;
    let incremental = true;
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
    const tree = this.parser.parse(this.source.text, old ?? null);
    if (!tree) throw new Error('tree-sitter returned no tree');
    return tree;
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
