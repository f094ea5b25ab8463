// The `v := v` quick fix. Copies go before the innermost statement that holds the escaping closure,
// one line per variable, in order of first use; when several statements of one block capture the same
// variable, one copy before the first of them serves all, so every finding of that block carries the
// same edit (identical edits are applied once).
import type { Node } from 'web-tree-sitter';
import type { OffsetFix } from '../../engine/rule';
import type { SourceText } from '../../engine/sourceText';

export interface CopyRequest {
  /** The innermost statement (a child of a statement_list) holding the closure. */
  statement: Node;
  name: string;
  firstUse: number;
}

/** The statement of a block that contains node. */
export function statementOf(node: Node): Node | undefined {
  for (let n: Node | null = node; n; n = n.parent) if (n.parent?.type === 'statement_list') return n;
  return undefined;
}

/** Groups copy requests into one fix per insertion statement; returns the fix for each request. */
export function planCopies(requests: CopyRequest[], source: SourceText): Map<CopyRequest, OffsetFix> {
  // The earliest statement of each block that captures a variable gets that variable's copy.
  const firstStatement = new Map<string, Node>();
  for (const r of requests) {
    const key = `${r.statement.parent!.id}:${r.name}`;
    const current = firstStatement.get(key);
    if (!current || r.statement.startIndex < current.startIndex) firstStatement.set(key, r.statement);
  }
  const namesAt = new Map<number, { statement: Node; names: { name: string; firstUse: number }[] }>();
  for (const r of requests) {
    const statement = firstStatement.get(`${r.statement.parent!.id}:${r.name}`)!;
    const entry = namesAt.get(statement.id) ?? { statement, names: [] };
    const existing = entry.names.find((n) => n.name === r.name);
    if (!existing) entry.names.push({ name: r.name, firstUse: r.firstUse });
    else existing.firstUse = Math.min(existing.firstUse, r.firstUse);
    namesAt.set(statement.id, entry);
  }
  const fixes = new Map<number, OffsetFix>();
  for (const [id, { statement, names }] of namesAt) {
    fixes.set(id, insertCopiesFix(statement, names.sort((a, b) => a.firstUse - b.firstUse).map((n) => n.name), source));
  }
  const out = new Map<CopyRequest, OffsetFix>();
  for (const r of requests) out.set(r, fixes.get(firstStatement.get(`${r.statement.parent!.id}:${r.name}`)!.id)!);
  return out;
}

function insertCopiesFix(statement: Node, names: string[], source: SourceText): OffsetFix {
  const copies = names.map((n) => `${n} := ${n}`);
  const lineStart = source.lineStart(statement.startPosition.row);
  const before = source.text.slice(lineStart, statement.startIndex);
  const title = `Copy ${names.join(', ')} for this iteration (${copies.join('; ')})`;
  if (before.trim() === '') {
    return { title, edits: [{ start: lineStart, end: lineStart, newText: copies.map((c) => `${before}${c}\n`).join('') }], preferred: true };
  }
  return { title, edits: [{ start: statement.startIndex, end: statement.startIndex, newText: `${copies.join('; ')}; ` }], preferred: true };
}
