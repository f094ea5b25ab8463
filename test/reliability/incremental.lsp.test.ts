// Incremental equals from-scratch, through the language server over stdio: random edit sequences
// (inserts, deletes, replacements, several changes per notification, multi-byte characters, CRLF line
// endings) applied as didChange notifications; after every step the diagnostics the server publishes
// for that version must equal those of a fresh analysis of the same text by the engine. Storms send
// their edits without waiting (the server skips versions and abandons analyses): the diagnostics of the
// last version must equal a fresh analysis of the final text.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Diagnostic, InitializeRequest } from 'vscode-languageserver-protocol/node';
import { TextDocument, TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { Project } from '../../server/src/engine/project';
import { Finding } from '../../server/src/engine/types';
import { toEnginePath } from '../../server/src/node/nodeHost';
import { fixturesRoot, newProject } from '../helpers';
import { TestClient } from '../lsp/lspClient';
import { Choices, prng } from './fuzz/random';

const snippets = [
  'x', ' ', '\n', '\r\n', '\t', '{', '}', '(', ')', ':=', '&', '"', '`', '//', '/*', '*/', 'v', 'item', '世界', '😀', 'é',
  '\tgo func() { fmt.Println(item) }()\n', 'for _, v := range xs {\n', 'defer func() { _ = v }()\n', 'v := v\n', '// c\n',
  'func g() {}\n', 'p := pool.Get().(*bytes.Buffer)\n', 'ptrs = append(ptrs, &v)\n', '//gohazard:ignore loopvar/capture because\n', '//nolint\n',
];

const severities = { error: 1, warning: 2, info: 3, hint: 4 } as const;

/** What a diagnostic says, in the shape both sides can be compared in. */
function fromServer(d: Diagnostic) {
  return { range: d.range, severity: d.severity, code: d.code, message: d.message };
}

function fromEngine(f: Finding) {
  return { range: f.range, severity: severities[f.severity], code: f.rule, message: f.message };
}

/** An offset that does not split a surrogate pair. */
function offsetIn(c: Choices, text: string): number {
  let at = c.int(text.length + 1);
  if (at > 0 && at < text.length && /[\ud800-\udbff]/.test(text[at - 1])) at--;
  return at;
}

function randomChanges(c: Choices, doc: TextDocument): TextDocumentContentChangeEvent[] {
  const changes: TextDocumentContentChangeEvent[] = [];
  let text = doc.getText();
  // TextDocument.update changes the document it is given: work on a copy.
  let current = TextDocument.create(doc.uri, doc.languageId, doc.version, text);
  for (let n = c.weighted([[6, 1], [2, 2], [1, 3]] as const); n > 0; n--) {
    const start = offsetIn(c, text);
    const kind = c.int(3); // insert, delete, replace
    const end = kind === 0 ? start : Math.min(text.length, start + c.logBetween(1, 40));
    const endSafe = end > 0 && end < text.length && /[\ud800-\udbff]/.test(text[end - 1]) ? end + 1 : end;
    const insert = kind === 1 ? '' : Array.from({ length: c.between(1, 3) }, () => c.pick(snippets)).join('');
    const change = { range: { start: current.positionAt(start), end: current.positionAt(endSafe) }, text: insert };
    changes.push(change);
    current = TextDocument.update(current, [change], current.version);
    text = current.getText();
  }
  return changes;
}

describe('language server: incremental analysis equals a fresh analysis', function () {
  this.timeout(300_000);
  let client: TestClient | undefined;
  let project: Project;

  before(async () => {
    project = await newProject();
    // The servers below are untrusted: they run no `go`, and their messages say why the toolchain is assumed.
    project.toolchain.unknownBecause = 'untrusted';
  });

  afterEach(() => {
    if (client && client.process.exitCode === null) client.process.kill();
  });

  const bases = [
    { name: 'loopvar', file: join(fixturesRoot, 'loopvar/capture/gostmt/gostmt.go'), crlf: false, seed: 1 },
    { name: 'loopvar, CRLF', file: join(fixturesRoot, 'loopvar/capture/gostmt/gostmt.go'), crlf: true, seed: 2 },
    { name: 'escape', file: join(fixturesRoot, 'escape/closure/basic/loop.go'), crlf: false, seed: 3 },
    { name: 'pool, CRLF', file: join(fixturesRoot, 'pool/use-after-put/basic/use.go'), crlf: true, seed: 4 },
  ];

  /** A server with the base's text open, its first diagnostics checked. */
  async function opened(base: (typeof bases)[number]) {
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-incr-'));
    writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
    const path = join(dir, 'a.go');
    let text = readFileSync(base.file, 'utf8');
    if (base.crlf) text = text.replace(/\r?\n/g, '\r\n');
    writeFileSync(path, text);
    const uri = pathToFileURL(path).toString();

    const server = new TestClient();
    client = server;
    // Untrusted: the server runs no `go` to learn the toolchain, so it knows what this engine knows.
    await server.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: pathToFileURL(dir).toString(),
      capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
      workspaceFolders: null,
      initializationOptions: { trusted: false },
    });
    await server.connection.sendNotification('initialized', {});

    const fresh = async (t: string) => (await project.analyzeText(toEnginePath(path), t, { rules: {} })).findings.map(fromEngine);
    const doc = TextDocument.create(uri, 'go', 1, text);
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text } });
    assert.deepEqual((await server.diagnostics(uri, (p) => p.version === 1)).diagnostics.map(fromServer), await fresh(text), 'after didOpen');
    return { server, uri, doc, fresh };
  }

  for (const base of bases) {
    it(`random edits of the ${base.name} fixture, every step`, async () => {
      const opening = await opened(base);
      const { server, uri, fresh } = opening;
      let doc = opening.doc;

      const c = new Choices(prng(base.seed));
      for (let step = 0; step < 30; step++) {
        const version = doc.version + 1;
        const changes = randomChanges(c, doc);
        doc = TextDocument.update(doc, changes, version);
        await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
        const published = await server.diagnostics(uri, (p) => p.version === version, 30_000);
        assert.deepEqual(published.diagnostics.map(fromServer), await fresh(doc.getText()), `seed ${base.seed}, step ${step}: ${JSON.stringify(changes)}`);
      }
      await server.shutdown();
    });

    it(`a typing storm in the ${base.name} fixture ends on a fresh analysis of the final text`, async () => {
      const opening = await opened(base);
      const { server, uri, fresh } = opening;
      let doc = opening.doc;
      // At the start of a function body: every keystroke of a loop with a goroutine, sent at once.
      const body = doc.getText().search(/\bfunc [^\n]*\{\r?\n/);
      const at = doc.positionAt(doc.getText().indexOf('\n', body) + 1);
      // A line ending is one keystroke, as editors insert it.
      const typed = [...'\tfor _, item := range items { go func() { fmt.Println(item) }() }', base.crlf ? '\r\n' : '\n'];
      for (let k = 0, offset = doc.offsetAt(at); k < typed.length; offset += typed[k].length, k++) {
        const position = doc.positionAt(offset);
        const change = { range: { start: position, end: position }, text: typed[k] };
        doc = TextDocument.update(doc, [change], doc.version + 1);
        await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: [change] });
      }
      const published = await server.diagnostics(uri, (p) => p.version === doc.version, 30_000);
      assert.deepEqual(published.diagnostics.map(fromServer), await fresh(doc.getText()));
      await server.shutdown();
    });

    it(`a random-edit storm in the ${base.name} fixture ends on a fresh analysis of the final text`, async () => {
      const opening = await opened(base);
      const { server, uri, fresh } = opening;
      let doc = opening.doc;
      const c = new Choices(prng(100 + base.seed));
      for (let step = 0; step < 60; step++) {
        const version = doc.version + 1;
        const changes = randomChanges(c, doc);
        doc = TextDocument.update(doc, changes, version);
        await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
      }
      const published = await server.diagnostics(uri, (p) => p.version === doc.version, 30_000);
      assert.deepEqual(published.diagnostics.map(fromServer), await fresh(doc.getText()), `seed ${100 + base.seed}`);
      await server.shutdown();
    });
  }
});
