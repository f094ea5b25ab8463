// SARIF 2.1.0, as code-scanning services read it. SARIF counts columns in UTF-16 code units by
// default and we declare that explicitly, so these columns are the engine's own, 1-based: units of the
// file decoded as editors decode it (a BOM is not a character; each ill-formed UTF-8 sequence is one
// U+FFFD, one unit), the same places the JSON and text formats give in bytes.
import { ruleDocUrl } from '../../engine/ruleDocUrl';
import type { Range, Severity } from '../../engine/types';
import type { ReportedFinding, ScanReport } from '../report';

const levels: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'note', hint: 'note' };

export function formatSarif(report: ScanReport): string {
  const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'gohazard',
            version: report.toolVersion,
            rules: report.rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.summary },
              fullDescription: { text: r.help },
              help: { text: r.help },
              helpUri: ruleDocUrl(r.id),
              defaultConfiguration: { level: levels[r.defaultSeverity] },
            })),
          },
        },
        columnKind: 'utf16CodeUnits',
        // Baseline entries that match nothing any more: SARIF's "absent" results would show as alerts.
        // A shard's place (scan --shard) is removed again by gohazard merge.
        properties:
          report.baseline || report.shard
            ? {
                ...(report.baseline ? { baseline: { file: report.baseline.path, hidden: report.baseline.hidden, stale: report.baseline.stale } } : {}),
                ...(report.shard ? { gohazardShard: report.shard } : {}),
              }
            : undefined,
        originalUriBaseIds: { '%SRCROOT%': { description: { text: 'The directory gohazard scan ran in.' } } },
        results: report.reports.flatMap((file) =>
          file.findings.map((f) => ({
            ruleId: f.rule,
            ruleIndex: ruleIndex.get(f.rule),
            level: levels[f.severity],
            message: { text: f.message },
            // Against a baseline, what is reported is what the baseline does not hold.
            baselineState: report.baseline ? 'new' : undefined,
            locations: [{ physicalLocation: physicalLocation(file.path, f.range) }],
            ...relatedLocationsOf(file.path, f),
            ...(f.shared ? { properties: { sharedFix: f.shared.fix } } : {}),
          })),
        ),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function physicalLocation(path: string, range: Range) {
  return {
    artifactLocation: { uri: path, uriBaseId: '%SRCROOT%' },
    region: { startLine: range.start.line + 1, startColumn: range.start.character + 1, endLine: range.end.line + 1, endColumn: range.end.character + 1 },
  };
}

/** The finding's own related locations, then those of the findings that share its fix (marked sameFix, which `gohazard merge` regroups). */
function relatedLocationsOf(path: string, f: ReportedFinding) {
  const related = [
    ...(f.related ?? []).map((r) => ({ message: { text: r.message }, physicalLocation: physicalLocation(path, r.range) })),
    ...(f.shared?.others ?? []).map((o) => ({ message: { text: o.message }, physicalLocation: physicalLocation(o.path, o.range), properties: { sameFix: true } })),
  ];
  return related.length > 0 ? { relatedLocations: related.map((r, id) => ({ id, ...r })) } : {};
}
