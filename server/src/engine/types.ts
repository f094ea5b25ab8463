// Shared vocabulary of the engine. Positions are zero-based lines and UTF-16 code-unit columns,
// the units of JavaScript strings, tree-sitter (when parsing a JS string) and LSP; the CLI converts
// columns to bytes when it prints them.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info' | 'hint';
export type SeveritySetting = Severity | 'off';

export interface TextEdit {
  range: Range;
  newText: string;
}

/** An edit to a file other than the analysed one (e.g. go.mod). */
export interface FileEdit {
  path: string;
  edits: TextEdit[];
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  otherFiles?: FileEdit[];
  /** Safe to apply without review, so `source.fixAll.gohazard` may apply it. */
  preferred?: boolean;
}

/** Another place in the same file that explains a finding: where a value is stored, another use. */
export interface RelatedLocation {
  range: Range;
  message: string;
}

export interface Finding {
  rule: string;
  severity: Severity;
  range: Range;
  message: string;
  fixes: Fix[];
  related?: RelatedLocation[];
  /** The Go language version the finding depends on, when it does (e.g. "go1.21"). */
  goVersion?: string;
}

/**
 * What a rule's findings are about, which decides how the policy (engine/policy/present.ts) shows
 * them: a hazard wherever it is; a resource (held longer than the code suggests) wherever the code is
 * not cold; a cost (an allocation each time the code runs) only where the code is hot; a fact (what
 * the compiler decides, not a cost each time: an escaping append allocates only when it grows) only
 * in the allocations view; an explanation as a hint.
 */
export type RuleKind = 'hazard' | 'resource' | 'cost' | 'fact' | 'explanation';

export interface RuleDoc {
  id: string;
  summary: string;
  help: string;
  defaultSeverity: Severity;
  kind: RuleKind;
  /** A minimal program with the hazard and the same program fixed; a test runs the engine on both. */
  example?: RuleExample;
}

export interface RuleExample {
  /** The `go` line of the example's go.mod (e.g. "1.21") when the rule depends on the language version. */
  goVersion?: string;
  /** A Go file the rule reports. */
  hazard: string;
  /** The same file with the hazard fixed: the rule reports nothing. */
  fix: string;
}
