// What gohazard must report in the sample workspace, one row per rule family. Both real-editor suites
// walk this table: the browser journey (test/e2e/journey.mjs) and the extension-host suite (test/inhost/).
//
// test/e2e/workspace/ is a Go module at `go 1.21`: `<family>.go` holds one hazard of that family and
// `main.go` none. test/e2e/expected/<file>.golden is `<file>` after its quick fix (and after
// source.fixAll.gohazard), and gohazard must report nothing in it. The suites work on a throw-away copy
// of the workspace. To cover a new family: add `<family>.go`, its golden file and its rows here.
// Like analysistest, an open file's diagnostics must be exactly its rows: anything else is a failure.
// That holds for the rule families the table covers (those with at least one row); a family without rows
// is not looked at, so that a family in progress does not break the suites before its rows are written.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type SeverityName = 'error' | 'warning' | 'info' | 'hint';

export interface HazardRow {
  /** Diagnostic.code as the server publishes it. */
  rule: string;
  /** Path relative to the workspace folder. */
  file: string;
  /** Text on the line where the diagnostic starts (the first line of `file` containing it). */
  line: string;
  /** Text the diagnostic range covers. */
  range: string;
  /** The message, as a regexp. */
  message: RegExp;
  /** Plain text of the message the browser suite looks for in the Problems panel and the hover (hints show in neither). */
  visibleText: string;
  severity: SeverityName;
  /** Title of the preferred quick fix; applying it (or source.fixAll.gohazard) turns `file` into expected/`file`.golden. */
  quickFix?: string;
  /** The go.mod `go` version from which this hazard is no longer reported (loopvar: per-iteration variables). */
  goneFrom?: string;
  /** The hazard also offers upgradeImpact.quickFix, an edit of go.mod. */
  offersUpgrade?: boolean;
  /**
   * The rule whose diagnostic this finding joins when both are on (one problem, one diagnostic: the
   * policy layer makes it a related location of that diagnostic). Shown on its own when that rule is off.
   */
  mergedInto?: string;
  /** Related locations the diagnostic carries (LSP relatedInformation), in the same file: see shownRows. */
  related?: RelatedRow[];
}

/** A place in a row's file: the first line containing `line`, the first `range` on it. */
export interface PlaceRow {
  file: string;
  line: string;
  range: string;
}

export interface RelatedRow {
  line: string;
  range: string;
  message: RegExp;
}

/** The `go` line of the workspace's go.mod. */
export const workspaceGoVersion = '1.21';

export const allRows: HazardRow[] = [
  {
    rule: 'loopvar/capture',
    file: 'loopvar.go',
    line: 'fmt.Println(name)',
    range: 'name',
    message: /^loop variable name captured by func literal started with go: before go1\.22 .*go1\.21 from go\.mod line 3/,
    visibleText: 'loop variable name captured by func literal started with go',
    severity: 'warning',
    quickFix: 'Copy name for this iteration (name := name)',
    goneFrom: '1.22',
    offersUpgrade: true,
  },
  {
    // What changes at go1.22 for the same variable: part of the capture's problem, so a related location
    // of its diagnostic (on the loop header) while loopvar/capture is on, a hint of its own otherwise.
    rule: 'loopvar/semantics-change',
    file: 'loopvar.go',
    line: 'for _, name := range names',
    range: 'name',
    message: /^loop variable name changes meaning at go1\.22: the range variable is captured by a func literal started with go \(line 16\)/,
    visibleText: 'loop variable name changes meaning at go1.22',
    severity: 'hint',
    goneFrom: '1.22',
    mergedInto: 'loopvar/capture',
  },
];

/**
 * The diagnostics the rows make when the rules `off` says are off are off: a row merged into another
 * becomes that row's related location while that rule is on, its own diagnostic when it is off.
 */
export function shownRows(rows: HazardRow[] = allRows, off: (rule: string) => boolean = () => false): HazardRow[] {
  const on = rows.filter((r) => !off(r.rule));
  const joins = (r: HazardRow, into: HazardRow) => r.mergedInto === into.rule && r.file === into.file;
  return on
    .filter((r) => !on.some((into) => joins(r, into)))
    .map((r) => {
      const related = on.filter((m) => joins(m, r)).map((m) => ({ line: m.line, range: m.range, message: m.message }));
      return related.length > 0 ? { ...r, related } : r;
    });
}

