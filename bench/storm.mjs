// Benchmark: typing storms. A generated Go file open in `gohazard lsp --stdio` (a real LSP client over
// stdio, as an editor runs it) receives edits faster than a full analysis takes, while the client keeps
// asking for code actions, hovers, code lenses and the toolchain report, as VS Code does while one types.
//
//   typing:  a loop with a goroutine (`for _, item := range items { go func() { … }() }`) typed one
//            character every 150 ms at one spot inside a function (most intermediate texts have an
//            unclosed `{`), on a 5,000- and a 20,000-line file;
//   random:  200 seeded random edits 20 ms apart (characters, deletions, pasted lines, braces, newlines,
//            deleted lines) spread over a few spots of a 5,000-line file.
//
// Figures: settle time (last edit sent → publishDiagnostics of the last version), latency of every
// request sent during the storm (p50/p99/max; unanswered ones count as the timeout), server RSS before
// the storm and after it settles, how many versions were published, and the server's own count of
// analyses started and abandoned (gohazard/stats, when the server has it).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { removeLater } from './lib/cleanup.mjs';
import { goFile } from './lib/generate.mjs';
import { BenchClient } from './lib/lspClient.mjs';
import { memoryOf } from './lib/proc.mjs';
import { summarize } from './lib/stats.mjs';

const { TextDocument } = createRequire(import.meta.url)('vscode-languageserver-textdocument');

export const TYPED = 'for _, item := range items { go func() { fmt.Println(item) }() }\n\t';
const REQUEST_TIMEOUT_MS = 30_000;
const SETTLE_TIMEOUT_MS = 180_000;

const STORMS = {
  typing5k: { lines: 5000, plan: typingPlan, intervalMs: 150 },
  typing20k: { lines: 20000, plan: typingPlan, intervalMs: 150 },
  random5k: { lines: 5000, plan: randomPlan, intervalMs: 20 },
};

/** only: names of the storms to run (default all); execArgv: node options of the server (e.g. --cpu-prof). */
export async function stormBench({ log = () => {}, only, execArgv = [] } = {}) {
  const out = {};
  for (const [name, options] of Object.entries(STORMS)) {
    if (only && !only.includes(name)) continue;
    log(`  ${name}`);
    out[name] = await storm({ ...options, execArgv });
  }
  return out;
}

