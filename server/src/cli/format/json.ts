// {"version":1,"files":N,"findings":[…]} with 1-based lines and 1-based byte columns, and with
// --baseline, "baseline": {"file","hidden","stale":[…]} (JSON.stringify leaves it out otherwise).
import type { SourceText } from '../../engine/sourceText';
import type { Range } from '../../engine/types';
import type { FileReport, ReportedFinding, ScanReport } from '../report';

export function formatJson(report: ScanReport): string {
  const findings = report.reports.flatMap((file) =>
    file.findings.map((f) => ({
      file: file.path,
      ...place(file.source, f.range),
      rule: f.rule,
      severity: f.severity,
      message: f.message,
      ...(f.shared ? { sharedFix: f.shared.fix } : {}),
      ...relatedOf(file, f),
    })),
  );
  const baseline = report.baseline && { file: report.baseline.path, hidden: report.baseline.hidden, stale: report.baseline.stale };
  return `${JSON.stringify({ version: 1, ...(report.shard ? { shard: report.shard } : {}), files: report.files, findings, baseline }, null, 2)}\n`;
}

/** The finding's own related locations, then (with their file) the findings that share its fix. */
function relatedOf(file: FileReport, f: ReportedFinding) {
  const related = [
    ...(f.related ?? []).map((r) => ({ ...place(file.source, r.range), message: r.message })),
    ...(f.shared?.others ?? []).map((o) => ({ file: o.path, ...place(o.source, o.range), message: o.message })),
  ];
  return related.length > 0 ? { related } : {};
}

/** A range as 1-based lines and 1-based byte columns of its file. */
function place(source: SourceText, range: Range) {
  return { line: range.start.line + 1, column: source.byteColumn(range.start) + 1, endLine: range.end.line + 1, endColumn: source.byteColumn(range.end) + 1 };
}
