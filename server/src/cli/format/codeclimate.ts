// GitLab's Code Quality report: a JSON array of Code Climate issues. GitLab reads description,
// check_name, fingerprint, severity, location.path and location.lines.begin, and compares fingerprints
// between the merge request's pipeline and its target branch's to show what is new and what was fixed;
// type, categories and other_locations (a finding's related locations, and the findings that share its
// fix) complete the
// Code Climate issue format. Fingerprints are the baselines' (fingerprint.ts), with the rule and path.
import { createHash } from 'node:crypto';
import { familyOf } from '../../engine/rule';
import type { Severity } from '../../engine/types';
import { withOccurrences } from '../fingerprint';
import type { ReportedFinding, ScanReport } from '../report';

const severities: Record<Severity, string> = { error: 'critical', warning: 'major', info: 'minor', hint: 'info' };

const categories: Record<string, string> = {
  loopvar: 'Bug Risk',
  pool: 'Bug Risk',
  escape: 'Performance',
  alloc: 'Performance',
  toolchain: 'Compatibility',
};

export function formatCodeClimate(report: ScanReport): string {
  const issues = report.reports.flatMap((file) =>
    withOccurrences(file.source, file.findings).map(({ finding: f, fingerprint, occurrence }) => ({
      type: 'issue',
      check_name: f.rule,
      description: f.message,
      categories: [categories[familyOf(f.rule)] ?? 'Bug Risk'],
      fingerprint: createHash('sha256').update([f.rule, file.path, fingerprint, occurrence].join('\u0000')).digest('hex'),
      severity: severities[f.severity],
      location: { path: file.path, lines: { begin: f.range.start.line + 1, end: f.range.end.line + 1 } },
      ...otherLocationsOf(file.path, f),
    })),
  );
  return `${JSON.stringify(issues, null, 2)}\n`;
}

function otherLocationsOf(path: string, f: ReportedFinding) {
  const others = [
    ...(f.related ?? []).map((r) => ({ path, lines: { begin: r.range.start.line + 1, end: r.range.end.line + 1 } })),
    ...(f.shared?.others ?? []).map((o) => ({ path: o.path, lines: { begin: o.range.start.line + 1, end: o.range.end.line + 1 } })),
  ];
  return others.length > 0 ? { other_locations: others } : {};
}
