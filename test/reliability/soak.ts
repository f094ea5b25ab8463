// A long editing session against one language server: 20 open files in two packages, random edits
// (mostly typing, some pastes, deletions and braces) sent without waiting, saves, and go.mod switching
// between go 1.21 and go 1.22 on disk. At checkpoints the server has caught up (every open file's last
// version published) and its RSS, file descriptors and threads are read from /proc; at the end every
// file's last diagnostics are compared with a fresh analysis of its final text. `npm test` runs a
// short session (test/reliability/soak.test.ts), `npm run soak` the full one (scripts/soak.mjs).
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Diagnostic, FileChangeType, InitializeRequest } from 'vscode-languageserver-protocol/node';
import { TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { toEnginePath } from '../../server/src/node/nodeHost';
import { eventually, filesBelow, fixturesRoot, newProject } from '../helpers';
import { TestClient } from '../lsp/lspClient';
import { Choices, prng } from './fuzz/random';

export interface Checkpoint {
  edits: number;
  rssKiB: number;
  fileDescriptors: number;
  threads: number;
  liveTrees: number;
}

export interface SoakResult {
  checkpoints: Checkpoint[];
  /** Files whose last diagnostics differ from a fresh analysis of their final text. */
  mismatches: string[];
}

export interface SoakOptions {
  edits: number;
  /** Edits between the first checkpoint and the start. */
  warmup?: number;
  seed?: number;
  log?: (line: string) => void;
}

const FILES = 20;
const TYPED = [...'\tfor _, item := range items { go func() { fmt.Println(item) }() }', '\n'];
const PIECES = ['x', 'item', ' ', '\n', '{', '}', '(', ')', ':=', '"', '// c\n', 'go func() { _ = v }()\n', 'v := v\n', 'p := pool.Get().(*bytes.Buffer)\n'];

/** 20 fixture files, their package clauses made `package p`, 10 in each of two directories. */
function workspace(): { dir: string; paths: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'gohazard-soak-'));
  writeFileSync(join(dir, 'go.mod'), 'module soak\n\ngo 1.21\n');
  const sources = filesBelow(fixturesRoot, (n) => n.endsWith('.go')).filter((_, i) => i % 7 === 0).slice(0, FILES);
  const paths: string[] = [];
  sources.forEach((source, i) => {
    const pkg = join(dir, i % 2 === 0 ? 'a' : 'b');
    mkdirSync(pkg, { recursive: true });
    const path = join(pkg, `f${i}_${basename(source)}`);
    writeFileSync(path, readFileSync(source, 'utf8').replace(/^package\s+\w+/m, 'package p'));
    paths.push(path);
  });
  return { dir, paths };
}

function processFacts(pid: number): Omit<Checkpoint, 'edits' | 'liveTrees'> {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    rssKiB: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]),
    fileDescriptors: readdirSync(`/proc/${pid}/fd`).length,
    threads: readdirSync(`/proc/${pid}/task`).length,
  };
}

function edit(c: Choices, doc: TextDocument): TextDocumentContentChangeEvent {
  const text = doc.getText();
  const at = c.int(text.length + 1);
  const kind = c.int(10);
  if (kind < 6) {
    // Typing: a character of a loop with a goroutine.
    const position = doc.positionAt(at);
    return { range: { start: position, end: position }, text: c.pick(TYPED) };
  }
  if (kind < 8) {
    const end = Math.min(text.length, at + c.between(1, 6));
    return { range: { start: doc.positionAt(at), end: doc.positionAt(end) }, text: '' };
  }
  const position = doc.positionAt(at);
  return { range: { start: position, end: position }, text: c.pick(PIECES) };
}

const shape = (d: Diagnostic) => JSON.stringify({ range: d.range, severity: d.severity, code: d.code, message: d.message });

