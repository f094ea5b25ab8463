// Finding names in a declaration by scanning its text, for candidates that a tree-sitter query would
// have to hand over one by one from every identifier or selector (predicates run in JavaScript after
// each match is marshalled): `min(`, `any`, `slices.`. A hit counts only when the smallest node at its
// offset is an identifier of exactly that text, so comments, strings and longer names drop out.
import type { Node } from 'web-tree-sitter';
import type { RuleContext } from '../../engine/rule';

export interface NameHit {
  /** The identifier, type_identifier or package_identifier at the hit. */
  node: Node;
  /** The regular expression's match, its index relative to the declaration. */
  match: RegExpExecArray;
}

const NAME_NODES = new Set(['identifier', 'type_identifier', 'package_identifier']);

/**
 * Every match of `pattern` (a global regular expression whose match starts with the name) in the
 * declaration's text whose name is an identifier node.
 */
export function scanNames(ctx: RuleContext, pattern: RegExp, nameOf: (m: RegExpExecArray) => string = (m) => m[1]): NameHit[] {
  const decl = ctx.decl;
  const base = decl.startIndex;
  const text = ctx.source.text.slice(base, decl.endIndex);
  const hits: NameHit[] = [];
  pattern.lastIndex = 0;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    const name = nameOf(m);
    // A name glued to a preceding identifier character is part of a longer name.
    if (m.index > 0 && /[\p{L}\p{Nd}_]/u.test(text[m.index - 1])) continue;
    const node = decl.descendantForIndex(base + m.index, base + m.index + name.length);
    if (node && NAME_NODES.has(node.type) && node.startIndex === base + m.index && node.text === name) hits.push({ node, match: m });
  }
  return hits;
}

/** Whether node lies inside an ancestor of one of the given types, below the declaration. */
export function insideAny(node: Node, types: ReadonlySet<string>, decl: Node): Node | undefined {
  for (let p = node.parent; p && p.id !== decl.parent?.id; p = p.parent) {
    if (types.has(p.type)) return p;
  }
  return undefined;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
