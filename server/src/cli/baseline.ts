// Baseline files: `--write-baseline FILE` records today's findings, `--baseline FILE` hides exactly
// those. A finding is identified by its rule, its file (relative to the baseline file's directory) and
// a hash of its normalised code — the lines it spans and the text it covers, whitespace collapsed —
// with an occurrence index among identical ones in the file; never by line number or message, so an
// entry keeps matching when code above it moves or a message is reworded. Entries that match nothing
// in the files scanned are stale: the finding was fixed or its code changed, and the file can shrink.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { Finding } from '../engine/types';
import { normaliseCode, withOccurrences } from './fingerprint';
import type { FileReport } from './report';
import { InputError } from './usageError';

export const BASELINE_VERSION = 1;

export interface BaselineEntry {
  rule: string;
  /** Relative to the baseline file's directory, `/`-separated. */
  file: string;
  /** The first 16 hex digits of the SHA-256 of the finding's normalised code. */
  fingerprint: string;
  /** Index among the findings of this rule, file and fingerprint, in file order. */
  occurrence: number;
  /** The finding's first line, normalised and shortened: for people reading the file, not matched. */
  code: string;
}

export interface BaselineOutcome {
  /** The baseline file as named on the command line or in the configuration. */
  path: string;
  /** Findings the baseline hid. */
  hidden: number;
  /** Entries that match no finding in the files scanned, with rules that are on. */
  stale: BaselineEntry[];
}

/** What decides whether an entry that matched nothing is stale: its file was scanned, its rule is on. */
export interface ScanCoverage {
  /** Paths relative to the working directory, as FileReport.path. */
  files: readonly string[];
  ruleEnabled(rule: string): boolean;
}

const CODE_CHARS = 100;

/** Every finding with its baseline entry, for a baseline file at `baselinePath`. */
export function entriesOf(reports: readonly FileReport[], baselinePath: string): { report: FileReport; finding: Finding; entry: BaselineEntry }[] {
  const out: { report: FileReport; finding: Finding; entry: BaselineEntry }[] = [];
  const base = dirname(resolve(baselinePath));
  for (const report of reports) {
    const file = baselineRelative(base, report.path);
    for (const { finding, fingerprint, occurrence } of withOccurrences(report.source, report.findings)) {
      const first = normaliseCode(report.source.lineText(finding.range.start.line));
      out.push({ report, finding, entry: { rule: finding.rule, file, fingerprint, occurrence, code: first.length > CODE_CHARS ? `${first.slice(0, CODE_CHARS - 1)}…` : first } });
    }
  }
  return out;
}

/** Writes every finding to the baseline file, sorted so that the file diffs well; returns their number. */
export function writeBaseline(path: string, reports: readonly FileReport[]): number {
  const entries = entriesOf(reports, path).map((e) => e.entry);
  entries.sort(compareEntries);
  // One entry per line: adding or removing a finding is a one-line change in review.
  const lines = entries.map((e) => `    ${JSON.stringify({ rule: e.rule, file: e.file, fingerprint: e.fingerprint, occurrence: e.occurrence, code: e.code })}`);
  const text = `{\n  "version": ${BASELINE_VERSION},\n  "tool": "gohazard",\n  "findings": [${lines.length > 0 ? `\n${lines.join(',\n')}\n  ` : ''}]\n}\n`;
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw new InputError(`--write-baseline: cannot write ${path}: ${(e as Error).message}`);
  }
  return entries.length;
}

export function readBaseline(path: string): BaselineEntry[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new InputError(`baseline ${path}: ${missing ? 'no such file (create it with --write-baseline)' : (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new InputError(`baseline ${path}: not JSON: ${(e as Error).message}`);
  }
  const obj = data as { version?: unknown; findings?: unknown };
  if (!data || typeof data !== 'object' || obj.version === undefined) throw new InputError(`baseline ${path}: not a gohazard baseline (no "version")`);
  if (obj.version !== BASELINE_VERSION) throw new InputError(`baseline ${path}: version ${JSON.stringify(obj.version)} is not supported (this gohazard reads version ${BASELINE_VERSION})`);
  if (!Array.isArray(obj.findings)) throw new InputError(`baseline ${path}: "findings" is not a list`);
  return obj.findings.map((f: unknown, i: number) => {
    const e = f as Partial<BaselineEntry>;
    if (!e || typeof e.rule !== 'string' || typeof e.file !== 'string' || typeof e.fingerprint !== 'string' || !Number.isInteger(e.occurrence)) {
      throw new InputError(`baseline ${path}: entry ${i + 1} needs "rule", "file", "fingerprint" and "occurrence"`);
    }
    return { rule: e.rule, file: e.file, fingerprint: e.fingerprint, occurrence: e.occurrence!, code: typeof e.code === 'string' ? e.code : '' };
  });
}

/** The reports without the findings the baseline holds, and what the baseline did. */
export function applyBaseline(reports: readonly FileReport[], entries: readonly BaselineEntry[], baselinePath: string, coverage: ScanCoverage): { reports: FileReport[]; outcome: BaselineOutcome } {
  const keyOf = (e: BaselineEntry) => `${e.rule}\0${e.file}\0${e.fingerprint}\0${e.occurrence}`;
  const known = new Map(entries.map((e) => [keyOf(e), e]));
  const matched = new Set<string>();
  const hiddenFindings = new Set<Finding>();
  for (const { finding, entry } of entriesOf(reports, baselinePath)) {
    const key = keyOf(entry);
    if (!known.has(key)) continue;
    matched.add(key);
    hiddenFindings.add(finding);
  }
  const base = dirname(resolve(baselinePath));
  const scanned = new Set(coverage.files.map((f) => baselineRelative(base, f)));
  const stale = entries.filter((e) => !matched.has(keyOf(e)) && scanned.has(e.file) && coverage.ruleEnabled(e.rule)).sort(compareEntries);
  const kept = reports.map((r) => ({ ...r, findings: r.findings.filter((f) => !hiddenFindings.has(f)) })).filter((r) => r.findings.length > 0);
  return { reports: kept, outcome: { path: baselinePath, hidden: hiddenFindings.size, stale } };
}

function baselineRelative(base: string, path: string): string {
  return relative(base, resolve(path)).split(sep).join('/');
}

export function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  return cmp(a.file, b.file) || cmp(a.rule, b.rule) || cmp(a.code, b.code) || cmp(a.fingerprint, b.fingerprint) || a.occurrence - b.occurrence;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
