// `path:line:col: message [rule]`, Go-style: 1-based lines, 1-based byte columns, one line per finding
// (what problem matchers and errorformat parse). A finding whose fix also fixes others (sharedFixes.ts)
// names the first of them in its message.
import type { ReportedFinding, ScanReport } from '../report';

export function formatText(report: ScanReport): string {
  const lines: string[] = [];
  for (const file of report.reports) {
    for (const f of file.findings) {
      lines.push(`${file.path}:${f.range.start.line + 1}:${file.source.byteColumn(f.range.start) + 1}: ${f.message}${alsoFixes(f)} [${f.rule}]`);
    }
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** How many of the places that share a finding's fix its line names. */
const NAMED = 3;

function alsoFixes(f: ReportedFinding): string {
  const others = f.shared?.others ?? [];
  if (others.length === 0) return '';
  const named = others.slice(0, NAMED).map((o) => `${o.path}:${o.range.start.line + 1}:${o.source.byteColumn(o.range.start) + 1}`);
  const rest = others.length - named.length;
  return ` (the same fix also covers ${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''})`;
}
