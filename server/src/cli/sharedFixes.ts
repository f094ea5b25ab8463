// Findings of a scan that share their fix (engine/policy/sharedFix.ts) printed as one: the first by
// path and position, with the others as related locations in the order of the printed paths.
import { relative } from 'node:path';
import { sharedFixOf } from '../engine/policy/sharedFix';
import { fromEnginePath, toEnginePath } from '../node/nodeHost';
import type { FileReport, ReportedFinding } from './report';

/** Reports in printed-path order in, reports without the findings folded into another out. */
export function groupSharedFixes(reports: readonly FileReport[]): FileReport[] {
  const showPath = (p: string) => toEnginePath(relative(process.cwd(), fromEnginePath(p)));
  const first = new Map<string, ReportedFinding>();
  const folded = new Set<ReportedFinding>();
  const out: FileReport[] = reports.map((r) => ({ ...r, findings: r.findings.map((f) => ({ ...f })) }));
  for (const report of out) {
    for (const f of report.findings) {
      const fix = sharedFixOf(f, showPath);
      if (fix === undefined) continue;
      const key = `${f.severity}\u0000${fix}`;
      const kept = first.get(key);
      if (!kept) {
        f.shared = { fix, others: [] };
        first.set(key, f);
        continue;
      }
      kept.shared!.others.push({ path: report.path, source: report.source, range: f.range, message: f.message });
      folded.add(f);
    }
  }
  // In the order `gohazard merge` restores: by path as printed, then position.
  for (const kept of first.values()) kept.shared!.others.sort((a, b) => (a.path !== b.path ? (a.path < b.path ? -1 : 1) : a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character));
  return out.map((r) => ({ ...r, findings: r.findings.filter((f) => !folded.has(f)) })).filter((r) => r.findings.length > 0);
}
