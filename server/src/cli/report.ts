// What a scan produced, independent of the output format.
import type { Finding, RuleDoc } from '../engine/types';
import type { SourceText } from '../engine/sourceText';
import type { BaselineOutcome } from './baseline';

export interface FileReport {
  /** Path relative to the working directory, with forward slashes. */
  path: string;
  source: SourceText;
  findings: Finding[];
}

export interface ScanReport {
  files: number;
  reports: FileReport[];
  rules: RuleDoc[];
  toolVersion: string;
  /** What --baseline hid, and its entries that no longer match, when a baseline was applied. */
  baseline?: BaselineOutcome;
}
