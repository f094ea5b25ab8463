// The generic fixture runner: test/fixtures/<family>/<rule>/ holds Go modules whose files are
// analysed with that rule alone and compared with their `// want` comments. `name.go.golden` is the
// file after applying every finding's preferred fix (what fix-all does), `name.go.alt.golden` after
// applying every finding's first alternative fix; both must still parse without syntax errors.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { EngineConfig } from '../../server/src/engine/config';
import { GoDocument } from '../../server/src/engine/document';
import { alternativeFixEdits, applyEdits, fixAllEdits } from '../../server/src/engine/fixes';
import { TextEdit } from '../../server/src/engine/types';
import { Project } from '../../server/src/engine/project';
import { toEnginePath } from '../../server/src/node/nodeHost';
import { filesBelow, fixturesRoot, repoRoot } from '../helpers';
import { compareWithWants, parseRelated, parseWants } from './wants';

/** Rule ids that have a fixture folder: test/fixtures/<family>/<rule>. */
export function fixtureRuleIds(): string[] {
  const ids: string[] = [];
  for (const family of readdirSync(fixturesRoot).sort()) {
    const dir = join(fixturesRoot, family);
    if (!statSync(dir).isDirectory()) continue;
    for (const rule of readdirSync(dir).sort()) {
      if (statSync(join(dir, rule)).isDirectory()) ids.push(`${family}/${rule}`);
    }
  }
  return ids;
}

export function fixtureFiles(ruleId: string): string[] {
  const dir = join(fixturesRoot, ...ruleId.split('/'));
  return existsSync(dir) ? filesBelow(dir, (n) => n.endsWith('.go')) : [];
}

/**
 * Only the rule under test runs; every other rule is off. A rule's fixtures test what is true, so cost
 * rules run in the allocations view (`gohazard.escape.scope: loops`); files named `*_all.go` hold
 * cases that only `all` reports (outside loops). The fixtures of test/fixtures/policy/ test what is
 * shown: every rule runs with the default configuration.
 */
export function configFor(project: Project, ruleId: string, file: string): EngineConfig {
  if (ruleId.startsWith('policy/')) return { rules: {} };
  const rules: EngineConfig['rules'] = { 'gohazard/suppression': 'off' };
  for (const r of project.analyzer.rules) rules[r.id] = r.id === ruleId ? r.defaultSeverity : 'off';
  return { rules, escapeScope: file.endsWith('_all.go') ? 'all' : 'loops' };
}

export async function checkFixture(project: Project, ruleId: string, file: string): Promise<string[]> {
  const text = readFileSync(file, 'utf8');
  const name = relative(repoRoot, file);
  const { findings } = await project.analyzeText(toEnginePath(file), text, configFor(project, ruleId, file));
  const problems = compareWithWants(
    name,
    parseWants(text),
    findings.map((f) => ({ line: f.range.start.line, message: f.message, rule: f.rule, severity: f.severity })),
  );
  const related = parseRelated(text);
  if (related.length > 0) {
    const reported = findings.flatMap((f) => (f.related ?? []).map((r) => ({ line: r.range.start.line, message: r.message, rule: `related of ${f.rule}` })));
    problems.push(...compareWithWants(name, related, reported).map((p) => p.replace('missing report', 'missing related location').replace('unexpected report', 'unexpected related location')));
  }
  for (const f of findings) {
    if (f.range.start.line !== f.range.end.line) problems.push(`${name}:${f.range.start.line + 1}: [${f.rule}] is drawn over ${f.range.end.line - f.range.start.line + 1} lines, not one`);
  }
  problems.push(...checkGolden(project, name, text, `${file}.golden`, fixAllEdits(findings), 'preferred fixes'));
  problems.push(...checkGolden(project, name, text, `${file}.alt.golden`, alternativeFixEdits(findings), 'alternative fixes'));
  return problems;
}

/** The text after applying edits must equal the golden file and parse without syntax errors. */
function checkGolden(project: Project, name: string, text: string, golden: string, edits: TextEdit[], what: string): string[] {
  if (!existsSync(golden)) return edits.length > 0 ? [`${name}: findings carry ${what} but there is no ${relative(repoRoot, golden)}`] : [];
  const problems: string[] = [];
  const fixed = applyEdits(text, edits);
  const expected = readFileSync(golden, 'utf8');
  if (fixed !== expected) problems.push(`${name}: ${what} do not produce ${relative(repoRoot, golden)}:\n${firstDifference(expected, fixed)}`);
  const doc = new GoDocument(project.grammar, fixed);
  if (doc.tree.rootNode.hasError) problems.push(`${name}: the text after ${what} has syntax errors`);
  doc.dispose();
  return problems;
}

function firstDifference(expected: string, actual: string): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `  line ${i + 1}\n  golden: ${JSON.stringify(a[i])}\n  fixed:  ${JSON.stringify(b[i])}`;
  }
  return '';
}
