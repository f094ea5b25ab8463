// `path:line:col: message [rule]`, Go-style: 1-based lines, 1-based byte columns. The findings a
// finding's fix also fixes (sharedFixes.ts) follow it, indented.
import type { ScanReport } from '../report';

export function formatText(report: ScanReport): string {
  const lines: string[] = [];
  for (const file of report.reports) {
    for (const f of file.findings) {
      lines.push(`${file.path}:${f.range.start.line + 1}:${file.source.byteColumn(f.range.start) + 1}: ${f.message} [${f.rule}]`);
      for (const o of f.shared?.others ?? []) lines.push(`\t${o.path}:${o.range.start.line + 1}:${o.source.byteColumn(o.range.start) + 1}: ${o.message} (the same fix)`);
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}