/** One storm on a fresh server; plan(text) gives the edits, each a function of the text before it. */
async function storm({ lines, plan, intervalMs, execArgv }) {
  const dir = removeLater(mkdtempSync(join(tmpdir(), 'gohazard-bench-storm-')));
  writeFileSync(join(dir, 'go.mod'), 'module bench.example/storm\n\ngo 1.21\n');
  const text = goFile('storm', lines, '', true);
  const path = join(dir, 'storm.go');
  writeFileSync(path, text);
  const uri = pathToFileURL(path).toString();
  const client = new BenchClient({ execArgv });
  try {
    await client.initialize(dir);
    let doc = TextDocument.create(uri, 'go', 1, text);
    const opened = performance.now();
    const first = client.diagnostics((p) => p.uri === uri && p.version === 1, SETTLE_TIMEOUT_MS);
    await client.open(uri, text, 1);
    const { at: firstAt, params: firstParams } = await first;
    // Whatever the server does once the first results are out (the go version probe, a re-publish).
    await sleep(1000);
    const statsBefore = await serverStats(client);
    const rssBefore = memoryOf(client.pid)?.rss;

    const edits = plan(text);
    const publishedVersions = new Set();
    client.keepUnmatched = true;
    const requests = [];
    const hazardLine = firstParams.diagnostics.find((d) => d.code === 'loopvar/capture')?.range.start.line ?? 0;
    const loopKeyword = forKeyword(text, hazardLine);
    let lastSent = 0;
    for (let i = 0; i < edits.length; i++) {
      const change = edits[i](doc);
      const version = doc.version + 1;
      doc = TextDocument.update(doc, [change], version);
      await client.change(uri, version, [change]);
      lastSent = performance.now();
      requests.push(request(client, i, uri, doc, change, hazardLine, loopKeyword));
      if (i < edits.length - 1) await sleep(intervalMs);
    }
    const finalVersion = doc.version;
    let settleMs;
    try {
      const isFinal = (p) => p.uri === uri && p.version === finalVersion;
      const { at } = client.published.find((p) => isFinal(p.params)) ?? (await client.diagnostics(isFinal, SETTLE_TIMEOUT_MS));
      settleMs = at - lastSent;
    } catch {
      settleMs = Infinity;
    }
    for (const p of client.published) if (p.params.uri === uri) publishedVersions.add(p.params.version);
    const answered = await Promise.all(requests);
    await sleep(1000);
    const rssAfter = memoryOf(client.pid)?.rss;
    const statsAfter = await serverStats(client);
    // V8 keeps the pages of a heap that grew while busy for a while after collecting it.
    await sleep(9000);
    const rssAtRest = memoryOf(client.pid)?.rss;
    const byMethod = {};
    for (const method of new Set(answered.map((r) => r.method))) byMethod[method] = summarize(answered.filter((r) => r.method === method).map((r) => r.ms));
    return {
      file: { lines, bytes: Buffer.byteLength(text) },
      openMs: firstAt - opened,
      edits: edits.length,
      intervalMs,
      settleMs,
      requests: summarize(answered.map((r) => r.ms)),
      unanswered: answered.filter((r) => r.ms >= REQUEST_TIMEOUT_MS).length,
      failed: answered.filter((r) => r.error).length,
      byMethod,
      codeActionsOffered: answered.filter((r) => r.method === 'codeAction' && r.actions > 0).length,
      rssBeforeKiB: rssBefore,
      rssAfterKiB: rssAfter,
      rssRatio: rssAfter / rssBefore,
      rssAtRestKiB: rssAtRest,
      rssAtRestRatio: rssAtRest / rssBefore,
      heapUsedAfterKiB: statsAfter?.memory && Math.round(statsAfter.memory.heapUsed / 1024),
      versionsPublished: publishedVersions.size,
      analyses: statsAfter && statsBefore ? { started: statsAfter.analyses.started - statsBefore.analyses.started, abandoned: statsAfter.analyses.abandoned - statsBefore.analyses.abandoned, completed: statsAfter.analyses.completed - statsBefore.analyses.completed } : undefined,
      liveTrees: statsAfter?.liveTrees,
      serverExit: await client.shutdown(),
    };
  } finally {
    if (client.process.exitCode === null) client.process.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The requests an editor sends while one types, one per edit in turn; resolves with its latency. */
function request(client, i, uri, doc, change, hazardLine, loopKeyword) {
  const at = change.range.start;
  const line = doc.positionAt(doc.offsetAt(at) + change.text.length).line;
  const kinds = [
    ['codeAction', 'textDocument/codeAction', { textDocument: { uri }, range: { start: { line, character: 0 }, end: { line, character: 0 } }, context: { diagnostics: [] } }],
    ['hover', 'textDocument/hover', { textDocument: { uri }, position: loopKeyword }],
    ['codeAction', 'textDocument/codeAction', { textDocument: { uri }, range: { start: { line: hazardLine, character: 0 }, end: { line: hazardLine, character: 0 } }, context: { diagnostics: [] } }],
    ['codeLens', 'textDocument/codeLens', { textDocument: { uri } }],
    ['toolchain', 'gohazard/toolchain', { uri }],
  ];
  const [method, name, params] = kinds[i % kinds.length];
  const sent = performance.now();
  let timer;
  const timeout = new Promise((resolve) => (timer = setTimeout(() => resolve({ method, ms: REQUEST_TIMEOUT_MS, timedOut: true }), REQUEST_TIMEOUT_MS)));
  const answer = client.connection.sendRequest(name, params).then(
    (result) => ({ method, ms: performance.now() - sent, actions: Array.isArray(result) ? result.length : undefined }),
    (error) => ({ method, ms: performance.now() - sent, error: String(error?.message ?? error) }),
  );
  return Promise.race([answer, timeout]).finally(() => clearTimeout(timer));
}

/** The server's counters (gohazard/stats), or undefined for a server without them. */
async function serverStats(client) {
  try {
    return await client.connection.sendRequest('gohazard/stats', {});
  } catch {
    return undefined;
  }
}

/** Edits typing TYPED one character at a time at the start of a statement in the middle of the file. */
function typingPlan(text) {
  const lines = text.split('\n');
  const func = lines.findIndex((l, i) => i > lines.length / 2 && l.startsWith('func processBatch'));
  const line = lines.findIndex((l, i) => i > func && l === '\twg.Wait()');
  return [...TYPED].map((ch, k) => () => {
    const before = TYPED.slice(0, k);
    const row = line + (before.match(/\n/g)?.length ?? 0);
    const character = before.includes('\n') ? before.length - before.lastIndexOf('\n') - 1 : 1 + before.length;
    return { range: { start: { line: row, character }, end: { line: row, character } }, text: ch };
  });
}

/**
 * 200 random edits: at a few spots (each used for a run of edits, as one edits a place at a time),
 * characters typed and deleted, a few lines pasted from elsewhere, braces, newlines, whole lines deleted.
 */
function randomPlan(text, seed = 15) {
  const rand = mulberry32(seed);
  const int = (n) => Math.floor(rand() * n);
  const spots = Array.from({ length: 6 }, () => 0.1 + rand() * 0.8);
  let spot = spots[0];
  return Array.from({ length: 200 }, (_, k) => (doc) => {
    if (k % 30 === 0) spot = spots[int(spots.length)];
    const current = doc.getText();
    const near = Math.min(current.length, Math.max(0, Math.floor(spot * current.length) + int(400) - 200));
    const pos = doc.positionAt(near);
    const kind = rand();
    if (kind < 0.4) return { range: { start: pos, end: pos }, text: 'abcdefghijklmnopqrstuvwxyz_ ().,:='[int(33)] };
    if (kind < 0.55) return { range: { start: pos, end: doc.positionAt(Math.min(current.length, near + 1 + int(3))) }, text: '' };
    if (kind < 0.65) {
      // A paste: 1 to 5 lines copied from elsewhere in the file.
      const from = doc.positionAt(int(current.length)).line;
      const pasted = current.split('\n').slice(from, from + 1 + int(5)).join('\n');
      return { range: { start: pos, end: pos }, text: `${pasted}\n` };
    }
    if (kind < 0.75) return { range: { start: pos, end: pos }, text: rand() < 0.6 ? '{' : '}' };
    if (kind < 0.9) return { range: { start: pos, end: pos }, text: '\n\t' };
    const line = pos.line;
    return { range: { start: { line, character: 0 }, end: { line: line + 1, character: 0 } }, text: '' };
  });
}

function forKeyword(text, nearLine) {
  const lines = text.split('\n');
  for (let i = nearLine; i >= 0; i--) {
    const at = lines[i].indexOf('\tfor ');
    if (at >= 0) return { line: i, character: at + 1 };
  }
  return { line: 0, character: 0 };
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