export async function soak({ edits, warmup = 500, seed = 17, log = () => {} }: SoakOptions): Promise<SoakResult> {
  const { dir, paths } = workspace();
  const server = new TestClient();
  try {
    // Untrusted: no go version probe, so that the server knows what a fresh engine knows.
    await server.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(dir).toString(),
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      workspaceFolders: null,
      initializationOptions: { trusted: false },
    });
    await server.connection.sendNotification('initialized', {});
    const docs = paths.map((path) => TextDocument.create(pathToFileURL(path).toString(), 'go', 1, readFileSync(path, 'utf8')));
    for (const doc of docs) await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: doc.uri, languageId: 'go', version: 1, text: doc.getText() } });
    const last = new Map<string, Diagnostic[]>();
    const caughtUp = async () => {
      for (const doc of docs) last.set(doc.uri, (await server.diagnostics(doc.uri, (p) => p.version === doc.version, 120_000)).diagnostics);
      server.forgetPublished();
    };
    await caughtUp();

    const c = new Choices(prng(seed));
    const checkpoints: Checkpoint[] = [];
    const checkpoint = async (done: number) => {
      await caughtUp();
      // Work in the background (an upgrade impact of the module) parses files of its own for a while.
      const liveTrees = await eventually(async () => ((await server.connection.sendRequest('gohazard/stats', {})) as { liveTrees: number }).liveTrees, (n) => n === docs.length);
      checkpoints.push({ edits: done, liveTrees, ...processFacts(server.process.pid!) });
      log(`  after ${done} edits: ${JSON.stringify(checkpoints[checkpoints.length - 1])}`);
    };
    let goVersion = '1.21';
    for (let done = 1; done <= edits; done++) {
      const doc = docs[c.int(docs.length)];
      const change = edit(c, doc);
      TextDocument.update(doc, [change], doc.version + 1);
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri: doc.uri, version: doc.version }, contentChanges: [change] });
      if (done % 37 === 0) {
        // A save: the text on disk, and the watchers' event for it.
        const saved = docs[c.int(docs.length)];
        writeFileSync(new URL(saved.uri), saved.getText());
        await server.connection.sendNotification('textDocument/didSave', { textDocument: { uri: saved.uri } });
        await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: saved.uri, type: FileChangeType.Changed }] });
      }
      if (done % 500 === 250) {
        goVersion = goVersion === '1.21' ? '1.22' : '1.21';
        writeFileSync(join(dir, 'go.mod'), `module soak\n\ngo ${goVersion}\n`);
        await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(dir, 'go.mod')).toString(), type: FileChangeType.Changed }] });
      }
      if (done === warmup || done === edits) await checkpoint(done);
      else if (done % 100 === 0) await caughtUp();
    }

    // The final texts, saved, against a fresh engine reading the same disk, once the server has nothing
    // left to do (a file is analysed again when a file of its package or go.mod changed).
    for (const doc of docs) writeFileSync(new URL(doc.uri), doc.getText());
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: docs.map((d) => ({ uri: d.uri, type: FileChangeType.Changed })) });
    for (;;) {
      const { analyses } = (await server.connection.sendRequest('gohazard/stats', {})) as { analyses: { pending: number; running: boolean } };
      if (analyses.pending === 0 && !analyses.running) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const doc of docs) last.set(doc.uri, server.latest.get(doc.uri)!.diagnostics);
    const project = await newProject();
    const mismatches: string[] = [];
    const severities = { error: 1, warning: 2, info: 3, hint: 4 } as const;
    for (const doc of docs) {
      const path = toEnginePath(new URL(doc.uri).pathname);
      const fresh = (await project.analyzeText(path, doc.getText(), { rules: {} })).findings.map((f) => JSON.stringify({ range: f.range, severity: severities[f.severity], code: f.rule, message: f.message }));
      if (JSON.stringify(fresh) !== JSON.stringify(last.get(doc.uri)!.map(shape))) mismatches.push(basename(path));
    }
    await server.shutdown();
    return { checkpoints, mismatches };
  } finally {
    if (server.process.exitCode === null) server.process.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
