// What a finding is about, without its line number: the fingerprint that baselines and GitLab's Code
// Quality report both compare between runs, so that a finding keeps its identity when code above it
// moves or is re-indented, and both say "new" of the same findings.
import { createHash } from 'node:crypto';
import type { SourceText } from '../engine/sourceText';
import type { Finding } from '../engine/types';

/** A hash of the lines the finding spans and the text it covers, whitespace collapsed. */
export function codeFingerprint(source: SourceText, finding: Finding): string {
  const { start, end } = finding.range;
  const last = Math.max(start.line, end.character === 0 ? end.line - 1 : end.line);
  const lines: string[] = [];
  for (let line = start.line; line <= last; line++) lines.push(normaliseCode(source.lineText(line)));
  const covered = normaliseCode(source.text.slice(source.offsetAt(start), source.offsetAt(end)));
  return createHash('sha256').update(`${lines.join('\n')}\0${covered}`).digest('hex').slice(0, 16);
}

export function normaliseCode(code: string): string {
  return code.trim().replace(/\s+/g, ' ');
}

/**
 * Each finding of one file with its occurrence among the findings of the same rule and fingerprint,
 * counted in file order whatever order the findings came in: identical code reported twice stays two.
 */
export function withOccurrences(source: SourceText, findings: readonly Finding[]): { finding: Finding; fingerprint: string; occurrence: number }[] {
  const seen = new Map<string, number>();
  const ordered = [...findings].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
  return ordered.map((finding) => {
    const fingerprint = codeFingerprint(source, finding);
    const key = `${finding.rule}\0${fingerprint}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    return { finding, fingerprint, occurrence };
  });
}
