// Benchmark 1, keystroke latency: a 5,000-line Go file open in the language server (over stdio, as an
// editor runs it), single-character incremental edits spread over the file, each timed from sending
// didChange to receiving the publishDiagnostics of that version. Edits come in insert/delete pairs so
// the text is valid Go again after every pair; most keep it valid throughout (a character appended to
// an identifier, typed into a string or a comment), and one pair in 25 types an unbalanced `{`, the
// worst case for incremental parsing (the changed range runs to the end of the file).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { removeLater } from './lib/cleanup.mjs';
import { repoRoot } from './lib/engine.mjs';
import { goFile } from './lib/generate.mjs';
import { BenchClient } from './lib/lspClient.mjs';
import { summarize } from './lib/stats.mjs';

const KEYWORDS = new Set('break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var'.split(' '));
const LINES = 5000;
const WARMUP_PAIRS = 5;

export async function keystrokeBench({ edits = 500, execArgv = [] } = {}) {
  const dir = removeLater(mkdtempSync(join(tmpdir(), 'gohazard-bench-keystroke-')));
  writeFileSync(join(dir, 'go.mod'), 'module bench.example/keystroke\n\ngo 1.21\n');
  const text = goFile('keystroke', LINES, '', true);
  const path = join(dir, 'keystroke.go');
  writeFileSync(path, text);
  const uri = pathToFileURL(path).toString();
  const pairs = editPairs(text, Math.ceil(edits / 2));
  const warmup = editPairs(text, WARMUP_PAIRS).map((p) => ({ ...p, warmup: true }));

  const client = new BenchClient({ execArgv });
  try {
    await client.initialize(dir);
    let version = 1;
    const opened = performance.now();
    const first = client.diagnostics((p) => p.uri === uri && p.version === 1);
    await client.open(uri, text, 1);
    const openResult = await first;
    const openMs = openResult.at - opened;
    const findings = openResult.params.diagnostics.length;

    const samples = [];
    for (const pair of [...warmup, ...pairs]) {
      for (const [step, change] of [pair.insert, pair.remove].entries()) {
        if (!pair.warmup && samples.length >= edits) break;
        version++;
        const v = version;
        const published = client.diagnostics((p) => p.uri === uri && p.version === v);
        const sent = performance.now();
        await client.change(uri, v, [change]);
        const { at, params } = await published;
        if (!pair.warmup) samples.push({ ms: at - sent, kind: pair.kind, inBody: pair.inBody, step: step === 0 ? 'insert' : 'delete', diagnostics: params.diagnostics.length });
      }
    }
    const finalFindings = samples.at(-1)?.diagnostics;
    const latencies = samples.map((s) => s.ms);
    const byKind = {};
    for (const kind of new Set(samples.map((s) => s.kind))) byKind[kind] = summarize(samples.filter((s) => s.kind === kind).map((s) => s.ms));
    const validOnly = summarize(samples.filter((s) => s.kind !== 'brace').map((s) => s.ms));
    const inBody = summarize(samples.filter((s) => s.inBody).map((s) => s.ms));
    // An unbalanced brace makes tree-sitter's error recovery reparse to the end of the file (PERF-NOTES).
    const inBodyBalanced = summarize(samples.filter((s) => s.inBody && s.kind !== 'brace').map((s) => s.ms));
    // The scheduler (issue 15) waits as long as the document's analyses cost, at most MAX_DEBOUNCE_MS.
    const scheduler = join(repoRoot, 'out', 'server', 'src', 'lsp', 'scheduler.js');
    const debounce = existsSync(scheduler) ? `the cost of the last analyses, at most ${/MAX_DEBOUNCE_MS = (\d+)/.exec(readFileSync(scheduler, 'utf8'))?.[1] ?? '?'} ms: the latencies include it` : 'none: the server analyses and publishes on every didChange';
    return {
      file: { lines: LINES, bytes: Buffer.byteLength(text), findingsAtOpen: findings, findingsAfterEdits: finalFindings },
      openMs,
      warmupEdits: WARMUP_PAIRS * 2,
      edits: samples.length,
      latency: summarize(latencies),
      latencyValidText: validOnly,
      latencyInBody: inBody,
      latencyInBodyBalanced: inBodyBalanced,
      byKind,
      debounce,
      serverExit: await client.shutdown(),
    };
  } finally {
    if (client.process.exitCode === null) client.process.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * n insert/delete pairs at lines spread evenly over the text. Each pair leaves the text as it was, so
 * positions computed on the original text stay right.
 */
export function editPairs(text, n) {
  const lines = text.split('\n');
  const kinds = ['ident', 'ident', 'string', 'ident', 'comment'];
  const pairs = [];
  for (let k = 0; k < n; k++) {
    const kind = k % 25 === 12 ? 'brace' : kinds[k % kinds.length];
    const target = Math.floor(((k + 0.5) * lines.length) / n);
    const spot = findSpot(lines, target, kind) ?? findSpot(lines, target, 'ident') ?? findSpot(lines, 0, 'ident');
    const [line, character, ch, actualKind] = spot;
    const at = { line, character };
    pairs.push({
      kind: actualKind,
      // Inside a function body: indented under a `func` line (struct fields are indented under `type`).
      inBody: lines[line].startsWith('\t') && insideFunction(lines, line),
      insert: { range: { start: at, end: at }, text: ch },
      remove: { range: { start: at, end: { line, character: character + 1 } }, text: '' },
    });
  }
  return pairs;
}

function findSpot(lines, from, kind) {
  for (let i = from; i < lines.length; i++) {
    const line = lines[i];
    if (kind === 'brace') {
      // End of a statement inside a function body: `{` opens a block that never closes.
      if (/^\t+\S.*[^{(,]$/.test(line) && !line.trimStart().startsWith('//') && !line.trimStart().startsWith('case') && line.trim() !== '}') return [i, line.length, '{', kind];
    } else if (kind === 'string') {
      const m = /"[a-z]/.exec(line);
      if (m && !line.trimStart().startsWith('//') && !line.trimStart().startsWith('import')) return [i, m.index + 1, 'z', kind];
    } else if (kind === 'comment') {
      const at = line.indexOf('// ');
      if (at >= 0) return [i, at + 3, 'c', kind];
    } else {
      if (line.trimStart().startsWith('//') || line.startsWith('package') || line.startsWith('import') || line.startsWith('\t"')) continue;
      for (const m of line.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
        if (KEYWORDS.has(m[0]) || (m.index > 0 && /["%.]/.test(line[m.index - 1]))) continue;
        if (isInsideString(line, m.index)) continue;
        // A top-level name is part of every declaration's context: renaming one re-checks the file.
        return [i, m.index + m[0].length, 'q', /^(func|type|var|const) /.test(line) ? 'ident-toplevel' : 'ident'];
      }
    }
  }
  return undefined;
}

/** Whether the line lies inside a func body: the nearest unindented line above it opens a function. */
function insideFunction(lines, line) {
  for (let i = line; i >= 0; i--) if (!lines[i].startsWith('\t')) return lines[i].startsWith('func ');
  return false;
}

function isInsideString(line, index) {
  let quotes = 0;
  for (let i = 0; i < index; i++) if (line[i] === '"') quotes++;
  return quotes % 2 === 1;
}