/** What the workspace shows with the default settings: one row per diagnostic. */
export const hazards: HazardRow[] = shownRows();

/** Files in which gohazard must report nothing from the covered families (false-positive guard). */
export const cleanFiles = ['main.go'];

/** The toolchain hint of every Go file of the workspace (status bar, code lens), by the go.mod version. */
export const toolchainSummary: Record<string, string> = {
  '1.21': 'Go 1.21 · shared loop vars',
  '1.22': 'Go 1.22 · per-iteration loop vars',
};

/** Hovers on loop keywords that explain which loop-variable semantics apply. */
export const loopHovers = [
  {
    file: 'loopvar.go',
    line: 'for _, name := range names',
    keyword: 'range',
    text: /\*\*gohazard\*\* · go1\.21 \(go\.mod\)[\s\S]*`name` is one variable shared by \*\*all iterations\*\*/,
  },
];

/** `gohazard: Upgrade Impact` on the workspace: the loops it lists (loopvar/semantics-change), and the go.mod quick fix. */
export const upgradeImpact = {
  target: 'go1.22',
  changes: [{ file: 'loopvar.go', line: 'for _, name := range names', range: 'name' }] as PlaceRow[],
  summary: /^1 loop \(1 loop variable\) in 1 of 2 files changes meaning when go\.mod moves from go1\.21 to go1\.22\.$/,
  quickFix: 'Upgrade module to go1.22 (1 loop in the module changes meaning)',
};

/**
 * "gohazard: Show or Hide Allocations in This File" on a clean file: every heap allocation the escape
 * model predicts there (none is a finding by default: nothing in the workspace is hot), then none
 * again; and the hover on an allocating expression, which explains it with or without the view.
 */
export const allocationsView = {
  file: 'main.go',
  command: 'gohazard.toggleAllocations',
  title: 'gohazard: Show or Hide Allocations in This File',
  findings: [
    { rule: 'escape/closure', file: 'main.go', line: 'var wg sync.WaitGroup', range: 'wg', message: /^moved to heap: wg — captured by reference .* by the func literal at line 19, which escapes: started with go/, visibleText: 'moved to heap: wg', severity: 'info' },
    { rule: 'escape/closure', file: 'main.go', line: 'go func(n string) {', range: 'func', message: /^func literal escapes to heap — started with go$/, visibleText: 'func literal escapes to heap', severity: 'info' },
    { rule: 'escape/interface-arg', file: 'main.go', line: '(n)', range: 'n', message: /^n escapes to heap — passed to fmt\.Println \(interface parameter\)$/, visibleText: 'n escapes to heap', severity: 'info' },
  ] as HazardRow[],
  hover: {
    line: 'go func(n string) {',
    at: 'func',
    text: /`func literal escapes to heap` — started with go[\s\S]*not reported: the closure of a goroutine must exist/,
    visibleText: 'the closure of a goroutine must exist',
  },
};

/** Orders Go versions ("1.21" < "1.22" < "1.100"). */
export function compareGo(a: string, b: string): number {
  const [am, an] = a.replace(/^go/, '').split('.').map(Number);
  const [bm, bn] = b.replace(/^go/, '').split('.').map(Number);
  return am - bm || an - bn;
}

/** Whether a row is still reported when go.mod says `version`. */
export function reportedAt(row: HazardRow, version: string): boolean {
  return !row.goneFrom || compareGo(version, row.goneFrom) < 0;
}

export function familyOf(rule: string): string {
  return rule.slice(0, rule.indexOf('/'));
}

/** The families that have rows: their diagnostics are checked exactly, others are ignored. */
export function coveredFamilies(): Set<string> {
  return new Set(allRows.map((r) => familyOf(r.rule)));
}

/** The files the table mentions, each with the rows it shows (by default, or with the rules `off` says off). */
export function hazardFiles(off?: (rule: string) => boolean): Map<string, HazardRow[]> {
  const files = new Map<string, HazardRow[]>();
  for (const row of off ? shownRows(allRows, off) : hazards) files.set(row.file, [...(files.get(row.file) ?? []), row]);
  return files;
}

/** test/e2e in the source tree (this module runs compiled from out/test/e2e/). */
export const e2eSourceDir = join(__dirname, '..', '..', '..', 'test', 'e2e');

/** The text `file` must have after its quick fix, or undefined when it has none. */
export function goldenText(file: string): string | undefined {
  const path = join(e2eSourceDir, 'expected', `${file}.golden`);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
