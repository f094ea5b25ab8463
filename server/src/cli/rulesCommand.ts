// `gohazard rules` lists every rule; `gohazard explain RULE` prints one rule's documentation with an
// example of the hazard and of its fix, as `staticcheck -explain` does.
import { familyOf } from '../engine/rule';
import { ruleDocUrl } from '../engine/ruleDocUrl';
import type { RuleDoc } from '../engine/types';
import { Project } from '../engine/project';
import { loadGrammar, nodeFileHost } from '../node/nodeHost';
import { allRules } from '../rules';
import { explainText } from './ruleText';
import { InputError, UsageError } from './usageError';

/** Every rule the engine runs, its own checks included, in registry order. */
export async function ruleDocs(): Promise<RuleDoc[]> {
  return new Project(await loadGrammar(), allRules, nodeFileHost).analyzer.docs;
}

export async function runRules(args: string[]): Promise<number> {
  let format: 'text' | 'json' = 'text';
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].startsWith('--format=') ? ['--format', args[i].slice('--format='.length)] : [args[i], undefined];
    if (flag !== '--format') throw new UsageError(args[i].startsWith('-') ? `unknown flag ${args[i]}` : 'rules takes no arguments');
    const v = inline ?? args[++i];
    if (v !== 'text' && v !== 'json') throw new UsageError(`--format must be text or json, not "${v}"`);
    format = v;
  }
  const docs = await ruleDocs();
  if (format === 'json') {
    const rules = docs.map((d) => ({ id: d.id, family: familyOf(d.id), defaultSeverity: d.defaultSeverity, kind: d.kind, summary: d.summary, help: d.help, docs: ruleDocUrl(d.id) }));
    process.stdout.write(`${JSON.stringify({ version: 1, rules }, null, 2)}\n`);
    return 0;
  }
  const idWidth = Math.max(...docs.map((d) => d.id.length));
  const lines = docs.map((d) => `${d.id.padEnd(idWidth)}  ${d.defaultSeverity.padEnd(7)}  ${familyOf(d.id).padEnd(9)}  ${d.summary}`);
  process.stdout.write(`${'RULE'.padEnd(idWidth)}  SEVERITY FAMILY     SUMMARY\n${lines.join('\n')}\n`);
  return 0;
}

export async function runExplain(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0].startsWith('-')) throw new UsageError('explain takes one rule id, e.g. gohazard explain loopvar/capture');
  const docs = await ruleDocs();
  const doc = findRule(docs, args[0]);
  process.stdout.write(explainText(doc));
  return 0;
}

/** The rule with this id, or the only one with this name in any family; else a "did you mean". */
export function findRule(docs: readonly RuleDoc[], wanted: string): RuleDoc {
  const exact = docs.find((d) => d.id === wanted) ?? onlyOne(docs.filter((d) => d.id.slice(d.id.indexOf('/') + 1) === wanted));
  if (exact) return exact;
  const scored = docs
    .map((d) => ({ id: d.id, distance: Math.min(editDistance(wanted, d.id), editDistance(wanted, d.id.slice(d.id.indexOf('/') + 1))) }))
    .filter((s) => s.distance <= Math.max(2, Math.floor(wanted.length / 3)))
    .sort((a, b) => a.distance - b.distance || (a.id < b.id ? -1 : 1));
  const hint = scored.length > 0 ? `; did you mean ${scored.slice(0, 3).map((s) => s.id).join(', ')}?` : '; gohazard rules lists them all';
  throw new InputError(`unknown rule "${wanted}"${hint}`);
}

function onlyOne<T>(list: T[]): T | undefined {
  return list.length === 1 ? list[0] : undefined;
}

/** Levenshtein distance. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length];
}
