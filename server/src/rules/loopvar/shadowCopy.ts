// The `v := v` quick fix: copies of loop variables inserted before a statement.
import type { Node } from 'web-tree-sitter';
import type { OffsetFix } from '../../engine/rule';
import type { SourceText } from '../../engine/sourceText';

export function insertCopiesFix(statement: Node, names: string[], source: SourceText): OffsetFix {
  const copies = names.map((n) => `${n} := ${n}`);
  const line = statement.startPosition.row;
  const lineStart = source.lineStart(line);
  const before = source.text.slice(lineStart, statement.startIndex);
  const title = `Copy ${names.join(', ')} for this iteration (${copies.join('; ')})`;
  if (before.trim() === '') {
    const text = copies.map((c) => `${before}${c}\n`).join('');
    return { title, edits: [{ start: lineStart, end: lineStart, newText: text }], preferred: true };
  }
  return { title, edits: [{ start: statement.startIndex, end: statement.startIndex, newText: `${copies.join('; ')}; ` }], preferred: true };
}
