// Queries the toolchain/ rules run themselves, only in files old enough to need them, compiled once per
// grammar (a rule is handed nodes, not the GoGrammar).
import type { Node } from 'web-tree-sitter';
import { Language, Query } from 'web-tree-sitter';

const compiled = new WeakMap<Language, Map<string, Query>>();

export function queryFor(node: Node, source: string): Query {
  const language = node.tree.language;
  let byLanguage = compiled.get(language);
  if (!byLanguage) {
    byLanguage = new Map();
    compiled.set(language, byLanguage);
  }
  let query = byLanguage.get(source);
  if (!query) {
    query = new Query(language, source);
    byLanguage.set(source, query);
  }
  return query;
}
