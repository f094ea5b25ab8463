// `path:line:col: message [rule]`, Go-style: 1-based lines, 1-based byte columns.
import type { ScanReport } from '../report';

export function formatText(report: ScanReport): string {
  const lines: string[] = [];
  for (const file of report.reports) {
    for (const f of file.findings) {
      lines.push(`${file.path}:${f.range.start.line + 1}:${file.source.byteColumn(f.range.start) + 1}: ${f.message} [${f.rule}]`);
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}
