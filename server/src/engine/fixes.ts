// Combining and applying fixes. Several findings often carry the same fix (one `v := v` insertion
// serves every reference to v), or fixes share an edit (an import), so identical edits are applied once, and an edit that overlaps one
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
  // The chosen edits, sorted by start: they do not overlap, so their ends are sorted too, and an edit
  // can be checked against its neighbours alone (checking every chosen edit made fix-all quadratic).
  const sorted: TextEdit[] = [];
  const emptyAt = new Set<string>();
  // A fix whose own edits overlap breaks that order; from then on, check against every chosen edit.
  let irregular = false;
  const conflicts = (e: TextEdit) => {
    if (irregular) return chosen.some((c) => overlaps(c, e));
    if (isEmpty(e) && emptyAt.has(pointKey(e.range.start))) return true;
    // The last chosen edit that starts before e ends has the largest end of those that might overlap it.
    const i = upperBound(sorted, (c) => cmp(c.range.start, e.range.end) < 0) - 1;
    return i >= 0 && overlaps(sorted[i], e);
  };
  for (const f of findings) {
    const fix = pick(f);
    if (!fix || (fix.otherFiles?.length ?? 0) > 0) continue;
    // An edit chosen already, to the letter, serves this fix too (two fixes adding one import).
    const fresh = new Map<string, TextEdit>();
    for (const e of fix.edits) {
      const key = editKey(e);
      if (!seen.has(key)) fresh.set(key, e);
    }
    const edits = [...fresh.values()];
    if (edits.length === 0 || edits.some(conflicts)) continue;
    if (edits.some((e, i) => edits.some((o, j) => j < i && overlaps(o, e)))) irregular = true;
    for (const [key, e] of fresh) {
      seen.add(key);
      chosen.push(e);
      sorted.splice(upperBound(sorted, (c) => cmp(c.range.start, e.range.start) < 0 || (cmp(c.range.start, e.range.start) === 0 && cmp(c.range.end, e.range.end) <= 0)), 0, e);
      if (isEmpty(e)) emptyAt.add(pointKey(e.range.start));
    }
  }
  return chosen;
}

/** The number of leading items for which `before` holds (it must hold for a prefix of the array). */
function upperBound<T>(items: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (before(items[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Applies non-overlapping edits to a text, in one pass (edits at one offset keep their order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const source = new SourceText(text);
  const byOffset = edits
    .map((e, i) => ({ start: source.offsetAt(e.range.start), end: source.offsetAt(e.range.end), newText: e.newText, i }))
    .sort((a, b) => a.start - b.start || a.end - b.end || a.i - b.i);
  const parts: string[] = [];
  let at = 0;
  for (const e of byOffset) {
    parts.push(text.slice(at, Math.max(at, e.start)), e.newText);
    at = Math.max(at, e.end);
  }
  parts.push(text.slice(at));
  return parts.join('');
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
  return isEmpty(a) && isEmpty(b) && cmp(a.range.start, b.range.start) === 0;
}

function isEmpty(e: TextEdit): boolean {
  return cmp(e.range.start, e.range.end) === 0;
}

function pointKey(p: Point): string {
  return `${p.line}:${p.character}`;
}
