// Typing faster than the server analyses: the server must end on the diagnostics of the final text
// (exactly what a fresh server says of it), answer requests while it is behind, and keep no syntax tree
// of the versions it skipped. No timing is asserted here; bench/storm.mjs measures it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CodeAction, CodeActionRequest, Diagnostic, InitializeRequest, TextEdit } from 'vscode-languageserver-protocol/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { applyEdits } from '../../server/src/engine/fixes';
import { eventually } from '../helpers';
import { TestClient } from './lspClient';

/** A file of many ordinary functions; `busy` is where the typing happens, `hazard` (below it) captures a loop variable. */
function source(): string {
  const out = ['package m', '', 'import (', '\t"fmt"', '\t"strings"', '\t"sync"', ')', ''];
  for (let i = 0; i < 40; i++) {
    if (i === 35) out.push('func hazard(names []string) {', '\tfor _, name := range names {', '\t\tgo func() { fmt.Println(name) }()', '\t}', '}', '');
    if (i === 30) out.push('func busy(items []string) {', '\tvar wg sync.WaitGroup', '\twg.Wait()', '}', '');
    out.push(`func join${i}(parts []string) string {`, '\ts := ""', '\tfor _, p := range parts {', `\t\ts += strings.ToUpper(p) + "${i}"`, '\t}', '\treturn s', '}', '');
  }
  return out.join('\n');
}

const TYPED = 'for _, item := range items { go func() { fmt.Println(item) }() }\n\t';

async function untrustedServer(dir: string): Promise<TestClient> {
  const client = new TestClient();
  // Untrusted: no `go` version probe, so that two servers know the same toolchain.
  await client.connection.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(dir).toString(),
    capabilities: { workspace: { configuration: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    workspaceFolders: null,
    initializationOptions: { trusted: false },
  });
  await client.connection.sendNotification('initialized', {});
  return client;
}

const shape = (d: Diagnostic) => ({ range: d.range, severity: d.severity, code: d.code, message: d.message });

interface Stats {
  analyses: { started: number; completed: number; abandoned: number };
  liveTrees: number;
  scratchTrees: number;
  openDocuments: number;
}

describe('language server under a typing storm', function () {
  this.timeout(120_000);
  const clients: TestClient[] = [];
  afterEach(() => {
    for (const c of clients.splice(0)) if (c.process.exitCode === null) c.process.kill();
  });

  it('ends on exactly what a fresh server publishes for the final text, and answers a code action mid-storm for the text of that moment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-storm-'));
    writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
    const text = source();
    writeFileSync(join(dir, 'a.go'), text);
    const uri = pathToFileURL(join(dir, 'a.go')).toString();
    const server = await untrustedServer(dir);
    clients.push(server);
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text } });
    await server.diagnostics(uri, (p) => p.version === 1);

    const lines = text.split('\n');
    const typingLine = lines.indexOf('\twg.Wait()');
    const hazardLine = lines.indexOf('\t\tgo func() { fmt.Println(name) }()');
    let doc = TextDocument.create(uri, 'go', 1, text);
    const asked: { at: string; hazardLine: number; answer: Promise<CodeAction[]> }[] = [];
    // Every keystroke sent at once, as a fast typist's editor does while the server is busy.
    for (let k = 0; k < TYPED.length; k++) {
      const before = TYPED.slice(0, k);
      const row = typingLine + (before.match(/\n/g)?.length ?? 0);
      const character = before.includes('\n') ? before.length - before.lastIndexOf('\n') - 1 : 1 + before.length;
      const change = { range: { start: { line: row, character }, end: { line: row, character } }, text: TYPED[k] };
      const version = doc.version + 1;
      doc = TextDocument.update(TextDocument.create(uri, 'go', doc.version, doc.getText()), [change], version);
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      if (k === 40 || k === TYPED.length - 1) {
        // The hazard is in a declaration the typing does not touch (but moves once a newline is typed):
        // its fix is offered, for the text of this moment.
        const line = hazardLine + (TYPED.slice(0, k + 1).match(/\n/g)?.length ?? 0);
        const range = { start: { line, character: 0 }, end: { line, character: 0 } };
        const answer = server.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [] } }) as Promise<CodeAction[]>;
        asked.push({ at: doc.getText(), hazardLine: line, answer });
      }
    }
    const finalText = doc.getText();
    const settled = await server.diagnostics(uri, (p) => p.version === doc.version, 60_000);

    const fresh = await untrustedServer(dir);
    clients.push(fresh);
    await fresh.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text: finalText } });
    const expected = await fresh.diagnostics(uri, (p) => p.version === 1, 60_000);
    assert.deepEqual(settled.diagnostics.map(shape), expected.diagnostics.map(shape));
    assert.ok(expected.diagnostics.some((d) => d.code === 'loopvar/capture' && d.range.start.line === typingLine), 'the typed loop is reported');

    for (const { at, hazardLine: line, answer } of asked) {
      const actions = await answer;
      const copy = actions.find((a) => a.title.startsWith('Copy name for this iteration'));
      assert.ok(copy, `actions offered: ${actions.map((a) => a.title).join(', ')}`);
      const fixed = applyEdits(at, copy.edit!.changes![uri] as TextEdit[]);
      const fixedLines = fixed.split('\n');
      assert.equal(fixedLines[line], '\t\tname := name');
      assert.equal(fixedLines[line + 1], lines[hazardLine]);
      assert.equal(fixed.replace('\t\tname := name\n', ''), at, 'the fix adds its line and changes nothing else');
    }

    // The server keeps the tree of the one open document (once background work, such as the module's
    // upgrade impact, is done with its own), and drops it on close.
    const stats = () => server.connection.sendRequest('gohazard/stats', {}) as Promise<Stats>;
    assert.equal((await eventually(stats, (s) => s.liveTrees === 1)).liveTrees, 1);
    const { analyses } = await stats();
    assert.ok(analyses.started < TYPED.length + 1, `${analyses.started} analyses for ${TYPED.length + 1} versions`);
    await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
    const closed = await eventually(stats, (s) => s.liveTrees === 0);
    assert.deepEqual([closed.liveTrees, closed.scratchTrees, closed.openDocuments], [0, 0, 0]);
    await server.shutdown();
    await fresh.shutdown();
  });

  it('answers a code action asked before the first results exist, from those results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gohazard-storm-'));
    writeFileSync(join(dir, 'go.mod'), 'module m\n\ngo 1.21\n');
    const text = source();
    const uri = pathToFileURL(join(dir, 'a.go')).toString();
    const server = await untrustedServer(dir);
    clients.push(server);
    const hazardLine = text.split('\n').indexOf('\t\tgo func() { fmt.Println(name) }()');
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'go', version: 1, text } });
    const range = { start: { line: hazardLine, character: 0 }, end: { line: hazardLine, character: 0 } };
    const actions = (await server.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [] } })) as CodeAction[];
    assert.ok(
      actions.some((a) => a.title.startsWith('Copy name for this iteration')),
      `actions offered: ${actions.map((a) => a.title).join(', ')}`,
    );
    await server.shutdown();
  });
});
