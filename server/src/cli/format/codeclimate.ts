// GitLab's Code Quality report: a JSON array of Code Climate issues. GitLab reads description,
// check_name, fingerprint, severity, location.path and location.lines.begin, and compares fingerprints
// between the merge request's pipeline and its target branch's to show what is new and what was fixed;
// type, categories and other_locations (a finding's related locations, in the same file) complete the
// Code Climate issue format.
import { createHash } from 'node:crypto';
import { familyOf } from '../../engine/rule';
import type { SourceText } from '../../engine/sourceText';
import type { Finding, Severity } from '../../engine/types';
import type { ScanReport } from '../report';

const severities: Record<Severity, string> = { error: 'critical', warning: 'major', info: 'minor', hint: 'info' };

const categories: Record<string, string> = {
  loopvar: 'Bug Risk',
  pool: 'Bug Risk',
  escape: 'Performance',
  alloc: 'Performance',
  toolchain: 'Compatibility',
};

export function formatCodeClimate(report: ScanReport): string {
  const issues = report.reports.flatMap((file) => {
    const seen = new Map<string, number>();
    return file.findings.map((f) => {
      const identity = findingIdentity(file.path, file.source, f);
      const occurrence = seen.get(identity) ?? 0;
      seen.set(identity, occurrence + 1);
      return {
        type: 'issue',
        check_name: f.rule,
        description: f.message,
        categories: [categories[familyOf(f.rule)] ?? 'Bug Risk'],
        fingerprint: createHash('sha256').update(`${identity}\u0000${occurrence}`).digest('hex'),
        severity: severities[f.severity],
        location: { path: file.path, lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 } },
        ...(f.related?.length ? { other_locations: f.related.map((r) => ({ path: file.path, lines: { begin: r.range.start.line + 1, end: r.range.end.line + 1 } })) } : {}),
      };
    });
  });
  return `${JSON.stringify(issues, null, 2)}\n`;
}

/**
 * What a finding is about, without its line number, so that its fingerprint survives code moving up or
 * down: the rule, the file, the reported line's text (whitespace collapsed, so re-indenting does not
 * count) and the reported text itself. Findings alike in all of that are told apart by their order.
 */
function findingIdentity(path: string, source: SourceText, f: Finding): string {
  const line = source.lineText(f.range.start.line);
  const reported = line.slice(f.range.start.character, f.range.end.line === f.range.start.line ? f.range.end.character : undefined);
  return [f.rule, path, line.trim().replace(/\s+/g, ' '), reported].join('\u0000');
}
