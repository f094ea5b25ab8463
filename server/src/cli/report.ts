// What a scan produced, independent of the output format.
import type { FailOn } from '../engine/config';
import type { Finding, Range, RuleDoc } from '../engine/types';
import type { SourceText } from '../engine/sourceText';
import type { BaselineOutcome } from './baseline';

/** A finding as printed: it may stand for others that share its fix (sharedFixes.ts). */
export interface ReportedFinding extends Finding {
  shared?: SharedFix;
}

export interface SharedFix {
  /** The fix, as `path: title` (engine/policy/sharedFix.ts). */
  fix: string;
  /** The other findings it fixes, in printed order. */
  others: { path: string; source: SourceText; range: Range; message: string }[];
}

export interface FileReport {
  /** Path relative to the working directory, with forward slashes. */
  path: string;
  source: SourceText;
  findings: ReportedFinding[];
  /** The exit threshold set by the .gohazard.json governing the file, if it sets one. */
  failOn?: FailOn;
}

export interface ScanReport {
  files: number;
  /** The shard of a `scan --shard K/N` (1-based), which `gohazard merge` checks. */
  shard?: { index: number; count: number };
  reports: FileReport[];
  rules: RuleDoc[];
  toolVersion: string;
  /** What --baseline hid, and its entries that no longer match, when a baseline was applied. */
  baseline?: BaselineOutcome;
}
