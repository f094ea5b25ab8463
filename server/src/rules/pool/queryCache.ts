// Queries the pool rules run themselves, after their registered query found a candidate: they are
// compiled once per grammar (the rule context hands out nodes, not the GoGrammar).
import { Language, Query } from 'web-tree-sitter';

const compiled = new WeakMap<Language, Map<string, Query>>();

export function queryFor(language: Language, source: string): Query {
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
