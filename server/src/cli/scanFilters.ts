// What `gohazard scan` reports of what it found, for teams adopting it on an existing codebase: a
// baseline hides the findings recorded in it, --new-from-rev / --new-from-patch keep the findings on
// changed lines. Both are read before the scan, so that a missing file, git or revision fails at once.
import { applyBaseline, BaselineEntry, BaselineOutcome, entriesOf, readBaseline, writeBaseline } from './baseline';
import { ChangeSet, changesFromPatch, changesFromRevision, keepNewFindings } from './newFindings';
import type { FileReport } from './report';
import type { ScanResult } from './scan';
import { UsageError } from './usageError';

export interface FilterOptions {
  newFromRev?: string;
  newFromPatch?: string;
  /** Hide the findings recorded in this baseline file. */
  baseline?: string;
  /** Record every finding in this baseline file; the run then reports none of them. */
  writeBaseline?: string;
}

export interface Filters {
  options: FilterOptions;
  changes?: ChangeSet;
  baseline?: BaselineEntry[];
}

export interface Filtered {
  reports: FileReport[];
  baseline?: BaselineOutcome;
  /** Findings no change touches, left out by --new-from-*. */
  newFrom?: { source: string; hidden: number };
  /** Entries written by --write-baseline. */
  written?: number;
}

export function checkFilterOptions(options: FilterOptions): void {
  if (options.newFromRev !== undefined && options.newFromPatch !== undefined) throw new UsageError('--new-from-rev and --new-from-patch cannot be used together');
  if (options.writeBaseline !== undefined && (options.newFromRev !== undefined || options.newFromPatch !== undefined)) {
    throw new UsageError('--write-baseline records every finding: it cannot be used with --new-from-rev or --new-from-patch');
  }
}

export async function loadFilters(options: FilterOptions, paths: readonly string[]): Promise<Filters> {
  const filters: Filters = { options };
  if (options.newFromRev !== undefined) filters.changes = await changesFromRevision(options.newFromRev, paths);
  if (options.newFromPatch !== undefined) filters.changes = changesFromPatch(options.newFromPatch);
  if (options.baseline !== undefined && options.writeBaseline === undefined) filters.baseline = readBaseline(options.baseline);
  return filters;
}

export function applyFilters(result: ScanResult, filters: Filters, ruleEnabled: (rule: string) => boolean): Filtered {
  const { options } = filters;
  let reports = result.reports;
  const out: Filtered = { reports };
  const baselinePath = options.writeBaseline ?? options.baseline;
  if (options.writeBaseline !== undefined) out.written = writeBaseline(options.writeBaseline, reports);
  const entries = options.writeBaseline !== undefined ? entriesOf(reports, options.writeBaseline).map((e) => e.entry) : filters.baseline;
  if (baselinePath !== undefined && entries) {
    const applied = applyBaseline(reports, entries, baselinePath, { files: result.analysed, ruleEnabled });
    reports = applied.reports;
    out.baseline = applied.outcome;
  }
  if (filters.changes) {
    const before = countFindings(reports);
    reports = keepNewFindings(reports, filters.changes);
    const source = options.newFromRev !== undefined ? `--new-from-rev ${options.newFromRev}` : `--new-from-patch ${options.newFromPatch}`;
    out.newFrom = { source, hidden: before - countFindings(reports) };
  }
  out.reports = reports;
  return out;
}

function countFindings(reports: readonly FileReport[]): number {
  return reports.reduce((n, r) => n + r.findings.length, 0);
}
