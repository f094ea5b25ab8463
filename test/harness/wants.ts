// `// want "regexp"` expectations, as golang.org/x/tools/go/analysis/analysistest writes them: a
// trailing comment on the line that must be reported, with one or more quoted regular expressions
// ("…" with Go escapes, or `…` raw), each matching the message of one finding on that line.

export interface Want {
  /** Zero-based line. */
  line: number;
  pattern: RegExp;
}

const quoted = String.raw`"(?:[^"\\]|\\.)*"|` + '`[^`]*`';
const wantComment = new RegExp(String.raw`//\s*want\s+((?:(?:${quoted})\s*)+)$`);
const oneQuoted = new RegExp(quoted, 'g');

export function parseWants(text: string): Want[] {
  const wants: Want[] = [];
  text.split('\n').forEach((raw, line) => {
    const m = wantComment.exec(raw.replace(/\r$/, '').trimEnd());
    if (!m) return;
    for (const q of m[1].match(oneQuoted) ?? []) {
      const body = q.startsWith('`') ? q.slice(1, -1) : (JSON.parse(q) as string);
      wants.push({ line, pattern: new RegExp(body) });
    }
  });
  return wants;
}

export interface Reported {
  line: number;
  message: string;
  rule: string;
}

/** Missing and unexpected reports, each as "file:line: …" text; empty when the fixture holds. */
export function compareWithWants(file: string, wants: Want[], reported: Reported[]): string[] {
  const problems: string[] = [];
  const left = [...reported];
  for (const w of wants) {
    const i = left.findIndex((r) => r.line === w.line && w.pattern.test(r.message));
    if (i >= 0) left.splice(i, 1);
    else problems.push(`${file}:${w.line + 1}: missing report matching ${w.pattern}`);
  }
  for (const r of left) problems.push(`${file}:${r.line + 1}: unexpected report [${r.rule}] ${r.message}`);
  return problems;
}
