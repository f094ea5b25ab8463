// Queries that rules run themselves, below the candidates their registered query found: compiled once
// per grammar and source (a rule is handed nodes, not the GoGrammar, so the tree's language is the key).
import { Language, Node, Query } from 'web-tree-sitter';

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
