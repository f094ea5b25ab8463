// `// want "regexp"` expectations, as golang.org/x/tools/go/analysis/analysistest writes them: a
// trailing comment on the line that must be reported, with one or more quoted regular expressions
// ("…" with Go escapes, or `…` raw), each matching the message of one finding on that line.
// `// want hint "regexp"` (or error, warning, info) also requires that finding's severity.
// `// related "regexp"` does the same for the related locations of findings (a place the message
// names, another use of a variable); a file with none is not checked for them.

export interface Want {
  /** Zero-based line. */
  line: number;
  pattern: RegExp;
  severity?: string;
}

const quoted = String.raw`"(?:[^"\\]|\\.)*"|` + '`[^`]*`';
const quotedList = String.raw`(?:(?:${quoted})\s*)+`;
/** `// want "a" "b"`, optionally followed by `related "c"` on the same line (or `// related "c"` alone). */
const expectation = new RegExp(String.raw`//\s*(?:want\s+(?:(error|warning|info|hint)\s+)?(${quotedList}))?(?:related\s+(${quotedList}))?$`);
const oneQuoted = new RegExp(quoted, 'g');

function parse(text: string, group: 2 | 3): Want[] {
  const wants: Want[] = [];
  text.split('\n').forEach((raw, line) => {
    const m = expectation.exec(raw.replace(/\r$/, '').trimEnd());
    if (!m?.[group]) return;
    for (const q of m[group].match(oneQuoted) ?? []) {
      const body = q.startsWith('`') ? q.slice(1, -1) : (JSON.parse(q) as string);
      wants.push({ line, pattern: new RegExp(body), ...(group === 2 && m[1] ? { severity: m[1] } : {}) });
    }
  });
  return wants;
}

export function parseWants(text: string): Want[] {
  return parse(text, 2);
}

/** `related "regexp"` expectations: related locations of findings on that line. */
export function parseRelated(text: string): Want[] {
  return parse(text, 3);
}

export interface Reported {
  line: number;
  message: string;
  rule: string;
  severity?: string;
}

/** Missing and unexpected reports, each as "file:line: …" text; empty when the fixture holds. */
export function compareWithWants(file: string, wants: Want[], reported: Reported[]): string[] {
  const problems: string[] = [];
  const left = [...reported];
  for (const w of wants) {
    const i = left.findIndex((r) => r.line === w.line && w.pattern.test(r.message));
    if (i < 0) problems.push(`${file}:${w.line + 1}: missing report matching ${w.pattern}`);
    else if (w.severity && left[i].severity !== w.severity) problems.push(`${file}:${w.line + 1}: report matching ${w.pattern} is ${left[i].severity}, not ${w.severity}`);
    if (i >= 0) left.splice(i, 1);
  }
  for (const r of left) problems.push(`${file}:${r.line + 1}: unexpected report [${r.rule}] ${r.message}`);
  return problems;
}

