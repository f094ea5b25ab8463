// In-source suppressions:
//   //gohazard:ignore <rule-id|family/*>[,<…>] <reason>   on the reported line or the line above it
//   //nolint, //nolint:gohazard, //nolint:all             as golangci-lint users write them: trailing a
//                                                          line, or alone on a line for the statement or
//                                                          declaration that starts on the next line;
//   //nolint:<linter>                                      also for a rule that checks what that linter
//                                                          checks (Rule.sameAs: //nolint:staticcheck on
//                                                          a Put that SA6002 would flag);
//   //lint:ignore <check>[,<check>] <reason>                staticcheck's own form, for those checks
//                                                          (SA6002), on the line or the line above.
// A gohazard:ignore without a reason, or naming no known rule, is itself reported.
import type { Node, Tree } from 'web-tree-sitter';
import { familyOf } from './rule';
import { SourceText } from './sourceText';
import { Finding, RuleDoc } from './types';

export const suppressionRule: RuleDoc = {
  id: 'gohazard/suppression',
  summary: 'A //gohazard:ignore comment without a reason or without a known rule id.',
  help: 'Write `//gohazard:ignore <rule-id or family/*> <reason>` on the reported line or the line above it. The reason is required so that reviewers can tell why the hazard is acceptable.',
  defaultSeverity: 'warning',
  kind: 'hazard',
  example: {
    hazard: `package example

import "fmt"

func labels(ids []int) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		//gohazard:ignore alloc/sprintf-simple
		out = append(out, fmt.Sprintf("%d", id))
	}
	return out
}
`,
    fix: `package example

import "fmt"

func labels(ids []int) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		//gohazard:ignore alloc/sprintf-simple runs once at startup over a few ids
		out = append(out, fmt.Sprintf("%d", id))
	}
	return out
}
`,
  },
};

interface Suppression {
  /** Zero-based lines the suppression covers, inclusive. */
  from: number;
  to: number;
  matches(ruleId: string): boolean;
}

export interface SuppressionResult {
  kept: Finding[];
  problems: Finding[];
}

/** For each rule, the other tools' names (golangci-lint linters, staticcheck checks) that check the same thing. */
export type SameAs = ReadonlyMap<string, readonly string[]>;

export function applySuppressions(findings: Finding[], tree: Tree, source: SourceText, knownRules: ReadonlySet<string>, sameAs: SameAs = new Map()): SuppressionResult {
  const text = source.text;
  if (!text.includes('//gohazard:ignore') && !text.includes('//nolint') && !text.includes('//lint:ignore')) return { kept: findings, problems: [] };
  const checkedBy = (rule: string, names: readonly string[]) => names.some((n) => sameAs.get(rule)?.includes(n));
  const suppressions: Suppression[] = [];
  const problems: Finding[] = [];
  const knownFamilies = new Set([...knownRules].map(familyOf));

  for (const comment of commentsStartingWith(tree, text, '//gohazard:ignore')) {
    const line = source.positionAt(comment.startIndex).line;
    const body = comment.text.slice('//gohazard:ignore'.length);
    const m = /^\s+(\S+)(?:\s+(.*\S))?\s*$/.exec(body);
    const ids = m ? m[1].split(',').filter((s) => s !== '') : [];
    const reason = m?.[2];
    const unknown = ids.filter((id) => !(knownRules.has(id) || (id.endsWith('/*') && knownFamilies.has(id.slice(0, -2)))));
    const range = { start: source.positionAt(comment.startIndex), end: source.positionAt(comment.endIndex) };
    if (ids.length === 0 || unknown.length > 0) {
      problems.push(problem(range, ids.length === 0 ? 'gohazard:ignore names no rule: write //gohazard:ignore <rule-id or family/*> <reason>' : `gohazard:ignore names an unknown rule: ${unknown.join(', ')}`));
    } else if (!reason) {
      problems.push(problem(range, `gohazard:ignore ${ids.join(',')} needs a reason: //gohazard:ignore ${ids.join(',')} <why this is safe>`));
    }
    suppressions.push({ from: line, to: line + 1, matches: (rule) => ids.some((id) => id === rule || (id.endsWith('/*') && familyOf(rule) === id.slice(0, -2))) });
  }

  for (const comment of commentsStartingWith(tree, text, '//nolint')) {
    const m = /^\/\/nolint(?::([\w,-]+))?(?:\s|$)/.exec(comment.text);
    if (!m) continue;
    const linters = m[1]?.split(',') ?? [];
    const all = linters.length === 0 || linters.includes('gohazard') || linters.includes('all');
    const matches = all ? () => true : (rule: string) => checkedBy(rule, linters);
    const start = source.positionAt(comment.startIndex);
    const lineBefore = source.lineText(start.line).slice(0, start.character);
    if (lineBefore.trim() !== '') {
      suppressions.push({ from: start.line, to: start.line, matches });
    } else {
      const next = nodeStartingOnLine(tree, source, start.line + 1);
      const to = next ? next.endPosition.row : start.line + 1;
      suppressions.push({ from: start.line, to, matches });
    }
  }

  for (const comment of commentsStartingWith(tree, text, '//lint:ignore')) {
    const m = /^\/\/lint:ignore\s+(\S+)\s+\S/.exec(comment.text);
    if (!m) continue;
    const checks = m[1].split(',');
    const line = source.positionAt(comment.startIndex).line;
    suppressions.push({ from: line, to: line + 1, matches: (rule) => checkedBy(rule, checks) });
  }

  const kept = findings.filter((f) => !suppressions.some((s) => f.range.start.line >= s.from && f.range.start.line <= s.to && s.matches(f.rule)));
  return { kept, problems };
}

function problem(range: Finding['range'], message: string): Finding {
  return { rule: suppressionRule.id, severity: suppressionRule.defaultSeverity, range, message, fixes: [] };
}

function* commentsStartingWith(tree: Tree, text: string, prefix: string): Generator<Node> {
  for (let at = text.indexOf(prefix); at >= 0; at = text.indexOf(prefix, at + prefix.length)) {
    const node = tree.rootNode.descendantForIndex(at);
    if (node && node.type === 'comment' && node.startIndex === at) yield node;
  }
}

/** The largest node that starts at the first non-blank character of a line. */
function nodeStartingOnLine(tree: Tree, source: SourceText, line: number): Node | undefined {
  if (line >= source.lineCount) return undefined;
  const lineText = source.lineText(line);
  const indent = lineText.length - lineText.trimStart().length;
  if (indent === lineText.length) return undefined;
  const offset = source.lineStart(line) + indent;
  let node = tree.rootNode.descendantForIndex(offset);
  if (!node) return undefined;
  while (node.parent && node.parent.startIndex === offset && node.parent.type !== 'source_file') node = node.parent;
  return node;
}
