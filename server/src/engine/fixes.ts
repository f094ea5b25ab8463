// Combining and applying fixes. Several findings often carry the same fix (one `v := v` insertion
// serves every reference to v), so identical edits are applied once, and an edit that overlaps one
// already chosen is left for a later run rather than corrupting the text. Only preferred fixes are
// safe to apply unattended (fix-all); alternatives are offered one at a time.
import { SourceText } from './sourceText';
import { Finding, Fix, TextEdit } from './types';

/** The edits of every finding's preferred fix, deduplicated and non-overlapping: what fix-all applies. */
export function fixAllEdits(findings: readonly Finding[]): TextEdit[] {
  return combineFixes(findings, (f) => f.fixes.find((x) => x.preferred));
}

/** The edits of every finding's first alternative (not preferred) fix, combined the same way. */
export function alternativeFixEdits(findings: readonly Finding[]): TextEdit[] {
  return combineFixes(findings, (f) => f.fixes.find((x) => !x.preferred));
}

function combineFixes(findings: readonly Finding[], pick: (f: Finding) => Fix | undefined): TextEdit[] {
  const chosen: TextEdit[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    const fix = pick(f);
    if (!fix || (fix.otherFiles?.length ?? 0) > 0) continue;
    const keys = fix.edits.map(editKey);
    if (keys.every((k) => seen.has(k))) continue;
    if (fix.edits.some((e) => chosen.some((c) => overlaps(c, e)))) continue;
    for (let i = 0; i < fix.edits.length; i++) {
      seen.add(keys[i]);
      chosen.push(fix.edits[i]);
    }
  }
  return chosen;
}

/** Applies non-overlapping edits to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const source = new SourceText(text);
  const byOffset = edits
    .map((e, i) => ({ start: source.offsetAt(e.range.start), end: source.offsetAt(e.range.end), newText: e.newText, i }))
    .sort((a, b) => b.start - a.start || b.end - a.end || b.i - a.i);
  let out = text;
  for (const e of byOffset) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

function editKey(e: TextEdit): string {
  return `${e.range.start.line}:${e.range.start.character}-${e.range.end.line}:${e.range.end.character}=${e.newText}`;
}

type Point = TextEdit['range']['start'];

function cmp(a: Point, b: Point): number {
  return a.line - b.line || a.character - b.character;
}

/** Ranges overlap when each starts before the other ends; two insertions at one point also conflict. */
function overlaps(a: TextEdit, b: TextEdit): boolean {
  if (cmp(a.range.start, b.range.end) < 0 && cmp(b.range.start, a.range.end) < 0) return true;
  const empty = (e: TextEdit) => cmp(e.range.start, e.range.end) === 0;
  return empty(a) && empty(b) && cmp(a.range.start, b.range.start) === 0;
}
