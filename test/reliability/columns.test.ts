// Columns of files that are not valid UTF-8 (issue 17, item 1). Byte columns (JSON, text) index the
// file's own bytes, UTF-16 columns (SARIF, LSP) count what the WHATWG decoder makes of them: each
// maximal ill-formed subsequence is one U+FFFD, one UTF-16 unit, whatever number of bytes it covers.
// Both are checked against an oracle that reads the raw bytes (fuzz/columns.ts), on every line.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { decodeUtf8 } from '../../server/src/engine/byteLayout';
import { SourceText } from '../../server/src/engine/sourceText';
import { cliPath } from '../helpers';
import { TestClient } from '../lsp/lspClient';
import { FormatOutputs, formatColumnsProblem, RawLines } from './fuzz/columns';
import { Choices, prng } from './fuzz/random';

/** Ill-formed sequences of every kind, and well-formed ones that look alike. */
const sequences: Record<string, number[]> = {
  'lone byte FF': [0xff],
  'lone continuation 80': [0x80],
  'lone continuation BF': [0xbf],
  'two bytes FE FE': [0xfe, 0xfe],
  'overlong C0 80 (NUL)': [0xc0, 0x80],
  'overlong C0 AF': [0xc0, 0xaf],
  'overlong E0 80 AF': [0xe0, 0x80, 0xaf],
  'overlong F0 80 80 AF': [0xf0, 0x80, 0x80, 0xaf],
  'surrogate ED A0 80': [0xed, 0xa0, 0x80],
  'surrogate ED BF BF': [0xed, 0xbf, 0xbf],
  'above U+10FFFF F4 90 80 80': [0xf4, 0x90, 0x80, 0x80],
  'five bytes F8 88 80 80 80': [0xf8, 0x88, 0x80, 0x80, 0x80],
  'truncated C3': [0xc3],
  'truncated E2 82': [0xe2, 0x82],
  'truncated F0 9F 98': [0xf0, 0x9f, 0x98],
  'truncated E2 82 then ASCII': [0xe2, 0x82, 0x41],
  'a real U+FFFD EF BF BD': [0xef, 0xbf, 0xbd],
  'euro sign E2 82 AC': [0xe2, 0x82, 0xac],
  'emoji F0 9F 98 80': [0xf0, 0x9f, 0x98, 0x80],
};

function gohazard(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  message: string;
}
interface SarifRegion {
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
}

function scanAll(dir: string, threads: string) {
  // Every escape finding, hot code or not: the more findings, the more columns to check.
  const args = ['scan', '--fail-on', 'none', '--escape-scope', 'all', '--threads', threads, '.'];
  const outputs: FormatOutputs = { json: gohazard([...args, '--format', 'json'], dir), sarif: gohazard([...args, '--format', 'sarif'], dir), text: gohazard([...args, '--format', 'text'], dir) };
  const json = (JSON.parse(outputs.json) as { findings: JsonFinding[] }).findings;
  const sarif = (JSON.parse(outputs.sarif) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: SarifRegion } }[] }[] }[] }).runs[0].results.map((r) => ({
    file: r.locations[0].physicalLocation.artifactLocation.uri,
    rule: r.ruleId,
    ...r.locations[0].physicalLocation.region,
  }));
  const text = outputs.text.split('\n').filter(Boolean).map((l) => /^(.*?):(\d+):(\d+): /.exec(l)!.slice(1, 4).join(':'));
  return { outputs, json, sarif, text };
}

/** The UTF-16 range of each JSON finding by the oracle; fails on a byte column that is not a boundary. */
function utf16Ranges(findings: JsonFinding[], files: Record<string, Buffer>) {
  return findings.map((f) => {
    const lines = new RawLines(files[f.file]);
    const at = (line: number, column: number) => {
      const u = lines.utf16Column(line - 1, column - 1);
      assert.equal(typeof u, 'number', `${f.file}:${line}:${column} (${f.rule}): ${u}`);
      return (u as number) + 1;
    };
    return { file: f.file, rule: f.rule, startLine: f.line, startColumn: at(f.line, f.column), endLine: f.endLine, endColumn: at(f.endLine, f.endColumn) };
  });
}

/** Each sequence inside an identifier and in a comment before a capture and an append, on LF and CRLF lines. */
function invalidModule(): { dir: string; files: Record<string, Buffer> } {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-columns-'));
  writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
  const parts: Buffer[] = [Buffer.from('package m\n\nimport "fmt"\n\n')];
  Object.values(sequences).forEach((seq, i) => {
    const bytes = Buffer.from(seq);
    const eol = i % 2 === 0 ? '\n' : '\r\n';
    parts.push(
      Buffer.from(`func f${i}(lines []string) []string {${eol}\tvar res []string${eol}\tfor _, line := range lines {${eol}\t\tres = append(r`),
      bytes,
      Buffer.from(`es, line)${eol}\t\tgo func() { /*`),
      bytes,
      Buffer.from(`*/ fmt.Println(line, "`),
      bytes,
      Buffer.from(`") }()${eol}\t}${eol}\treturn res${eol}}${eol}${eol}`),
    );
  });
  const files = {
    'a.go': Buffer.concat(parts),
    // A BOM counts in the byte columns of the first line (as go vet counts it) and not in UTF-16 columns.
    'bom.go': Buffer.from('\ufeffpackage m; func g(xs []int) { for _, x := range xs { go func() { println(x) }() } }\n'),
  };
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return { dir, files };
}

