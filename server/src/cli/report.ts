// What a scan produced, independent of the output format.
import type { FailOn } from '../engine/config';
import type { Finding, RuleDoc } from '../engine/types';
import type { SourceText } from '../engine/sourceText';
import type { BaselineOutcome } from './baseline';

export interface FileReport {
  /** Path relative to the working directory, with forward slashes. */
  path: string;
  source: SourceText;
  findings: Finding[];
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
