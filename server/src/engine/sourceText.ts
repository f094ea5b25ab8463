// Offsets and positions of a text. Offsets and columns are UTF-16 code units; byteColumn counts the
// bytes of the file the text was decoded from, as Go tools do.
import type { ByteLayout } from './byteLayout';
import { Position } from './types';

export class SourceText {
  private lineStarts: number[] | undefined;

  /** layout: how the text sits in the file's bytes when its own UTF-8 encoding is not the file. */
  constructor(
    readonly text: string,
    readonly layout?: ByteLayout,
  ) {}

  private starts(): number[] {
    if (!this.lineStarts) {
      const starts = [0];
      const t = this.text;
      for (let i = t.indexOf('\n'); i >= 0; i = t.indexOf('\n', i + 1)) starts.push(i + 1);
      this.lineStarts = starts;
    }
    return this.lineStarts;
  }

  get lineCount(): number {
    return this.starts().length;
  }

  /** An offset after the \r that ends a line (before its \n, or at the end) is the line's end, as offsetAt has it. */
  positionAt(offset: number): Position {
    const starts = this.starts();
    let o = Math.max(0, Math.min(offset, this.text.length));
    if (o > 0 && this.text.charCodeAt(o - 1) === 13 && (o === this.text.length || this.text.charCodeAt(o) === 10)) o--;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo] };
  }

  /** Clamps like LSP: a line past the end is the end, a character past the line is its end. */
  offsetAt(pos: Position): number {
    const starts = this.starts();
    if (pos.line >= starts.length) return this.text.length;
    if (pos.line < 0) return 0;
    const lineStart = starts[pos.line];
    const next = pos.line + 1 < starts.length ? starts[pos.line + 1] : this.text.length;
    let lineEnd = next;
    if (lineEnd > lineStart && this.text.charCodeAt(lineEnd - 1) === 10) lineEnd--;
    if (lineEnd > lineStart && this.text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    return Math.min(lineStart + Math.max(0, pos.character), lineEnd);
  }

  lineStart(line: number): number {
    const starts = this.starts();
    return starts[Math.max(0, Math.min(line, starts.length - 1))];
  }

  lineText(line: number): string {
    const start = this.lineStart(line);
    let end = this.text.indexOf('\n', start);
    if (end < 0) end = this.text.length;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    return this.text.slice(start, end);
  }

  /**
   * The byte offset within its line of a position, in the file the text was decoded from: each
   * character counts its UTF-8 length, except a U+FFFD that replaced ill-formed bytes (those bytes) and
   * a BOM before the first line (its 3 bytes, as Go counts them). A lone surrogate, which only an
   * editor's text can hold, counts as the U+FFFD it would be saved as.
   */
  byteColumn(pos: Position): number {
    const line = Math.max(0, Math.min(pos.line, this.lineCount - 1));
    const start = this.lineStart(line);
    const prefix = this.lineText(line).slice(0, pos.character);
    const layout = this.layout;
    let bytes = line === 0 && layout?.bom ? 3 : 0;
    let next = layout ? firstAtOrAfter(layout.replacementOffsets, start) : 0;
    for (let i = 0; i < prefix.length; i++) {
      const c = prefix.charCodeAt(i);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (c >= 0xd800 && c <= 0xdbff && i + 1 < prefix.length && isLowSurrogate(prefix.charCodeAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (c === 0xfffd && layout && layout.replacementOffsets[next] === start + i) bytes += layout.replacementBytes[next++];
      else bytes += 3;
    }
    return bytes;
  }
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** The index of the first element >= value in an ascending array (its length when there is none). */
function firstAtOrAfter(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