describe('columns of files that are not valid UTF-8', function () {
  this.timeout(60_000);

  it('the issue\'s line: endColumn 27 of a 26-byte line holding \\xFF (was 29: the U+FFFD counted 3 bytes)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-columns-'));
    writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.22\n');
    writeFileSync(join(dir, 'a.go'), Buffer.from('package p\n\nfunc f(lines []string) []string {\n\tvar res []string\n\tfor _, line := range lines {\n\t\tres = append(r\xFFes, line)\n\t}\n\treturn res\n}\n', 'latin1'));
    for (const threads of ['0', '2']) {
      const { json, sarif, text } = scanAll(dir, threads);
      const onLine6 = json.filter((f) => f.line === 6);
      assert.ok(onLine6.length > 0, 'a finding on the line');
      for (const f of onLine6) assert.deepEqual([f.column, f.endColumn], [9, 27], `${f.rule} (threads ${threads})`);
      for (const f of sarif.filter((r) => r.startLine === 6)) assert.deepEqual([f.startColumn, f.endColumn], [9, 27], `${f.rule} in SARIF`);
      assert.ok(text.includes('a.go:6:9'));
    }
  });

  it('JSON and text byte columns fall on the file\'s own byte boundaries and SARIF counts the same places in UTF-16, on every line', () => {
    const { dir, files } = invalidModule();
    for (const threads of ['0', '2']) {
      const { outputs, json } = scanAll(dir, threads);
      // Every sequence's line carries findings after it: two loops' worth per function, and the BOM line.
      assert.ok(json.filter((f) => f.file === 'a.go').length >= 2 * Object.keys(sequences).length, `${json.length} findings`);
      assert.ok(json.some((f) => f.file === 'bom.go' && f.line === 1));
      assert.equal(formatColumnsProblem(new Map(Object.entries(files)), outputs), undefined, `threads ${threads}`);
    }
    // The BOM line, by hand: "package m; func g(xs []int) { for _, x := range xs { go func() { println(" is 73 characters.
    const bom = scanAll(dir, '0');
    assert.deepEqual(bom.json.filter((f) => f.file === 'bom.go' && f.rule === 'loopvar/capture').map((f) => f.column), [77]);
    assert.deepEqual(bom.sarif.filter((f) => f.file === 'bom.go' && f.rule === 'loopvar/capture').map((f) => f.startColumn), [74]);
  });

  it('the language server publishes the SARIF ranges, for a file it reads from disk and for the text an editor sends', async () => {
    const { dir, files } = invalidModule();
    const cli = utf16Ranges(scanAll(dir, '0').json, files);
    const expected = (file: string) =>
      cli
        .filter((r) => r.file === file)
        .map((r) => `${r.startLine - 1}:${r.startColumn - 1}-${r.endLine - 1}:${r.endColumn - 1} ${r.rule}`)
        .sort();
    const client = new TestClient();
    client.settings = { escape: { scope: 'all' } };
    try {
      await client.initialize(pathToFileURL(dir).toString());
      const ranges = (p: { diagnostics: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; code?: string | number }[] }) =>
        p.diagnostics.map((d) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.code}`).sort();
      await client.connection.sendRequest('gohazard/scanWorkspace', {});
      for (const file of Object.keys(files)) {
        const uri = pathToFileURL(join(dir, file)).toString();
        assert.deepEqual(ranges(await client.diagnostics(uri)), expected(file), `${file} read from disk`);
        await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: new TextDecoder().decode(files[file]) } });
        // A first publish may leave out what waits for the facts of the package's other files: the complete one follows.
        const complete = (p: Parameters<typeof ranges>[0]) => isDeepStrictEqual(ranges(p), expected(file));
        const opened = await client.diagnostics(uri, (p) => p.version === 1 && complete(p)).catch((error: Error) => error.message);
        assert.deepEqual(typeof opened === 'string' ? opened : ranges(opened), expected(file), `${file} opened`);
      }
    } finally {
      await client.shutdown();
    }
  });

  it('byteColumn agrees with the oracle at every character boundary of random bytes', () => {
    const c = new Choices(prng(17));
    const alphabet = [0x0a, 0x0d, 0x20, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xdf, 0xe0, 0xe2, 0xed, 0xee, 0xef, 0xbb, 0xf0, 0xf4, 0xf5, 0xfe, 0xff];
    for (let n = 0; n < 3000; n++) {
      const random = Buffer.from(Array.from({ length: c.between(0, 24) }, () => c.pick(alphabet)));
      const bytes = c.chance(0.2) ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), random]) : random;
      const { text, layout } = decodeUtf8(bytes);
      assert.equal(text, new TextDecoder().decode(bytes));
      const source = new SourceText(text, layout);
      const lines = new RawLines(bytes);
      assert.equal(source.lineCount, lines.count);
      for (let line = 0; line < lines.count; line++) {
        const lineText = source.lineText(line);
        for (let character = 0; character <= lineText.length; character++) {
          if (character > 0 && /[\ud800-\udbff]/.test(lineText[character - 1])) continue;
          const byte = source.byteColumn({ line, character });
          assert.equal(lines.utf16Column(line, byte), character, `bytes ${bytes.toString('hex')}, line ${line} character ${character} -> byte ${byte}`);
        }
      }
    }
  });
});
