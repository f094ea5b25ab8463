// {"version":1,"files":N,"findings":[…]} with 1-based lines and 1-based byte columns, and with
// --baseline, "baseline": {"file","hidden","stale":[…]} (JSON.stringify leaves it out otherwise).
import type { FileReport, ReportedFinding, ScanReport } from '../report';

export function formatJson(report: ScanReport): string {
  const findings = report.reports.flatMap((file) =>
    file.findings.map((f) => ({
      file: file.path,
      line: f.range.start.line + 1,
      column: file.source.byteColumn(f.range.start) + 1,
      endLine: f.range.end.line + 1,
      endColumn: file.source.byteColumn(f.range.end) + 1,
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
    ...(f.related ?? []).map((r) => ({
      line: r.range.start.line + 1,
      column: file.source.byteColumn(r.range.start) + 1,
      endLine: r.range.end.line + 1,
      endColumn: file.source.byteColumn(r.range.end) + 1,
      message: r.message,
    })),
    ...(f.shared?.others ?? []).map((o) => ({
      file: o.path,
      line: o.range.start.line + 1,
      column: o.source.byteColumn(o.range.start) + 1,
      endLine: o.range.end.line + 1,
      endColumn: o.source.byteColumn(o.range.end) + 1,
      message: o.message,
    })),
  ];
  return related.length > 0 ? { related } : {};
}
