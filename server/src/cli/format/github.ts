// GitHub Actions workflow commands (`::warning file=…,line=…::message`): run in a workflow step, each
// finding becomes an annotation on the pull request's diff and the run's summary. Lines and columns are
// 1-based; columns count UTF-16 code units, as SARIF's do here (GitHub shows characters, not bytes).
import type { Severity } from '../../engine/types';
import type { ScanReport } from '../report';

const commands: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', hint: 'notice' };

/** A command's message: line breaks and `%` would end or corrupt the command (actions/toolkit's escapeData). */
export function escapeGithubData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value: additionally `:` and `,`, which separate the properties (actions/toolkit's escapeProperty). */
export function escapeGithubProperty(text: string): string {
  return escapeGithubData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function formatGithub(report: ScanReport): string {
  const lines: string[] = [];
  for (const file of report.reports) {
    for (const f of file.findings) {
      const properties = [
        ['file', file.path],
        ['line', f.range.start.line + 1],
        ['endLine', f.range.end.line + 1],
        ['col', f.range.start.character + 1],
        ['endColumn', f.range.end.character + 1],
        ['title', `gohazard ${f.rule}`],
      ]
        .map(([key, value]) => `${key}=${escapeGithubProperty(String(value))}`)
        .join(',');
      const others = f.shared?.others ?? [];
      const also = others.length > 0 ? `\n\nThe same fix (${f.shared!.fix}) also applies to ${others.map((o) => `${o.path}:${o.range.start.line + 1}`).join(', ')}.` : '';
      lines.push(`::${commands[f.severity]} ${properties}::${escapeGithubData(f.message + also)}\n`);
    }
  }
  return lines.join('');
}
