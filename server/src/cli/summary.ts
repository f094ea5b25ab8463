// The closing summary of `gohazard scan` on stderr: findings by severity and by family, files, time,
// and what the baseline, --new-from-rev/--new-from-patch and the cache did.
import { familyOf } from '../engine/rule';
import type { Severity } from '../engine/types';
import type { BaselineEntry, BaselineOutcome } from './baseline';
import type { FileReport } from './report';
import type { ScanCacheStats } from './scan';
import { count, Paint, plural } from './terminal';

export interface SummaryInput {
  files: number;
  elapsedMs: number;
  /** The findings reported, after the baseline and --new-from-* filters. */
  reports: readonly FileReport[];
  baseline?: BaselineOutcome;
  /** Findings below --min-severity, not printed. */
  belowMinimum?: { severity: Severity; count: number };
  /** Findings left out because no change touches them, and what the change is (e.g. "--new-from-rev main"). */
  newFrom?: { source: string; hidden: number };
  cache?: ScanCacheStats;
}

const SEVERITIES: { severity: Severity; one: string; many: string; colour: keyof Paint }[] = [
  { severity: 'error', one: 'error', many: 'errors', colour: 'red' },
  { severity: 'warning', one: 'warning', many: 'warnings', colour: 'yellow' },
  { severity: 'info', one: 'info', many: 'info', colour: 'blue' },
  { severity: 'hint', one: 'hint', many: 'hints', colour: 'dim' },
];

export function formatSummary(input: SummaryInput, paint: Paint): string {
  const bySeverity = new Map<Severity, number>();
  const byFamily = new Map<string, number>();
  let total = 0;
  for (const report of input.reports) {
    for (const f of report.findings) {
      total++;
      bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
      byFamily.set(familyOf(f.rule), (byFamily.get(familyOf(f.rule)) ?? 0) + 1);
    }
  }
  const time = `${(input.elapsedMs / 1000).toFixed(1)} s`;
  const lines: string[] = [];
  if (total === 0) lines.push(`${paint.green('no findings')} in ${plural(input.files, 'file')} (${time})`);
  else {
    const severities = SEVERITIES.filter((s) => bySeverity.has(s.severity)).map((s) => paint[s.colour](`${count(bySeverity.get(s.severity)!)} ${bySeverity.get(s.severity) === 1 ? s.one : s.many}`));
    lines.push(`${paint.bold(plural(total, 'finding'))} (${severities.join(', ')}) in ${plural(input.files, 'file')} (${time})`);
    const families = [...byFamily].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    lines.push(`  by family: ${families.map(([family, n]) => `${family} ${count(n)}`).join(' · ')}`);
  }
  if (input.baseline) {
    const { path, hidden, stale } = input.baseline;
    lines.push(`  baseline ${path}: ${count(hidden)} hidden${stale.length > 0 ? `, ${paint.yellow(plural(stale.length, 'stale entry', 'stale entries'))}` : ''}`);
  }
  if (input.belowMinimum && input.belowMinimum.count > 0) lines.push(`  --min-severity ${input.belowMinimum.severity}: ${count(input.belowMinimum.count)} hidden (less severe)`);
  if (input.newFrom) lines.push(`  ${input.newFrom.source}: ${count(input.newFrom.hidden)} hidden (on lines the change does not touch)`);
  if (input.cache) lines.push(`  cache: ${count(input.cache.hits)} of ${plural(input.cache.hits + input.cache.misses, 'file')} reused`);
  return lines.map((l) => `${l}\n`).join('');
}

/** At most this many stale entries are listed on stderr; JSON and SARIF output list them all. */
const STALE_LISTED = 20;

export function formatStaleEntries(baseline: BaselineOutcome, paint: Paint): string {
  const { path, stale } = baseline;
  if (stale.length === 0) return '';
  const head = `gohazard: ${plural(stale.length, 'entry', 'entries')} of the baseline ${path} ${stale.length === 1 ? 'matches' : 'match'} no finding any more (fixed, or the code changed): ${paint.bold(`--write-baseline ${path}`)} rewrites it without ${stale.length === 1 ? 'it' : 'them'}\n`;
  const listed = stale.slice(0, STALE_LISTED).map((e: BaselineEntry) => `  ${e.file}: ${e.rule}: ${e.code}\n`);
  const more = stale.length > STALE_LISTED ? `  … and ${count(stale.length - STALE_LISTED)} more\n` : '';
  return `${paint.yellow(head.trimEnd())}\n${listed.join('')}${more}`;
}
