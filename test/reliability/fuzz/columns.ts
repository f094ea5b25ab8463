// An oracle for columns, independent of the engine's own bookkeeping: it reads the raw bytes of the file
// and knows only what TextDecoder (the WHATWG decoder that VS Code and Node use) makes of them.
//
// A byte column must fall on a boundary of the line's bytes: decoding the bytes before it and the bytes
// after it separately gives the decoded line (so it never splits a character or a BOM). The UTF-16
// column of the same place is the length of the decoded bytes before it. Lines end at \n only (as Go,
// tree-sitter and SARIF's default newline sequences have it); a \r before the \n is not part of a line.

const stripBom = new TextDecoder('utf-8');
const keepBom = new TextDecoder('utf-8', { ignoreBOM: true });

export class RawLines {
  private readonly lines: Uint8Array[] = [];
  private readonly decoded: string[];

  constructor(bytes: Uint8Array) {
    let start = 0;
    for (let i = 0; i <= bytes.length; i++) {
      if (i === bytes.length || bytes[i] === 0x0a) {
        let end = i;
        if (end > start && bytes[end - 1] === 0x0d) end--;
        this.lines.push(bytes.subarray(start, end));
        start = i + 1;
      }
    }
    this.decoded = this.lines.map((line, i) => this.decode(i, line));
  }

  get count(): number {
    return this.lines.length;
  }

  /** The decoded text of a 0-based line, as the editor shows it. */
  text(line: number): string {
    return this.decoded[line];
  }

  /** The UTF-16 column of a 0-based byte column of a 0-based line, or why that byte column is wrong. */
  utf16Column(line: number, byteColumn: number): number | string {
    if (!(line >= 0 && line < this.lines.length)) return `line ${line + 1} is outside the file (${this.lines.length} lines)`;
    const raw = this.lines[line];
    if (!(byteColumn >= 0 && byteColumn <= raw.length)) return `byte column ${byteColumn + 1} is outside line ${line + 1} (${raw.length} bytes)`;
    const before = this.decode(line, raw.subarray(0, byteColumn));
    const after = keepBom.decode(raw.subarray(byteColumn));
    if (before + after !== this.decoded[line]) return `byte column ${byteColumn + 1} of line ${line + 1} splits a character (bytes ${hex(raw.subarray(Math.max(0, byteColumn - 3), byteColumn + 3))})`;
    return before.length;
  }

  /** The first line drops a leading BOM, as the decoder of a whole file does; later lines keep it. */
  private decode(line: number, bytes: Uint8Array): string {
    return (line === 0 ? stripBom : keepBom).decode(bytes);
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The printed output of one scan in each format. */
export interface FormatOutputs {
  json: string;
  sarif: string;
  text: string;
}

interface JsonPlace {
  /** Of a related location in another file (a finding that shares the fix); else the finding's. */
  file?: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface JsonFinding extends JsonPlace {
  file: string;
  rule: string;
  related?: JsonPlace[];
}

interface SarifLocation {
  physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number; endLine: number; endColumn: number } };
}

interface SarifResult {
  ruleId: string;
  locations: SarifLocation[];
  relatedLocations?: SarifLocation[];
}

/**
 * What is wrong with the columns of one scan's outputs, if anything: every JSON position (of a finding
 * and of its related locations, in their own files) is a byte boundary of its line in the raw file, SARIF has the same
 * findings and related locations at the UTF-16 columns of those places, and the text format the JSON's
 * start positions.
 */
export function formatColumnsProblem(files: ReadonlyMap<string, Uint8Array>, out: FormatOutputs): string | undefined {
  const lines = new Map<string, RawLines>();
  const linesOf = (file: string) => {
    let l = lines.get(file);
    if (!l) {
      const bytes = files.get(file);
      if (!bytes) return undefined;
      l = new RawLines(bytes);
      lines.set(file, l);
    }
    return l;
  };
  let json: JsonFinding[];
  let sarif: SarifResult[];
  try {
    json = (JSON.parse(out.json) as { findings: JsonFinding[] }).findings;
  } catch (error) {
    return `unreadable json output: ${(error as Error).message}`;
  }
  try {
    sarif = (JSON.parse(out.sarif) as { runs: { results: SarifResult[] }[] }).runs[0].results;
  } catch (error) {
    return `unreadable sarif output: ${(error as Error).message}`;
  }
  const expectedSarif: string[] = [];
  for (const f of json) {
    const raw = linesOf(f.file);
    if (!raw) return `json: a finding names ${f.file}, which is not an input`;
    const places: string[] = [];
    for (const [what, p] of [['', f], ...(f.related ?? []).map((r, i) => [` related location ${i}`, r] as const)] as const) {
      const file = p.file ?? f.file;
      const at = file === f.file ? raw : linesOf(file);
      if (!at) return `json: ${f.file} ${f.rule}${what} names ${file}, which is not an input`;
      const start = at.utf16Column(p.line - 1, p.column - 1);
      const end = at.utf16Column(p.endLine - 1, p.endColumn - 1);
      const where = `${f.file} ${f.rule}${what}${file === f.file ? '' : ` in ${file}`} at ${p.line}:${p.column}-${p.endLine}:${p.endColumn}`;
      for (const u of [start, end]) if (typeof u === 'string') return `json: ${where}: ${u}`;
      if (p.line > p.endLine || (p.line === p.endLine && p.column > p.endColumn)) return `json: ${where} ends before it starts`;
      places.push(`${file === f.file ? '' : `${file}@`}${p.line}:${(start as number) + 1}-${p.endLine}:${(end as number) + 1}`);
    }
    expectedSarif.push(`${f.file}:${places.join(' ')} ${f.rule}`);
  }
  const actualSarif = sarif.map((r) => {
    const uri = r.locations[0].physicalLocation.artifactLocation.uri;
    const places = [...r.locations.slice(0, 1), ...(r.relatedLocations ?? [])].map(
      ({ physicalLocation: { artifactLocation, region } }) => `${artifactLocation.uri === uri ? '' : `${artifactLocation.uri}@`}${region.startLine}:${region.startColumn}-${region.endLine}:${region.endColumn}`,
    );
    return `${uri}:${places.join(' ')} ${r.ruleId}`;
  });
  const differs = firstDifference(expectedSarif, actualSarif);
  if (differs) return `sarif differs from the UTF-16 columns of the json findings: ${differs}`;
  const textStarts: string[] = [];
  for (const line of out.text.split('\n').filter((l) => l !== '')) {
    const m = /^(.+?\.go):(\d+):(\d+): .+ \[[\w/-]+\]$/s.exec(line);
    if (!m) return `text: unexpected output line ${JSON.stringify(line.slice(0, 200))}`;
    textStarts.push(`${m[1]}:${m[2]}:${m[3]}`);
  }
  const differsText = firstDifference(
    json.map((f) => `${f.file}:${f.line}:${f.column}`),
    textStarts,
  );
  return differsText ? `text positions differ from the json findings: ${differsText}` : undefined;
}

/** The first element in one multiset and not the other, described; undefined when they are equal. */
function firstDifference(expected: string[], actual: string[]): string | undefined {
  const a = [...expected].sort();
  const b = [...actual].sort();
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `expected ${a[i] ?? 'nothing'}, got ${b[i] ?? 'nothing'} (${a.length} vs ${b.length} findings)`;
  }
  return undefined;
}
