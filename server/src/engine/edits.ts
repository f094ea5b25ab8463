// Positions of an earlier version of a text, carried through the edits made since. An editor asks for
// code actions while the analysis of its newest text is still to come: the last results are then
// offered for the current text only where no edit since touched them, with their ranges moved by the
// edits before them. A fix computed for one version is never applied to another unchanged in place.
import type { ContentChange } from './document';
import type { Position, Range } from './types';

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/** Where position p (not inside the replaced range) is after the edit. */
function shift(p: Position, edit: { range: Range; text: string }): Position {
  const { end } = edit.range;
  if (before(p, end)) return p;
  const newEnd = insertedEnd(edit);
  if (p.line === end.line) return { line: newEnd.line, character: newEnd.character + (p.character - end.character) };
  return { line: p.line + (newEnd.line - end.line), character: p.character };
}

/** Where the text an edit inserted ends, in the coordinates after it. */
function insertedEnd(edit: { range: Range; text: string }): Position {
  const lines = edit.text.split('\n');
  const { start } = edit.range;
  return { line: start.line + lines.length - 1, character: (lines.length === 1 ? start.character : 0) + lines[lines.length - 1].length };
}

/**
 * Where a position of the text after the edits was before them, or undefined when it lies in text one
 * of them inserted (or the whole text was replaced).
 */
export function unmapPosition(position: Position, edits: readonly ContentChange[]): Position | undefined {
  let p = position;
  for (let i = edits.length - 1; i >= 0; i--) {
    const edit = edits[i];
    if (!edit.range) return undefined;
    const { start, end } = edit.range;
    if (before(p, start)) continue;
    const newEnd = insertedEnd({ range: edit.range, text: edit.text });
    if (before(p, newEnd)) return undefined;
    p = p.line === newEnd.line ? { line: end.line, character: end.character + (p.character - newEnd.character) } : { line: p.line - (newEnd.line - end.line), character: p.character };
  }
  return p;
}

/**
 * The range after the edits (each in the coordinates of the text it was applied to), or undefined
 * when one of them touched it: replaced part of it, or was made at or inside its bounds. A change
 * without a range replaces the whole text and touches everything.
 */
export function mapRange(range: Range, edits: readonly ContentChange[]): Range | undefined {
  let r = range;
  for (const edit of edits) {
    if (!edit.range) return undefined;
    const { start, end } = edit.range;
    // Disjoint: the edit ends before the range starts, or starts after it ends.
    if (before(end, r.start)) r = { start: shift(r.start, { range: edit.range, text: edit.text }), end: shift(r.end, { range: edit.range, text: edit.text }) };
    else if (!before(r.end, start)) return undefined;
  }
  return r;
}
